"""searchRoutePolicies: find a route in an input space that a policy permits (or denies).

Prefixes are searched exhaustively. A route-map sees a prefix only through prefix-list
entries and ACL lines, i.e. through "the first k bits equal X" tests at a given length, so for
each prefix length the address space splits into the regions of a trie built from those
tests. One representative per region (and per length) covers every behaviour the policy can
have on prefixes: if no representative gets the requested action, no prefix in the space
does, which is a proof.

Communities and AS paths are searched over candidates taken from the policy's own lists
(each literal community, each standard entry's set, strings that match each regular
expression, and the empty values). That finds the usual mistakes but is not a proof over
those dimensions; ``SearchOutcome.complete`` says whether the answer was exhaustive.
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from netval.errors import InputError
from netval.static.builtin import prefix, regexes
from netval.static.builtin.model import DeviceModel, Match
from netval.static.builtin.questions.policy import Evaluator, Result, Route
from netval.static.builtin.questions.witness import as_paths_from, communities_from, witnesses

_RANGE = re.compile(r"^(?P<prefix>[0-9.]+/\d+)(?::(?P<lo>\d+)(?:-(?P<hi>\d+))?)?$")


@dataclass
class SearchOutcome:
    found: list[tuple[Route, Result]]
    complete: bool
    evaluated: int
    #: what was sampled rather than covered, when ``complete`` is False
    sampled: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PrefixSpace:
    prefix: ipaddress.IPv4Network
    low: int
    high: int


def parse_space(text: str) -> PrefixSpace:
    """``10.0.0.0/8`` (that prefix), ``10.0.0.0/8:16-24`` or ``10.0.0.0/8:24``."""
    m = _RANGE.match(text.strip())
    if not m:
        raise InputError(
            f"prefix space {text!r} is not PREFIX[:LOW-HIGH]",
            hint="write e.g. 10.0.0.0/8:8-32 (prefixes inside 10/8 of length 8 to 32)",
        )
    try:
        net = ipaddress.IPv4Network(m.group("prefix"), strict=False)
    except ValueError as exc:
        raise InputError(f"prefix space {text!r}: {exc}", hint="write A.B.C.D/LEN") from exc
    low = int(m.group("lo")) if m.group("lo") else net.prefixlen
    high = int(m.group("hi")) if m.group("hi") else low
    if not (0 <= low <= high <= 32):
        raise InputError(
            f"prefix space {text!r}: lengths must satisfy 0 <= LOW <= HIGH <= 32",
            hint="e.g. 10.0.0.0/8:8-32",
        )
    return PrefixSpace(net, low, high)


# --- what the policy looks at ------------------------------------------------------------


@dataclass
class PolicyFeatures:
    constraints: set[tuple[int, int]]  # (address, prefix length) tests
    complete_prefixes: bool
    community_lists: set[str]
    community_literals: set[frozenset[str]]
    as_path_lists: set[str]


def features(dev: DeviceModel, policy: str) -> PolicyFeatures:
    f = PolicyFeatures(set(), True, set(), set(), set())
    seen: set[str] = set()
    todo = [policy]
    while todo:
        name = todo.pop()
        if name in seen or name not in dev.route_maps:
            continue
        seen.add(name)
        for entry in dev.route_maps[name].ordered():
            for m in entry.matches:
                _collect(dev, m, f, todo)
            for s in entry.sets:
                if s.kind == "comm_list_delete":
                    f.community_lists.add(s.value)
    return f


def _collect(dev: DeviceModel, m: Match, f: PolicyFeatures, todo: list[str]) -> None:
    if m.kind == "call":
        todo.extend(m.names)
    elif m.kind == "prefix_list":
        for n in m.names:
            plist = dev.prefix_lists.get(n)
            for e in plist.entries if plist else []:
                if e.prefix.version == 4:
                    f.constraints.add((int(e.prefix.network_address), e.prefix.prefixlen))
    elif m.kind == "acl":
        for n in m.names:
            acl = dev.acls.get(n)
            for line in acl.lines if acl else []:
                if line.src is None:
                    continue
                addr, wild = line.src
                if (wild + 1) & wild:
                    f.complete_prefixes = False  # a non-contiguous wildcard: sampled only
                k = prefix.length_of_wildcard(wild)
                f.constraints.add((prefix.network(addr, k), k))
    elif m.kind == "community":
        f.community_lists.update(m.names)
    elif m.kind == "as_path":
        f.as_path_lists.update(m.names)


# --- prefix representatives --------------------------------------------------------------


def _span(node: tuple[int, int]) -> int:
    return prefix.span(node[1])


def _free(node: tuple[int, int], tests: list[tuple[int, int]], after: int) -> int | None:
    """The lowest address under ``node`` that lies in none of the tests strictly inside it.

    ``tests`` is sorted by (address, length) and ``after`` is the index of the first test
    that sorts after ``node``: the tests strictly inside a prefix follow it in that order, and
    at each address the shortest (the one that contains the others) comes first. So one pass
    over the outermost tests, jumping past what each contains, finds the first gap."""
    addr, _ = node
    end = addr + _span(node)
    cursor, i = addr, after
    while i < len(tests) and tests[i][0] < end:
        if cursor < tests[i][0]:
            return cursor
        cursor = tests[i][0] + _span(tests[i])
        i = bisect.bisect_left(tests, (cursor, -1), i + 1)
    return cursor if cursor < end else None


def prefix_candidates(
    space: PrefixSpace, constraints: set[tuple[int, int]]
) -> Iterator[ipaddress.IPv4Network]:
    """For each length, one prefix per region of the trie the tests cut the space into: the
    region under a test (or the space itself) that no longer test inside it covers."""
    root = (int(space.prefix.network_address), space.prefix.prefixlen)
    root_end = root[0] + _span(root)
    ordered = sorted({(prefix.network(a, k), k) for a, k in constraints})
    # only tests strictly inside the space matter; they sort after it and before its end
    lo = bisect.bisect_right(ordered, root)
    hi = bisect.bisect_left(ordered, (root_end, -1))
    inside = [t for t in ordered[lo:hi] if t[1] > root[1]]
    for length in range(max(space.low, root[1]), space.high + 1):
        tests = [t for t in inside if t[1] <= length]
        seen: set[int] = set()
        for i, node in enumerate([root, *tests]):
            addr = _free(node, tests, i)  # tests[i:] sort after node (root: all of them)
            if addr is not None and addr not in seen:
                seen.add(addr)
                yield ipaddress.IPv4Network((addr, length))


# --- communities and AS paths ------------------------------------------------------------


_MATCHED = re.compile(r"^Matched route-map (\S+) clause (\d+) ")


def _prefix_only_prefix(dev: DeviceModel, policy: str) -> int | None:
    """The sequence number of the policy's first clause whose outcome may depend on more
    than the prefix (a match on anything but a prefix-list, a call, a continue); None when
    every clause looks at the prefix alone."""
    rmap = dev.route_maps.get(policy)
    for entry in rmap.ordered() if rmap else []:
        if entry.continue_to is not None or any(m.kind != "prefix_list" for m in entry.matches):
            return entry.seq
    return None


def _decided_on_prefix(policy: str, result: Result, before: int | None) -> bool:
    """Whether ``result`` was decided by a clause that, like every clause before it, looks
    only at the prefix: the same prefix then has this fate whatever its attributes."""
    for line in result.trace:
        m = _MATCHED.match(line)
        if m and m.group(1) == policy:
            return before is None or int(m.group(2)) < before
    # no clause matched: the implicit deny came after every clause, attributes included
    return before is None


def community_candidates(dev: DeviceModel, f: PolicyFeatures) -> tuple[list[frozenset[str]], bool]:
    cands: list[frozenset[str]] = [frozenset()]
    complete = not f.community_lists
    for name in sorted(f.community_lists):
        clist = dev.community_lists.get(name)
        for e in clist.entries if clist else []:
            if e.communities:
                cands.append(frozenset(e.communities))
                cands.extend(frozenset([c]) for c in e.communities)
            elif e.regex is not None:
                for w in witnesses(e.regex):
                    parsed = communities_from(w)
                    if parsed is not None:
                        cands.append(parsed)
    return list(dict.fromkeys(cands)), complete


def as_path_candidates(
    dev: DeviceModel, f: PolicyFeatures, user_regex: str | None
) -> tuple[list[tuple[int, ...]], bool]:
    cands: list[tuple[int, ...]] = [(), (4200000000,)]
    complete = not f.as_path_lists and user_regex is None
    regs = [
        e.regex
        for n in sorted(f.as_path_lists)
        for e in (dev.as_path_lists[n].entries if n in dev.as_path_lists else [])
    ]
    if user_regex is not None:
        regs.append(user_regex)
    for rx in regs:
        for w in witnesses(rx):
            path = as_paths_from(w)
            if path is not None:
                cands.append(path)
    if user_regex is not None:
        if regexes.compile_vendor(user_regex) is None:
            raise InputError(
                f"AS-path regex {user_regex!r} is not a valid expression",
                hint="write e.g. ^64500_ or _65001$",
            )
        cands = [p for p in cands if regexes.search(user_regex, " ".join(map(str, p)))]
    return list(dict.fromkeys(cands)), complete


# --- the search --------------------------------------------------------------------------


def search(
    dev: DeviceModel,
    policy: str,
    direction: str,
    spaces: list[str],
    action: str,
    communities: list[str] | None = None,
    as_path_regex: str | None = None,
    base: Route | None = None,
    limit: int = 1,
) -> SearchOutcome:
    want_permit = action.lower() == "permit"
    if action.lower() not in ("permit", "deny"):
        raise InputError(f"action {action!r} must be permit or deny", hint="use permit or deny")
    parsed = [parse_space(s) for s in spaces] or [
        PrefixSpace(ipaddress.IPv4Network("0.0.0.0/0"), 0, 32)
    ]
    f = features(dev, policy)
    if communities is not None:
        comm_sets, comm_complete = [frozenset(communities)], True
    else:
        comm_sets, comm_complete = community_candidates(dev, f)
    paths, path_complete = as_path_candidates(dev, f, as_path_regex)
    template = base or Route(network=ipaddress.IPv4Network("0.0.0.0/0"))
    ev = Evaluator(dev)
    found: list[tuple[Route, Result]] = []
    evaluated = 0
    decided_before = _prefix_only_prefix(dev, policy)
    # whether some prefix's fate depended on communities or AS paths; if none did, the
    # sampled attribute candidates covered every attribute value
    attribute_dependent = False
    for space in parsed:
        for net in prefix_candidates(space, f.constraints):
            first = True
            for comms in comm_sets:
                for path in paths:
                    route = replace(template, network=net, communities=comms, as_path=path)
                    result = ev.run(policy, route, direction)
                    evaluated += 1
                    if result.permit == want_permit:
                        found.append((route, result))
                        if len(found) >= limit:
                            return SearchOutcome(found, True, evaluated)
                    if first and _decided_on_prefix(policy, result, decided_before):
                        break
                    first = False
                    attribute_dependent = True
                else:
                    continue
                break
    if not attribute_dependent:
        comm_complete = path_complete = True
    sampled = [
        what
        for what, covered in (
            ("prefixes of a non-contiguous wildcard", f.complete_prefixes),
            ("communities the policy matches", comm_complete),
            ("AS paths the policy or the catalog's regex matches", path_complete),
        )
        if not covered
    ]
    return SearchOutcome(found, not sampled, evaluated, sampled)
