"""BGP to a fixed point: best paths, multipath and propagation over established sessions.

A speaker keeps only its Loc-RIB. When a prefix is dirty on a speaker, the speaker *pulls*
the candidates from its neighbours' Loc-RIBs through their export and its own import policy
(both memoised) and selects again; when the selection changes it marks the prefix dirty on
the neighbours whose view of it changes. No Adj-RIB-In is stored, which keeps a 1000-device
fabric's millions of (node, prefix) entries within memory.

Best-path order and multipath: bgp_decision.py.

Every (speaker, prefix) may change its selection at most ``MAX_FLAPS`` times; a prefix that
keeps changing (a BGP wedgie or a MED oscillation) is frozen and reported, never looped on.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from netval.static.builtin.dataplane.bgp_decision import (
    EBGP_K,
    IBGP_K,
    LOCAL_K,
    Candidate,
    by_tiebreak,
    compare,
    mp_equal,
    tiebreak,
)
from netval.static.builtin.dataplane.bgp_policy import Attrs, Policies, intern
from netval.static.builtin.dataplane.bgp_speaker import (
    INDEX_THRESHOLD,
    ExportClass,
    LocalPath,
    Session,
    Speaker,
)
from netval.static.builtin.dataplane.igp import Rib
from netval.static.builtin.dataplane.types import AGGREGATE, BGP, IBGP, Hop, Issue, RibRoute
from netval.static.builtin.prefix import (
    DEFAULT_KEY,
    PrefixTable,
    contains,
    ip_int,
    is_host,
    key_address,
    key_of,
    key_text,
)

MAX_FLAPS = 40
MAX_AGGREGATE_ROUNDS = 20
NO_EXPORT = "65535:65281"
NO_ADVERTISE = "65535:65282"

_UNSET: Any = object()
BLOCKED: Any = object()  # every receiver of the class would drop the route as an AS loop

# attributes sent; next hop kept (None: the sender's own); an eBGP third-party next hop and
# the receiving ASes that get it
Export = tuple[Attrs, Hop | None, Hop | None, frozenset[int]]


class BgpRoute(RibRoute):
    """A Loc-RIB entry: the best path and its multipath companions. Installed as is in the
    main RIB when it wins there (``hops`` are the next hops of ``src`` in order)."""

    __slots__ = ("attrs", "exp", "how", "kind", "mp_attrs", "src")

    def __init__(
        self,
        key: int,
        protocol: str,
        hops: tuple[Hop, ...],
        admin: int,
        attrs: Attrs,
        src: tuple[Session, ...],
        mp_attrs: tuple[Attrs, ...] | None,
        kind: int,
        how: str,
    ) -> None:
        super().__init__(key, protocol, hops, admin, attrs.med, attrs.tag or None)
        self.attrs = attrs
        self.src = src
        self.mp_attrs = mp_attrs
        self.kind = kind
        self.how = how
        self.exp: Any = _UNSET

    def path_attrs(self, i: int) -> Attrs:
        return self.mp_attrs[i] if self.mp_attrs is not None else self.attrs

    @property
    def installable(self) -> bool:
        """FRR, EOS and IOS do not install a `network` or redistributed route (its source is
        already in the RIB); an aggregate is installed as a discard route."""
        return self.kind != LOCAL_K or self.how == "aggregate"


class BgpRun:
    def __init__(
        self,
        speakers: dict[tuple[str, str], Speaker],
        igp: dict[tuple[str, str], Rib],
        policies: Policies,
        issues: list[Issue],
    ) -> None:
        self.speakers = speakers
        self.igp = igp
        self.policies = policies
        self.issues = issues
        self.locrib: dict[Speaker, dict[int, BgpRoute]] = {s: {} for s in speakers.values()}
        self.dirty: dict[Speaker, set[int]] = {s: set() for s in speakers.values()}
        self.offers: dict[Speaker, dict[int, set[Session]]] = {
            s: {} for s in speakers.values() if len(s.in_sessions) > INDEX_THRESHOLD
        }
        self.flaps: dict[tuple[Speaker, int], int] = {}
        self.frozen: set[tuple[Speaker, int]] = set()
        self.unresolved: dict[tuple[Speaker, int], set[str]] = {}
        self.queue: deque[Speaker] = deque()
        self.queued: set[Speaker] = set()
        self.nh_cache: dict[Speaker, dict[tuple[Hop, bool], int | None]] = {
            s: {} for s in speakers.values()
        }
        self.tuples: dict[object, object] = {}
        self._class_subnets: dict[ExportClass, dict[tuple[int, int], list[Session]]] = {}
        self._connected: dict[Speaker, PrefixTable[tuple[int, int]]] = {}
        self.own: dict[Speaker, frozenset[str]] = {
            spk: frozenset(
                str(a.ip)
                for i in spk.node.ifaces.values()
                if i.active and i.vrf == spk.vrf
                for a in i.addresses
            )
            for spk in speakers.values()
        }
        self.selections = 0
        self._admin: dict[Speaker, tuple[int, int, int]] = {}
        for spk in speakers.values():
            prof, dist = spk.node.profile, spk.proc.distance
            self._admin[spk] = dist or (prof.ebgp, prof.ibgp, prof.bgp_local)

    # -- driver ---------------------------------------------------------------------------

    def run(self) -> None:
        for spk in self.speakers.values():
            for key in spk.local:
                self.mark(spk, key)
            for cls in spk.classes:
                for s in cls.sessions:
                    if s.default_originate:
                        self._offer(s, DEFAULT_KEY, True)
                        self.mark(s.dst, DEFAULT_KEY)
        for _round in range(MAX_AGGREGATE_ROUNDS):
            self._drain()
            if not self._aggregates():
                break
        else:
            self.issues.append(Issue("no-fixed-point", "*", "BGP aggregates kept changing"))
        for (spk, key), hops in sorted(
            self.unresolved.items(), key=lambda x: (x[0][0].rid, x[0][1])
        ):
            if key not in self.locrib[spk]:
                self.issues.append(
                    Issue(
                        "unresolved",
                        spk.node.name,
                        f"BGP next hop {', '.join(sorted(hops))} is not reachable",
                        key_text(key),
                    )
                )

    def mark(self, spk: Speaker, key: int) -> None:
        if (spk, key) in self.frozen:
            return
        self.dirty[spk].add(key)
        if spk not in self.queued:
            self.queued.add(spk)
            self.queue.append(spk)

    def _drain(self) -> None:
        queue, locrib_of = self.queue, self.locrib
        while queue:
            spk = queue.popleft()
            self.queued.discard(spk)
            keys = self.dirty[spk]
            self.dirty[spk] = set()
            locrib = locrib_of[spk]
            for key in sorted(keys):
                old = locrib.get(key)
                new = self.select(spk, key)
                if _same(old, new):
                    continue
                if old is not None:
                    n = self.flaps.get((spk, key), 0) + 1
                    self.flaps[(spk, key)] = n
                    if n > MAX_FLAPS:
                        self.frozen.add((spk, key))
                        self.issues.append(
                            Issue(
                                "oscillation",
                                spk.node.name,
                                f"BGP best path did not converge after {MAX_FLAPS} changes; "
                                "the route is reported as last selected",
                                key_text(key),
                            )
                        )
                        continue
                if new is None:
                    del locrib[key]
                else:
                    locrib[key] = new
                self.notify(spk, key, old, new)

    # -- selection ------------------------------------------------------------------------

    def select(self, spk: Speaker, key: int) -> BgpRoute | None:
        self.selections += 1
        cands = self.candidates(spk, key)
        if not cands:
            return None
        return self._decide(spk, key, cands, spk.local.get(key))

    def candidates(self, spk: Speaker, key: int) -> list[Candidate]:
        """Every valid path ``spk`` holds for ``key``: its own, and each peer's best path
        after export and import policy whose next hop resolves (the Adj-RIB-In, post-policy)."""
        cands: list[Candidate] = []
        local = spk.local.get(key)
        if local is not None:
            cands.append((local.attrs, None, local.hop, 0, LOCAL_K))
        offers = self.offers.get(spk)
        if offers is None:
            sessions: Any = spk.in_sessions
        else:
            offered = offers.get(key)
            if not offered:
                sessions = ()
            else:
                sessions = sorted(offered, key=by_tiebreak) if len(offered) > 1 else offered
        locrib_of = self.locrib
        rid, cluster = spk.router_id, spk.cluster_id
        own = self.own[spk]
        nh_cache = self.nh_cache[spk]
        frr_host_route = spk.node.profile.rejects_host_route_via_itself and is_host(key)
        for s in sessions:
            e: BgpRoute | None = None
            if key == DEFAULT_KEY and s.default_originate:
                x = self._default_export(s)
            else:
                e = locrib_of[s.src].get(key)
                if e is None:
                    continue
                x = self.export(s.src, key, e, s.cls)
                if x is None or x is BLOCKED:
                    continue
            attrs, keep, third, third_as = x
            dst_as = s.dst_as
            if dst_as in attrs.as_path and attrs.as_path.count(dst_as) > s.allowas:
                continue
            if not s.ebgp and (attrs.originator == rid or cluster in attrs.clusters):
                continue
            if s.import_deny:
                continue
            if s.weight:
                attrs = intern(attrs._replace(weight=s.weight))
            nh = keep if keep is not None else s.src_hop
            if third is not None and dst_as in third_as:
                nh = third
            if s.import_policy is not None:
                assert s.import_sig is not None
                out = self.policies.apply(spk.model, s.import_policy, s.import_sig, key, attrs)
                if out is None:
                    continue
                attrs = out[0]
                if out[1] is not None:
                    nh = out[1]
            if nh.ip is not None and nh.ip in own:
                continue  # a next hop that is one of our own addresses (martian)
            ck = (nh, s.single_hop)
            igp = nh_cache[ck] if ck in nh_cache else self.resolve(spk, nh, s.single_hop)
            if frr_host_route and nh.ip is not None and key_address(key) == ip_int(nh.ip):
                # FRR (bgp_nht.c, with import-check on, the default): a /32 whose next hop is
                # that very address "loops through itself" and is invalid (lab: an iBGP
                # loopback route whose next hop is the loopback)
                igp = None
            if igp is None:
                self.unresolved.setdefault((spk, key), set()).add(nh.ip or nh.iface or "?")
                continue
            cands.append((attrs, s, nh, igp, EBGP_K if s.ebgp else IBGP_K))
        return cands

    def _decide(
        self, spk: Speaker, key: int, cands: list[Candidate], local: LocalPath | None
    ) -> BgpRoute:
        first = cands[0]
        a0, k0, g0 = first[0], first[4], first[3]
        if len(cands) > 1 and all(c[0] is a0 and c[4] == k0 and c[3] == g0 for c in cands):
            # the common case (the same route from every spine): only tie-breaks differ
            mp = sorted(cands, key=tiebreak) if a0.originator is not None else cands
            best = mp[0]
        else:
            best = first
            for c in cands[1:]:
                r = compare(spk, c, best)
                if r < 0 or (r == 0 and tiebreak(c) < tiebreak(best)):
                    best = c
            if best[4] == LOCAL_K:
                mp = [best]
            else:
                eq = [c for c in cands if c is not best and mp_equal(spk, best, c)]
                mp = [best, *sorted(eq, key=tiebreak)] if eq else [best]
        kind = best[4]
        if kind != LOCAL_K:
            limit = spk.eibgp or (spk.max_ebgp if kind == EBGP_K else spk.max_ibgp)
            if len(mp) > limit:
                mp = mp[:limit]
        admin = self._admin[spk]
        if kind == LOCAL_K:
            assert local is not None
            how = local.how
            proto = AGGREGATE if how == "aggregate" else BGP
            ad = admin[2]
        else:
            how = "learned"
            proto = BGP if kind == EBGP_K else IBGP
            ad = admin[0] if kind == EBGP_K else admin[1]
        hops = self._intern(tuple(c[2] for c in mp))
        src = self._intern(tuple(c[1] for c in mp if c[1] is not None))
        attrs = best[0]
        mp_attrs = None
        if len(mp) > 1 and any(c[0] is not attrs for c in mp):
            mp_attrs = tuple(c[0] for c in mp)
        return BgpRoute(key, proto, hops, ad, attrs, src, mp_attrs, kind, how)

    def _intern(self, t: Any) -> Any:
        return self.tuples.setdefault(t, t)

    def resolve(self, spk: Speaker, hop: Hop, single_hop: bool) -> int | None:
        cache = self.nh_cache[spk]
        ck = (hop, single_hop)
        if ck in cache:
            return cache[ck]
        result: int | None = None
        if hop.iface is not None and hop.ip is None:
            iface = spk.node.ifaces.get(hop.iface)
            result = 0 if iface is not None and iface.active else None
        elif hop.ip is not None:
            address = ip_int(hop.ip)
            if single_hop:
                result = 0 if self._connected_subnet(spk, hop.ip) is not None else None
            else:
                rib = self.igp.get(spk.rid)
                hit = (
                    None
                    if rib is None
                    else rib.lookup(address, skip_default=not spk.node.profile.resolve_via_default)
                )
                result = None if hit is None else hit[1].metric
        cache[ck] = result
        return result

    # -- export ---------------------------------------------------------------------------

    def export(self, spk: Speaker, key: int, e: BgpRoute, cls: ExportClass | None) -> Any:
        assert cls is not None
        if len(spk.classes) == 1:
            x = e.exp
            if x is _UNSET:
                x = e.exp = self._compute_export(spk, key, e, cls)
            return x
        lst = e.exp
        if lst is _UNSET:
            lst = e.exp = [_UNSET] * len(spk.classes)
        x = lst[cls.idx]
        if x is _UNSET:
            x = lst[cls.idx] = self._compute_export(spk, key, e, cls)
        return x

    def _compute_export(self, spk: Speaker, key: int, e: BgpRoute, cls: ExportClass) -> Any:
        if spk.suppressing and any(agg != key and contains(agg, key) for agg in spk.suppressing):
            return None
        attrs = e.attrs
        comms = attrs.communities
        if comms and (NO_ADVERTISE in comms or (cls.ebgp and NO_EXPORT in comms)):
            return None
        reflect = e.kind == IBGP_K and not cls.ebgp
        if reflect and not (spk.is_rr and (e.src[0].from_client or cls.to_client)):
            return None
        if cls.deny_all:
            return None
        if cls.ebgp:
            if e.kind != LOCAL_K and attrs.med:
                # a MED received from a neighbour AS is not passed on to another AS
                attrs = intern(attrs._replace(med=0))
            if cls.peer_ases:
                path = attrs.as_path
                if all(a == cls.local_as or a in path for a in cls.peer_ases):
                    return BLOCKED
        set_nh: Hop | None = None
        if cls.policy is not None:
            assert cls.sig is not None
            out = self.policies.apply(spk.model, cls.policy, cls.sig, key, attrs, "bgp", "out")
            if out is None:
                return None
            attrs, set_nh = out
        comms = frozenset() if not cls.send_community else attrs.communities
        if cls.ebgp:
            sent = Attrs(
                (cls.local_as, *attrs.as_path), 100, attrs.med, attrs.origin, comms, 0, 0, None, ()
            )
        else:
            originator, clusters = attrs.originator, attrs.clusters
            if e.kind == IBGP_K:  # reflected
                originator = originator or e.src[0].src.router_id
                clusters = (spk.cluster_id, *clusters)
            sent = Attrs(
                attrs.as_path,
                attrs.local_pref,
                attrs.med,
                attrs.origin,
                comms,
                0,
                0,
                originator,
                clusters,
            )
        keep: Hop | None
        third: Hop | None = None
        third_as: frozenset[int] = frozenset()
        if set_nh is not None:
            keep = set_nh
        elif cls.ebgp:
            keep, third = None, self._original_hop(e)
            if third is not None:
                third_as = self._third_party_ases(cls, third, e)
                if not third_as:
                    third = None
        elif cls.nhs_force or (cls.nhs and e.kind != IBGP_K):
            keep = None  # next-hop-self (not on reflected routes unless forced)
        elif e.kind == LOCAL_K:
            # a redistributed route keeps its IGP next hop towards iBGP; network: ourselves
            keep = self._original_hop(e)
        else:
            keep = e.hops[0]
        return (intern(sent), keep, third, third_as)

    @staticmethod
    def _original_hop(e: BgpRoute) -> Hop | None:
        hop = e.hops[0] if e.hops else None
        if hop is None or hop.ip is None or hop.ip == "0.0.0.0" or hop.discard:
            return None
        return hop

    def _third_party_ases(self, cls: ExportClass, hop: Hop, e: BgpRoute) -> frozenset[int]:
        """The receiver ASes for which FRR keeps a route's next hop towards eBGP: it lies on
        a subnet shared with a peer of the same update subgroup
        (bgp_subgrp_multiaccess_check_v4), the peer the route came from excluded. FRR's
        subgroups separate peers of different ASes (lab: a static route towards one peer,
        redistributed, reaches that peer's AS with the peer's own address as next hop and
        every other AS with ourselves as next hop)."""
        by_subnet = self._class_subnets.get(cls)
        if by_subnet is None:
            by_subnet = self._class_subnets[cls] = {}
            for other in cls.sessions:
                if other.peer_subnet is not None:
                    by_subnet.setdefault(other.peer_subnet, []).append(other)
        subnet = self._connected_subnet(cls.sessions[0].src, hop.ip or "0.0.0.0")
        peers = by_subnet.get(subnet) if subnet is not None else None
        if not peers:
            return frozenset()
        source = e.src[0].src if e.src else None
        return frozenset(o.dst_as for o in peers if o.dst is not source)

    def _connected_subnet(self, spk: Speaker, ip: str) -> tuple[int, int] | None:
        """The speaker's connected subnet (address, mask) holding ``ip``."""
        table = self._connected.get(spk)
        if table is None:
            table = self._connected[spk] = PrefixTable()
            for iface in spk.node.ifaces.values():
                if not iface.active or iface.vrf != spk.vrf:
                    continue
                for a in iface.addresses:
                    if a.network.prefixlen < 32:
                        net = a.network
                        table.set(key_of(net), (int(net.network_address), int(net.netmask)))
        hit = table.lookup(ip_int(ip))
        return None if hit is None else hit[1]

    def _default_export(self, s: Session) -> Export:
        cls = s.cls
        assert cls is not None
        path = (cls.local_as,) if s.ebgp else ()
        return (
            intern(Attrs(path, 100, 0, "igp", frozenset(), 0, 0, None, ())),
            None,
            None,
            frozenset(),
        )

    def _offer(self, s: Session, key: int, offered: bool) -> None:
        offers = self.offers.get(s.dst)
        if offers is None:
            return
        if offered:
            offers.setdefault(key, set()).add(s)
        else:
            have = offers.get(key)
            if have is not None:
                have.discard(s)

    def notify(
        self,
        spk: Speaker,
        key: int,
        old: BgpRoute | None,
        new: BgpRoute | None,
        force: bool = False,
    ) -> None:
        default = key == DEFAULT_KEY
        offers_of = self.offers
        for cls in spk.classes:
            ox = None if old is None else self.export(spk, key, old, cls)
            nx = None if new is None else self.export(spk, key, new, cls)
            if not force and (ox is nx or (ox is not None and ox is not BLOCKED and ox == nx)):
                continue
            new_path = None if nx is None or nx is BLOCKED else nx[0].as_path
            old_path = None if ox is None or ox is BLOCKED else ox[0].as_path
            for s in cls.sessions:
                if default and s.default_originate:
                    continue
                dst_as = s.dst_as
                new_ok = new_path is not None and (
                    dst_as not in new_path or new_path.count(dst_as) <= s.allowas
                )
                offers = offers_of.get(s.dst)
                if offers is not None:
                    self._offer(s, key, new_ok)
                if (
                    force
                    or new_ok
                    or (
                        old_path is not None
                        and (dst_as not in old_path or old_path.count(dst_as) <= s.allowas)
                    )
                ):
                    self.mark(s.dst, key)

    # -- aggregates -----------------------------------------------------------------------

    def _aggregates(self) -> bool:
        changed = False
        for spk in self.speakers.values():
            if not spk.aggregates:
                continue
            locrib = self.locrib[spk]
            suppressing: list[int] = []
            for agg in spk.aggregates:
                k = key_of(agg.prefix)
                active = any(key != k and contains(k, key) for key in locrib)
                if active and agg.summary_only:
                    suppressing.append(k)
                if active == (k in spk.active_aggregates):
                    continue
                changed = True
                if active:
                    spk.active_aggregates.add(k)
                    spk.local[k] = LocalPath(
                        intern(
                            Attrs(
                                (),
                                100,
                                0,
                                "igp",
                                frozenset(),
                                spk.node.profile.local_weight,
                                0,
                                None,
                                (),
                            )
                        ),
                        Hop(discard=True),
                        "aggregate",
                    )
                else:
                    spk.active_aggregates.discard(k)
                    spk.local.pop(k, None)
                self.mark(spk, k)
            if sorted(suppressing) != sorted(spk.suppressing):
                changed = True
                touched = set(suppressing) ^ set(spk.suppressing)
                spk.suppressing = suppressing
                for key, e in list(locrib.items()):
                    if any(agg != key and contains(agg, key) for agg in touched):
                        e.exp = _UNSET
                        self.notify(spk, key, None, e, force=True)
        return changed


def _same(old: BgpRoute | None, new: BgpRoute | None) -> bool:
    if old is None or new is None:
        return old is new
    return (
        old.attrs is new.attrs
        and old.src == new.src
        and old.hops == new.hops
        and old.mp_attrs == new.mp_attrs
        and old.kind == new.kind
        and old.how == new.how
    )
