"""Syntax shared by the FRR, Arista EOS and Cisco IOS parsers.

The three families write prefix-lists, community-lists, as-path lists and route-maps almost
alike; they differ in the names Batfish gives the structures and their usages. A ``Dialect``
carries those names so one parser per statement serves all three vendors.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from netval.static.builtin import regexes
from netval.static.builtin.model import (
    AsPathEntry,
    AsPathList,
    CommunityList,
    CommunityListEntry,
    DeviceModel,
    Match,
    PrefixList,
    PrefixListEntry,
    RouteMap,
    RouteMapEntry,
    SetAction,
)


@dataclass(frozen=True)
class Line:
    number: int
    raw: str

    @property
    def text(self) -> str:
        return self.raw.strip()

    @property
    def words(self) -> list[str]:
        return self.raw.split()

    @property
    def indented(self) -> bool:
        return self.raw[:1] in (" ", "\t")


class InvalidLine(ValueError):
    """A line the vendor itself would reject or that the engine does not model; the message
    says why, and the line becomes a parse finding with that reason."""


def split_lines(text: str, first_line: int = 1) -> list[Line]:
    return [Line(first_line + i, raw.rstrip("\r")) for i, raw in enumerate(text.split("\n"))]


def is_comment(line: Line) -> bool:
    t = line.text
    return not t or t.startswith("!") or t.startswith("#")


@dataclass(frozen=True)
class Dialect:
    """Batfish's structure and usage names for one vendor family."""

    prefix_list: str
    prefix6_list: str
    community_standard: str
    community_expanded: str
    community_abstract: str
    as_path: str
    acl_abstract: str
    route_map: str = "route-map"
    use_match_prefix_list: str = "route-map match ip prefix-list"
    use_match_prefix6_list: str = "route-map match ipv6 prefix-list"
    use_match_community: str = "route-map match community"
    use_match_as_path: str = "route-map match as-path"
    use_match_acl: str = "route-map match ip address"
    use_set_comm_delete: str = "route-map set comm-list delete"
    use_set_community_list: str = "route-map set community community-list"
    use_call: str = "route map call"
    acl_types: tuple[str, ...] = ()
    # Cisco without "seq" numbers its prefix-list lines 5, 10, ...; FRR does the same.
    seq_step: int = 5
    # FRR's route-map grammar takes one list name per match line; Cisco and EOS take several
    match_names_max: int | None = None
    # the vendor's name in parse findings
    vendor_name: str = "the vendor"
    # the words before ``NAME delete`` that remove communities in a route-map set
    comm_list_delete: tuple[str, ...] = ("comm-list", "community-list")


def as_int(word: str) -> int | None:
    try:
        return int(word)
    except ValueError:
        return None


def ipv4_address(word: str) -> str:
    """``word`` if it is a dotted-quad IPv4 address, else ValueError (the line is unrecognized).

    Addresses kept as text (router ids, VRRP addresses) are turned into numbers only later, by
    the data plane; checking them here keeps a bad one a finding on its line instead of a
    crash far from it.
    """
    try:
        ipaddress.IPv4Address(word)
    except ValueError:
        raise ValueError(f"{word!r} is not an IPv4 address") from None
    return word


def vrrp_address(word: str) -> str:
    """A VRRP virtual address, ``A.B.C.D`` or ``A.B.C.D/LEN``; ValueError otherwise."""
    try:
        ipaddress.IPv4Interface(word)
    except ValueError:
        raise ValueError(f"{word!r} is not an IPv4 address") from None
    return word


def ospf_area(word: str) -> str:
    """An OSPF area id, a 32-bit number or dotted; ValueError otherwise."""
    if word.isascii() and word.isdigit() and len(word) <= 10 and int(word) < 2**32:
        return word
    try:
        ipaddress.IPv4Address(word)
    except ValueError:
        raise ValueError(f"{word!r} is not an OSPF area id") from None
    return word


