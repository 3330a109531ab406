"""BGP path attributes, and route-map evaluation through part 1's ``Evaluator``, memoised.

Evaluating a route-map costs microseconds; a fabric evaluates the same policy on the same
attributes thousands of times (every leaf imports the same route from every spine). Results
are cached under a *content signature* of the route-map and everything it references, so
identical policies on different devices share one cache, and under the prefix only when the
policy looks at prefixes.
"""

from __future__ import annotations

from typing import NamedTuple

from netval.static.builtin.dataplane.types import Hop
from netval.static.builtin.model import DeviceModel
from netval.static.builtin.prefix import key_net
from netval.static.builtin.questions.policy import Evaluator
from netval.static.builtin.questions.policy import Route as PolicyRoute

_PREFIX_MATCHES = frozenset(("prefix_list", "prefix6_list", "acl"))


class Attrs(NamedTuple):
    as_path: tuple[int, ...]
    local_pref: int
    med: int
    origin: str  # igp | egp | incomplete
    communities: frozenset[str]
    weight: int
    tag: int
    originator: str | None
    clusters: tuple[str, ...]


_interned: dict[Attrs, Attrs] = {}


def intern(a: Attrs) -> Attrs:
    return _interned.setdefault(a, a)


def reset_interning() -> None:
    """Drop the attribute table (between unrelated computations, to free memory)."""
    _interned.clear()


ORIGIN_RANK = {"igp": 0, "egp": 1, "incomplete": 2}

Outcome = tuple[Attrs, Hop | None] | None  # None: denied; Hop: next hop the policy set


class PolicySignature(NamedTuple):
    ident: int
    prefix_dependent: bool


class Policies:
    """Memoised route-map application for every device of one computation."""

    def __init__(self) -> None:
        self._sig_ids: dict[object, int] = {}
        self._sigs: dict[tuple[str, str], PolicySignature] = {}
        self._evaluators: dict[str, Evaluator] = {}
        self._memo: dict[tuple[int, int, Attrs, str, str], Outcome] = {}
        self.evaluations = 0
        self.lookups = 0

    def evaluator(self, dev: DeviceModel) -> Evaluator:
        ev = self._evaluators.get(dev.hostname)
        if ev is None:
            ev = self._evaluators[dev.hostname] = Evaluator(dev)
        return ev

    def signature(self, dev: DeviceModel, name: str) -> PolicySignature:
        cached = self._sigs.get((dev.hostname, name))
        if cached is None:
            content, prefix_dep = _content(dev, name, set())
            ident = self._sig_ids.setdefault(content, len(self._sig_ids))
            cached = self._sigs[(dev.hostname, name)] = PolicySignature(ident, prefix_dep)
        return cached

    def apply(
        self,
        dev: DeviceModel,
        name: str,
        sig: PolicySignature,
        key: int,
        attrs: Attrs,
        protocol: str = "bgp",
        direction: str = "in",
    ) -> Outcome:
        self.lookups += 1
        memo_key = (sig.ident, key if sig.prefix_dependent else -1, attrs, protocol, direction)
        try:
            return self._memo[memo_key]
        except KeyError:
            pass
        self.evaluations += 1
        route = PolicyRoute(
            network=key_net(key),
            as_path=attrs.as_path,
            communities=attrs.communities,
            local_preference=attrs.local_pref,
            metric=attrs.med,
            next_hop=None,
            origin=attrs.origin,
            tag=attrs.tag,
            weight=attrs.weight,
            protocol=protocol,
        )
        res = self.evaluator(dev).run(name, route, direction)
        outcome: Outcome = None
        if res.permit and res.output is not None:
            o = res.output
            out = intern(
                Attrs(
                    o.as_path,
                    o.local_preference,
                    o.metric,
                    o.origin,
                    o.communities,
                    o.weight,
                    o.tag,
                    attrs.originator,
                    attrs.clusters,
                )
            )
            outcome = (out, Hop(ip=o.next_hop) if o.next_hop else None)
        self._memo[memo_key] = outcome
        return outcome


def _content(dev: DeviceModel, name: str, seen: set[str]) -> tuple[object, bool]:
    """A hashable description of a route-map and what it references, without line numbers."""
    rmap = dev.route_maps.get(name)
    if rmap is None or name in seen:
        return ("undefined", name if name in seen else None), False
    seen.add(name)
    entries = []
    refs: list[object] = []
    prefix_dep = False
    for e in rmap.ordered():
        matches = tuple((m.kind, m.names, m.exact) for m in e.matches)
        sets = tuple((s.kind, s.value, s.values, s.additive) for s in e.sets)
        entries.append((e.seq, e.action, matches, sets, e.continue_to))
        for m in e.matches:
            if m.kind in _PREFIX_MATCHES:
                prefix_dep = True
            for n in m.names:
                if m.kind == "call":
                    sub, dep = _content(dev, n, seen)
                    prefix_dep = prefix_dep or dep
                    refs.append(("call", n, sub))
                else:
                    refs.append((m.kind, n, _list_content(dev, m.kind, n)))
        for s in e.sets:
            if s.kind in ("community_from_list",):
                refs.extend(("community", n, _list_content(dev, "community", n)) for n in s.values)
            elif s.kind == "comm_list_delete":
                refs.append(("community", s.value, _list_content(dev, "community", s.value)))
    return (tuple(entries), tuple(refs)), prefix_dep


def _list_content(dev: DeviceModel, kind: str, name: str) -> object:
    if kind == "prefix_list":
        pl = dev.prefix_lists.get(name)
        return (
            None
            if pl is None
            else tuple((e.seq, e.action, str(e.prefix), e.ge, e.le) for e in pl.entries)
        )
    if kind == "prefix6_list":
        pl = dev.prefix6_lists.get(name)
        return None if pl is None else len(pl.entries)
    if kind == "community":
        cl = dev.community_lists.get(name)
        return (
            None
            if cl is None
            else (cl.kind, tuple((e.action, e.communities, e.regex) for e in cl.entries))
        )
    if kind == "as_path":
        al = dev.as_path_lists.get(name)
        return None if al is None else tuple((e.action, e.regex) for e in al.entries)
    if kind == "acl":
        acl = dev.acls.get(name)
        return (
            None
            if acl is None
            else (acl.kind, tuple((ln.action, ln.src, ln.dst, ln.remark) for ln in acl.lines))
        )
    return None
