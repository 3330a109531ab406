"""Route-map evaluation: what a policy does to one BGP route.

Semantics shared by FRR, Cisco IOS and Arista EOS (and checked against FRR in the lab):

* entries run in sequence order; the first entry whose match conditions all hold decides;
* ``deny`` drops the route (its sets are not applied); ``permit`` applies the sets and
  accepts, unless the entry says ``continue`` / ``on-match``, in which case evaluation goes on
  at the target entry with the modified route and the route stays permitted if nothing
  later matches;
* no matching entry: implicit deny. A reference to an undefined list matches nothing;
* several names in one ``match`` line are alternatives (any of them may match).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace

from netval.static.builtin import regexes
from netval.static.builtin.model import (
    Acl,
    CommunityList,
    DeviceModel,
    Match,
    PrefixList,
    RouteMapEntry,
    SetAction,
)
from netval.static.builtin.vendors.common.syntax import WELL_KNOWN

_WELL_KNOWN_NAMES = {v: k for k, v in WELL_KNOWN.items() if k != "no-export-subconfed"}
_MAX_CALL_DEPTH = 10


@dataclass(frozen=True)
class Route:
    network: ipaddress.IPv4Network
    as_path: tuple[int, ...] = ()
    communities: frozenset[str] = frozenset()
    local_preference: int = 100
    metric: int = 0
    next_hop: str | None = None
    origin: str = "igp"
    tag: int = 0
    weight: int = 0
    protocol: str = "bgp"
    originator_ip: str = "0.0.0.0"


@dataclass
class Result:
    permit: bool
    output: Route | None
    trace: list[str] = field(default_factory=list)


def community_key(c: str) -> tuple[int, int]:
    hi, _, lo = c.partition(":")
    try:
        return int(hi), int(lo)
    except ValueError:
        return (1 << 20, 0)


def community_text(communities: frozenset[str]) -> str:
    """The string FRR matches expanded community-lists against (sorted, well-known by name)."""
    return " ".join(
        _WELL_KNOWN_NAMES.get(c, c) if c in ("65535:65281", "65535:65282", "65535:65283") else c
        for c in sorted(communities, key=community_key)
    )


def as_path_text(path: tuple[int, ...]) -> str:
    return " ".join(str(a) for a in path)


class Evaluator:
    """Evaluates the route-maps of one device."""

    def __init__(self, dev: DeviceModel) -> None:
        self.dev = dev

    def run(self, policy: str, route: Route, direction: str = "in") -> Result:
        start = route if direction == "in" else replace(route, next_hop=None)
        trace: list[str] = []
        permit, out = self._route_map(policy, start, trace, 0)
        return Result(permit, out if permit else None, trace)

    # -- route-maps -----------------------------------------------------------------------

    def _route_map(
        self, name: str, route: Route, trace: list[str], depth: int
    ) -> tuple[bool, Route]:
        rmap = self.dev.route_maps.get(name)
        if rmap is None or depth > _MAX_CALL_DEPTH:
            return False, route
        entries = rmap.ordered()
        permitted = False
        i = 0
        while i < len(entries):
            entry = entries[i]
            ok, route = self._entry_matches(entry, route, trace, depth)
            if not ok:
                i += 1
                continue
            trace.append(f"Matched route-map {name} clause {entry.seq} ({entry.action})")
            if entry.action == "deny":
                return False, route
            route = self._apply_sets(entry.sets, route)
            for call in (m for m in entry.matches if m.kind == "call"):
                ok, route = self._route_map(call.names[0], route, trace, depth + 1)
                if not ok:
                    return False, route
            permitted = True
            if entry.continue_to is None:
                return True, route
            target = entry.seq + 1 if entry.continue_to == -1 else entry.continue_to
            i = next((j for j, e in enumerate(entries) if e.seq >= target and j > i), len(entries))
        return permitted, route

    def _entry_matches(
        self, entry: RouteMapEntry, route: Route, trace: list[str], depth: int
    ) -> tuple[bool, Route]:
        return all(self._match(m, route) for m in entry.matches if m.kind != "call"), route

    def _match(self, m: Match, route: Route) -> bool:
        if m.kind == "prefix_list":
            return any(
                self._prefix_list(self.dev.prefix_lists.get(n), route.network) for n in m.names
            )
        if m.kind == "prefix6_list":
            return False
        if m.kind == "community":
            return any(
                self._community_list(self.dev.community_lists.get(n), route.communities, m.exact)
                for n in m.names
            )
        if m.kind == "as_path":
            text = as_path_text(route.as_path)
            return any(self._as_path(n, text) for n in m.names)
        if m.kind == "acl":
            return any(self._acl(self.dev.acls.get(n), route.network) for n in m.names)
        if m.kind == "tag":
            return str(route.tag) in m.names
        if m.kind == "metric":
            return str(route.metric) in m.names
        if m.kind == "local_preference":
            return str(route.local_preference) in m.names
        if m.kind == "source_protocol":
            return route.protocol in m.names
        if m.kind == "origin":
            return route.origin in m.names
        # interface, route-type, ip next-hop, ...: never true for a BGP route under test.
        return False

    # -- lists ----------------------------------------------------------------------------

    @staticmethod
    def _prefix_list(plist: PrefixList | None, net: ipaddress.IPv4Network) -> bool:
        if plist is None:
            return False
        if not plist.entries:
            return True
        e = plist.first_match4(net)
        return e is not None and e.action == "permit"

    def _community_list(
        self, clist: CommunityList | None, comms: frozenset[str], exact: bool
    ) -> bool:
        if clist is None:
            return False
        text = community_text(comms)
        for e in clist.entries:
            if clist.kind == "standard":
                wanted = set(e.communities)
                hit = wanted == set(comms) if exact else bool(wanted) and wanted <= comms
            else:
                hit = self._regex(e.regex or "", text, e.line, f"community-list {clist.name}")
            if hit:
                return e.action == "permit"
        return False

    def _as_path(self, name: str, text: str) -> bool:
        alist = self.dev.as_path_lists.get(name)
        if alist is None:
            return False
        for e in alist.entries:
            if self._regex(e.regex, text, e.line, f"as-path access-list {name}"):
                return e.action == "permit"
        return False

    def _regex(self, regex: str, text: str, line: int, where: str) -> bool:
        try:
            return regexes.search(regex, text)
        except regexes.UnevaluableRegex as exc:
            raise regexes.UnevaluableRegex(
                f"{self.dev.filename}:{line}: {self.dev.hostname} {where}: {exc.message}; "
                f"a route this entry decides cannot be judged (input {text!r})",
                hint=exc.hint,
            ) from None

    @staticmethod
    def _acl(acl: Acl | None, net: ipaddress.IPv4Network) -> bool:
        if acl is None:
            return False
        addr = int(net.network_address)
        mask = int(net.netmask)
        for line in acl.lines:
            if line.remark:
                continue
            if line.src is not None and (addr & ~line.src[1]) != (line.src[0] & ~line.src[1]):
                continue
            if line.dst is not None and (mask & ~line.dst[1]) != (line.dst[0] & ~line.dst[1]):
                continue
            return line.action == "permit"
        return False

    # -- sets -----------------------------------------------------------------------------

    def _apply_sets(self, sets: list[SetAction], route: Route) -> Route:
        for s in sets:
            route = self._apply(s, route)
        return route

    def _apply(self, s: SetAction, r: Route) -> Route:
        k = s.kind
        if k == "local_preference":
            return replace(r, local_preference=_arith(r.local_preference, s.value))
        if k == "metric":
            return replace(r, metric=_arith(r.metric, s.value))
        if k == "weight" and s.value.isdigit():
            return replace(r, weight=int(s.value))
        if k == "tag" and s.value.isdigit():
            return replace(r, tag=int(s.value))
        if k == "origin" and s.value in ("igp", "egp", "incomplete"):
            return replace(r, origin=s.value)
        if k == "community":
            new = frozenset(s.values)
            return replace(r, communities=r.communities | new if s.additive else new)
        if k == "community_from_list":
            vals: set[str] = set()
            for n in s.values:
                cl = self.dev.community_lists.get(n)
                if cl is not None and cl.kind == "standard":
                    for e in cl.entries:
                        if e.action == "permit":
                            vals.update(e.communities)
            new = frozenset(vals)
            return replace(r, communities=r.communities | new if s.additive else new)
        if k == "comm_list_delete":
            cl = self.dev.community_lists.get(s.value)
            if cl is None:
                return r
            keep = frozenset(
                c for c in r.communities if not self._community_list(cl, frozenset([c]), False)
            )
            return replace(r, communities=keep)
        if k == "as_path_prepend":
            return replace(r, as_path=tuple(int(v) for v in s.values) + r.as_path)
        if k == "as_path_prepend_last_as" and r.as_path and s.value.isdigit():
            return replace(r, as_path=(r.as_path[0],) * int(s.value) + r.as_path)
        if k == "next_hop":
            try:
                ipaddress.IPv4Address(s.value)
            except ValueError:
                return r
            return replace(r, next_hop=s.value)
        return r


def _arith(old: int, value: str) -> int:
    """``N``, ``+N`` or ``-N`` (FRR and Cisco allow relative metric / local-preference)."""
    try:
        if value.startswith("+"):
            return min(old + int(value[1:]), 2**32 - 1)
        if value.startswith("-"):
            return max(old - int(value[1:]), 0)
        return int(value)
    except ValueError:
        return old