def parse_prefix(word: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if word in ("any",):
        return ipaddress.IPv4Network("0.0.0.0/0")
    try:
        return ipaddress.ip_network(word, strict=False)
    except ValueError:
        return None


# --- prefix-lists ------------------------------------------------------------------------


def prefix_list_statement(
    dev: DeviceModel, d: Dialect, name: str, rest: list[str], line: int, family: int
) -> bool:
    """``[seq N] permit|deny PREFIX [ge N] [le N]`` or ``description ...`` of list ``name``."""
    table = dev.prefix_lists if family == 4 else dev.prefix6_lists
    stype = d.prefix_list if family == 4 else d.prefix6_list
    if rest and rest[0] in ("description", "remark"):
        table.setdefault(name, PrefixList(name, family))
        dev.define(stype, name, line)
        return True
    seq: int | None = None
    if len(rest) >= 2 and rest[0] == "seq":
        seq = as_int(rest[1])
        if seq is None or not 1 <= seq < 2**32:
            raise InvalidLine(f"sequence number {rest[1]!r} is not in 1-4294967295")
        rest = rest[2:]
    elif rest and rest[0].isdigit():
        seq = int(rest[0])
        rest = rest[1:]
    if len(rest) < 2 or rest[0] not in ("permit", "deny"):
        return False
    prefix = parse_prefix(rest[1])
    if prefix is None or prefix.version != family:
        return False
    ge = le = None
    i = 2
    while i + 1 < len(rest):
        if rest[i] == "ge" and ge is None:
            ge = as_int(rest[i + 1])
            if ge is None:
                return False
        elif rest[i] == "le" and le is None:
            le = as_int(rest[i + 1])
            if le is None:
                return False
        elif rest[i] == "eq":
            ge = le = as_int(rest[i + 1])
        else:
            return False
        i += 2
    if i != len(rest) and rest[i:] != ["any"]:
        return False
    if rest[1] == "any":
        if ge is not None or le is not None:
            return False
        ge, le = 0, prefix.max_prefixlen
    else:
        _check_range(d, prefix, ge, le)
    plist = table.setdefault(name, PrefixList(name, family))
    if seq is None:
        seq = (plist.max_seq // d.seq_step + 1) * d.seq_step
    plist.add(PrefixListEntry(seq, rest[0], prefix, ge, le, line))
    dev.define(stype, name, line)
    return True


def _check_range(
    d: Dialect,
    prefix: ipaddress.IPv4Network | ipaddress.IPv6Network,
    ge: int | None,
    le: int | None,
) -> None:
    """FRR, IOS and EOS all refuse an entry unless length <= ge <= le <= maximum: such an
    entry is not installed on the router, so it must not be matched here either."""
    plen, top = prefix.prefixlen, prefix.max_prefixlen
    low = ge if ge is not None else plen
    high = le if le is not None else (top if ge is not None else plen)
    if low < plen or high < low or high > top or (le is not None and le < plen):
        shown = " ".join(
            part
            for part in (f"ge {ge}" if ge is not None else "", f"le {le}" if le is not None else "")
            if part
        )
        raise InvalidLine(
            f"invalid prefix range for {prefix} {shown}: {d.vendor_name} needs "
            f"length <= ge <= le <= {top}, so the router does not install this entry"
        )


# --- community and as-path lists ---------------------------------------------------------


def _check_regex(dev: DeviceModel, regex: str, line: int, text: str, context: str) -> None:
    """A regex that cannot be evaluated is a parse finding on its line (the entry is kept, so
    that evaluating it is an error rather than a silent no-match)."""
    why = regexes.problem(regex)
    if why is not None:
        dev.unrecognized_line(line, text, context, f"regular expression '{regex}': {why}")


def community_list_statement(
    dev: DeviceModel, d: Dialect, words: list[str], line: int, text: str
) -> bool:
    """``[standard|expanded] NAME [seq N] permit|deny VALUES`` (after the command words)."""
    kind: str | None = None
    if words and words[0] in ("standard", "expanded"):
        kind, words = words[0], words[1:]
    if len(words) < 2:
        return False
    name, rest = words[0], words[1:]
    if kind is None:
        num = as_int(name)
        # "ip community-list NAME permit ..." (Arista / old syntax) is standard unless the
        # values are not communities (checked below).
        kind = "expanded" if num is not None and num >= 100 else "standard"
    if len(rest) >= 2 and rest[0] == "seq":
        rest = rest[2:]
    if rest and rest[0] in ("description", "remark"):
        dev.define(d.community_standard if kind == "standard" else d.community_expanded, name, line)
        return True
    if not rest or rest[0] not in ("permit", "deny"):
        return False
    action, values = rest[0], rest[1:]
    if kind == "standard" and values and not all(is_community_word(v) for v in values):
        kind = "expanded"
    clist = dev.community_lists.get(name)
    if clist is None or clist.kind != kind:
        clist = dev.community_lists[name] = CommunityList(name, kind)
    if kind == "standard":
        clist.entries.append(
            CommunityListEntry(action, line, tuple(normalize_community(v) for v in values))
        )
    else:
        regex = " ".join(values)
        clist.entries.append(CommunityListEntry(action, line, regex=regex))
        _check_regex(dev, regex, line, text, f"community-list {name}")
    dev.define(d.community_standard if kind == "standard" else d.community_expanded, name, line)
    return True


WELL_KNOWN = {
    "internet": "0:0",
    "no-export": "65535:65281",
    "no-advertise": "65535:65282",
    "local-as": "65535:65283",
    "no-export-subconfed": "65535:65283",
    "graceful-shutdown": "65535:0",
    "blackhole": "65535:666",
    "no-peer": "65535:65284",
    "accept-own": "65535:1",
}


def is_community_word(word: str) -> bool:
    w = word.lower()
    if w in WELL_KNOWN:
        return True
    parts = w.split(":")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return int(parts[0]) < 65536 and int(parts[1]) < 65536
    return w.isdigit() and int(w) < 2**32


def normalize_community(word: str) -> str:
    """``65000:1`` stays, well-known names and 32-bit integers become ``hi:lo``."""
    w = word.lower()
    if w in WELL_KNOWN:
        return WELL_KNOWN[w]
    if w.isdigit():
        n = int(w)
        return f"{n >> 16}:{n & 0xFFFF}"
    return w


def as_path_statement(dev: DeviceModel, d: Dialect, words: list[str], line: int, text: str) -> bool:
    """``NAME [seq N] permit|deny REGEX`` (after ``... as-path access-list``)."""
    if len(words) < 2:
        return False
    name, rest = words[0], words[1:]
    if len(rest) >= 2 and rest[0] == "seq":
        rest = rest[2:]
    if rest and rest[0] in ("description", "remark"):
        dev.define(d.as_path, name, line)
        return True
    if len(rest) < 1 or rest[0] not in ("permit", "deny"):
        return False
    alist = dev.as_path_lists.setdefault(name, AsPathList(name))
    regex = " ".join(rest[1:]) or ".*"
    alist.entries.append(AsPathEntry(rest[0], regex, line))
    _check_regex(dev, regex, line, text, f"as-path access-list {name}")
    dev.define(d.as_path, name, line)
    return True


# --- route-maps --------------------------------------------------------------------------


def route_map_header(
    dev: DeviceModel, d: Dialect, words: list[str], line: int
) -> RouteMapEntry | None:
    """``route-map NAME [permit|deny] [SEQ]`` (words include ``route-map``)."""
    if len(words) < 2:
        return None
    name = words[1]
    action, seq = "permit", 10
    rest = words[2:]
    if rest and rest[0] in ("permit", "deny"):
        action, rest = rest[0], rest[1:]
    if rest:
        n = as_int(rest[0])
        if n is None or len(rest) > 1:
            return None
        seq = n
    rmap = dev.route_maps.setdefault(name, RouteMap(name))
    entry = rmap.entries.get(seq)
    if entry is None:
        entry = rmap.entries[seq] = RouteMapEntry(seq, action, line)
    entry.action = action
    entry.lines.append(line)
    dev.define(d.route_map, name, line)
    return entry


def route_map_statement(
    dev: DeviceModel, d: Dialect, rmap_name: str, entry: RouteMapEntry, words: list[str], line: int
) -> bool:
    """One line inside a route-map entry. Returns False when not understood."""
    if not words:
        return False
    head = words[0]
    ok = False
    if head in ("match", "set"):
        try:
            ok = (_match if head == "match" else _set)(dev, d, entry, words[1:], line)
        except InvalidLine:
            # still a line of the route-map (Batfish counts it among the structure's lines)
            entry.lines.append(line)
            dev.define(d.route_map, rmap_name, line)
            raise
    elif head == "continue":
        if len(words) == 1:
            entry.continue_to = -1
            ok = True
        elif as_int(words[1]) is not None:
            entry.continue_to = int(words[1])
            ok = True
    elif head == "on-match" and len(words) >= 2:
        if words[1] == "next":
            entry.continue_to, ok = -1, True
        elif words[1] == "goto" and len(words) == 3 and as_int(words[2]) is not None:
            entry.continue_to, ok = int(words[2]), True
    elif head == "call" and len(words) == 2:
        dev.refer(d.route_map, words[1], d.use_call, line)
        entry.matches.append(Match("call", (words[1],), line))
        ok = True
    elif head == "description":
        entry.description = " ".join(words[1:])
        ok = True
    elif head in ("exit", "exit-route-map-mode"):
        ok = True
    if ok:
        entry.lines.append(line)
        dev.define(d.route_map, rmap_name, line)
    return ok


def _names_after(words: list[str], keywords: tuple[str, ...]) -> list[str]:
    return [w for w in words if w not in keywords]


# Valid route-map matches the engine does not evaluate: the clause is predicted as never
# matching a BGP route, which the parse status says on the line.
_UNMODELLED_MATCH = frozenset(
    (
        "interface",
        "route-type",
        "evpn",
        "source-vrf",
        "peer",
        "rpki",
        "large-community",
        "mac",
        "extcommunity",
        "length",
        "vlan",
        "nlri",
        "aigp-metric",
        "probability",
        "alias",
        "script",
        "security-group",
        "track",
        "mpls-label",
        "policy-list",
        "rib-metric",
        "isis",
        "ospf",
    )
)
_ORIGINS = ("igp", "egp", "incomplete")
_PROTOCOLS = frozenset(
    (
        "bgp",
        "ospf",
        "ospf6",
        "connected",
        "kernel",
        "static",
        "rip",
        "ripng",
        "isis",
        "eigrp",
        "nhrp",
        "babel",
        "sharp",
        "openfabric",
        "table",
        "vnc",
        "vnc-direct",
        "vnc-rn",
        "bgp-direct",
        "bgp-direct-to-nve-groups",
        "system",
        "pbr",
        "table-direct",
    )
)


def _unmodelled(what: str, effect: str) -> InvalidLine:
    return InvalidLine(f"the built-in engine does not model '{what}': {effect}")


def _names(d: Dialect, names: list[str], what: str) -> tuple[str, ...]:
    if not names:
        raise InvalidLine(f"'{what}' names no list")
    if d.match_names_max is not None and len(names) > d.match_names_max:
        raise InvalidLine(
            f"'{what}' takes one name on {d.vendor_name}; the router rejects this line"
        )
    return tuple(names)


def _numbers(d: Dialect, values: list[str], what: str, low: int = 0) -> tuple[str, ...]:
    names = _names(d, values, what)
    if not all(_uint32(v) and int(v) >= low for v in names):
        raise InvalidLine(f"'{what}' takes numbers {low}-4294967295")
    return names


def _match(dev: DeviceModel, d: Dialect, entry: RouteMapEntry, w: list[str], line: int) -> bool:
    if len(w) >= 3 and w[0] in ("ip", "ipv6") and w[1] == "address" and w[2] == "prefix-list":
        family = 4 if w[0] == "ip" else 6
        names = _names(d, w[3:], f"match {w[0]} address prefix-list")
        for n in names:
            if family == 4:
                dev.refer(d.prefix_list, n, d.use_match_prefix_list, line)
            else:
                dev.refer(d.prefix6_list, n, d.use_match_prefix6_list, line)
        entry.matches.append(Match("prefix_list" if family == 4 else "prefix6_list", names, line))
        return True
    if w[:2] == ["ip", "address"] and len(w) >= 3 and w[2] != "prefix-len":
        names = _names(d, [n for n in w[2:] if n != "access-list"], "match ip address")
        for n in names:
            dev.refer(d.acl_abstract, n, d.use_match_acl, line, d.acl_types)
        entry.matches.append(Match("acl", names, line))
        return True
    if len(w) >= 2 and w[0] == "community":
        exact = w[-1] == "exact-match"
        names = _names(d, w[1:-1] if exact else w[1:], "match community")
        if "exact-match" in names:
            return False
        for n in names:
            dev.refer(
                d.community_abstract,
                n,
                d.use_match_community,
                line,
                (d.community_standard, d.community_expanded),
            )
        entry.matches.append(Match("community", names, line, exact=exact))
        return True
    if len(w) >= 2 and w[0] == "as-path":
        names = _names(d, w[1:], "match as-path")
        for n in names:
            dev.refer(d.as_path, n, d.use_match_as_path, line)
        entry.matches.append(Match("as_path", names, line))
        return True
    if len(w) >= 2 and w[0] == "tag":
        # FRR: 1-4294967295 (a route without a tag has tag 0 and never matches)
        low = 1 if d.match_names_max is not None else 0
        entry.matches.append(Match("tag", _numbers(d, w[1:], "match tag", low), line))
        return True
    if len(w) >= 2 and w[0] in ("metric", "local-preference"):
        names = _numbers(d, w[1:], f"match {w[0]}")
        entry.matches.append(Match(w[0].replace("-", "_"), names, line))
        return True
    if len(w) == 2 and w[0] == "origin":
        if w[1] not in _ORIGINS:
            raise InvalidLine(f"'match origin' takes {', '.join(_ORIGINS)}")
        entry.matches.append(Match("origin", (w[1],), line))
        return True
    if len(w) >= 2 and w[0] == "source-protocol":
        names = _names(d, w[1:], "match source-protocol")
        if d.match_names_max is not None and names[0] not in _PROTOCOLS:
            raise InvalidLine(f"'match source-protocol' does not know protocol {names[0]!r}")
        entry.matches.append(Match("source_protocol", names, line))
        return True
    if len(w) >= 2 and (
        w[0] in _UNMODELLED_MATCH
        or (w[0] == "ip" and w[1] in ("next-hop", "route-source", "address"))
        or (w[0] == "ipv6" and w[1] in ("address", "next-hop"))
    ):
        entry.matches.append(Match(w[0].replace("-", "_"), tuple(w[1:]), line))
        raise _unmodelled(
            f"match {' '.join(w[:2] if w[0] in ('ip', 'ipv6') else w[:1])}",
            "the clause is predicted never to match",
        )
    return False


_LAST_AS_TIMES = frozenset(str(n) for n in range(1, 11))


def _uint32(word: str) -> bool:
    """A 32-bit unsigned number in ASCII digits (``isdigit`` also takes "²", ``int`` not)."""
    return word.isascii() and word.isdigit() and len(word) <= 10 and int(word) < 2**32


def _relative(word: str) -> bool:
    """``N``, ``+N`` or ``-N`` as a 32-bit number, or a word such as FRR's ``rtt``."""
    number = word[1:] if word[:1] in ("+", "-") else word
    return _uint32(number) or (number.isascii() and number.isalpha())


def _set(dev: DeviceModel, d: Dialect, entry: RouteMapEntry, w: list[str], line: int) -> bool:
    if not w:
        return False
    head = w[0]
    if head == "local-preference" and len(w) == 2 and _relative(w[1]):
        entry.sets.append(SetAction("local_preference", line, w[1]))
        return True
    if head == "metric" and len(w) == 2 and _relative(w[1]):
        if w[1].lstrip("+-").isalpha() and w[1].lstrip("+-") != "rtt":
            return False
        entry.sets.append(SetAction("metric", line, w[1]))
        return True
    if head == "weight" and len(w) == 2 and _uint32(w[1]):
        entry.sets.append(SetAction("weight", line, w[1]))
        return True
    if head == "tag" and len(w) == 2 and _uint32(w[1]):
        entry.sets.append(SetAction("tag", line, w[1]))
        return True
    if head == "origin" and len(w) >= 2 and w[1] in _ORIGINS:
        entry.sets.append(SetAction("origin", line, w[1]))
        return True
    if head == "community" and len(w) >= 2:
        if w[1] == "community-list" and len(w) >= 3:
            names = tuple(n for n in w[2:] if n not in ("additive", "delete"))
            for n in names:
                dev.refer(
                    d.community_abstract,
                    n,
                    d.use_set_community_list,
                    line,
                    (d.community_standard, d.community_expanded),
                )
            entry.sets.append(
                SetAction("community_from_list", line, values=names, additive="additive" in w)
            )
            return True
        values = [v for v in w[1:] if v != "additive"]
        if values == ["none"]:
            entry.sets.append(SetAction("community", line, values=()))
            return True
        if not all(is_community_word(v) for v in values):
            return False
        entry.sets.append(
            SetAction(
                "community",
                line,
                values=tuple(normalize_community(v) for v in values),
                additive="additive" in w,
            )
        )
        return True
    if head in d.comm_list_delete and len(w) >= 3 and w[-1] == "delete":
        dev.refer(
            d.community_abstract,
            w[1],
            d.use_set_comm_delete,
            line,
            (d.community_standard, d.community_expanded),
        )
        entry.sets.append(SetAction("comm_list_delete", line, w[1]))
        return True
    if head == "as-path" and len(w) >= 3 and w[1] == "prepend":
        if w[2] == "last-as":
            times = w[3] if len(w) > 3 else "1"
            # FRR takes 1-10; the evaluator repeats the AS that many times
            if times not in _LAST_AS_TIMES:
                return False
            entry.sets.append(SetAction("as_path_prepend_last_as", line, times))
            return True
        if not all(_uint32(v) for v in w[2:]):
            return False
        entry.sets.append(SetAction("as_path_prepend", line, values=tuple(w[2:])))
        return True
    if head in ("ip", "ipv6") and len(w) >= 3 and w[1] in ("next-hop", "default"):
        value = w[-1]
        entry.sets.append(SetAction("next_hop", line, value))
        return True
    if head in (
        "as-path",
        "ipv6",
        "src",
        "distance",
        "large-community",
        "extcommunity",
        "aggregator",
        "atomic-aggregate",
        "label-index",
        "table",
        "nlri",
        "traffic-index",
        "metric-type",
        "level",
        "automatic-tag",
        "dampening",
        "global",
        "interface",
        "vrf",
        "mpls-label",
        "forwarding-address",
        "evpn",
        "sr-te",
        "l3vpn",
        "originator-id",
        "segment-index",
    ):
        entry.sets.append(SetAction("other", line, " ".join(w)))
        shown = " ".join(w[:2]) if head in ("as-path", "ipv6", "ip") and len(w) > 1 else head
        raise _unmodelled(f"set {shown}", "its predictions leave the route as if it were absent")
    return False
