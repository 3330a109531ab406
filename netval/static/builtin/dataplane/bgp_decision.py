"""BGP best-path comparison and multipath eligibility.

Best path order (FRR, which Batfish follows closely for FRR, EOS and IOS): weight, local
preference, locally originated, AS-path length, origin, MED (same neighbour AS, or always),
eBGP over iBGP, IGP cost to the next hop; paths equal so far are multipath candidates (same
neighbour AS, or any AS path of the same length with multipath-relax, identical AS path for
iBGP); then router-id (originator-id if reflected), cluster-list length, peer address. FRR's
"oldest eBGP path" step is left out: it depends on timing, so a static tool cannot know it
(use ``bgp bestpath compare-routerid`` for a deterministic FRR).
"""

from __future__ import annotations

from netval.static.builtin.dataplane.bgp_policy import ORIGIN_RANK, Attrs
from netval.static.builtin.dataplane.bgp_speaker import Session, Speaker
from netval.static.builtin.dataplane.types import Hop
from netval.static.builtin.prefix import ip_int

LOCAL_K, EBGP_K, IBGP_K = 0, 1, 2  # how a path was learned

Candidate = tuple[Attrs, Session | None, Hop, int, int]  # attrs, from, next hop, igp, kind


def by_tiebreak(s: Session) -> tuple[int, int]:
    return s.tiebreak


def tiebreak(c: Candidate) -> tuple[int, int, int]:
    s = c[1]
    if s is None:
        return (0, 0, 0)
    a = c[0]
    rid = ip_int(a.originator) if a.originator else s.tiebreak[0]
    return (rid, len(a.clusters), s.tiebreak[1])


def compare(spk: Speaker, a: Candidate, b: Candidate) -> int:
    """<0 when a is better, >0 when b is, 0 when equal up to the multipath point."""
    aa, ba = a[0], b[0]
    if aa is not ba:
        if aa.weight != ba.weight:
            return -1 if aa.weight > ba.weight else 1
        if aa.local_pref != ba.local_pref:
            return -1 if aa.local_pref > ba.local_pref else 1
    ak, bk = a[4], b[4]
    if (ak == LOCAL_K) != (bk == LOCAL_K):
        return -1 if ak == LOCAL_K else 1
    if aa is not ba:
        la, lb = len(aa.as_path), len(ba.as_path)
        if la != lb:
            return -1 if la < lb else 1
        oa, ob = ORIGIN_RANK.get(aa.origin, 2), ORIGIN_RANK.get(ba.origin, 2)
        if oa != ob:
            return -1 if oa < ob else 1
        if aa.med != ba.med and (
            spk.always_med or (aa.as_path[:1] or (0,)) == (ba.as_path[:1] or (0,))
        ):
            return -1 if aa.med < ba.med else 1
    if ak != bk and not spk.eibgp:
        return -1 if ak == EBGP_K else 1
    if a[3] != b[3]:
        return -1 if a[3] < b[3] else 1
    return 0


def mp_equal(spk: Speaker, best: Candidate, c: Candidate) -> bool:
    if c[4] == LOCAL_K or compare(spk, best, c) != 0:
        return False
    if spk.relax:
        return True
    if c[4] == IBGP_K and best[4] == IBGP_K:
        return c[0].as_path == best[0].as_path
    return c[0].as_path[:1] == best[0].as_path[:1]
