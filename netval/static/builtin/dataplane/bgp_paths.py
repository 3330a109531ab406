"""The predicted BGP table (the State's ``bgp_routes``): every path each device holds.

A peer sends only its best path, so a device's paths for a prefix are its own path and each
peer's best after export and import policy whose next hop resolves, as FRR keeps them
without add-path. Attributes are shown as FRR prints them, so a check reads both gates'
tables the same way.
"""

from __future__ import annotations

from netval.state import BgpRoute as Path
from netval.static.builtin.dataplane.bgp_decision import EBGP_K, LOCAL_K, Candidate, compare
from netval.static.builtin.dataplane.bgp_run import BgpRun
from netval.static.builtin.dataplane.bgp_speaker import Speaker
from netval.static.builtin.prefix import key_text

# RFC 1997/7999/8326 values, as FRR names them in `show bgp ... json`
_WELL_KNOWN = {
    "65535:0": "graceful-shutdown",
    "65535:1": "accept-own",
    "65535:6": "llgr-stale",
    "65535:7": "no-llgr",
    "65535:666": "blackhole",
    "65535:65281": "no-export",
    "65535:65282": "no-advertise",
    "65535:65283": "local-AS",
    "65535:65284": "no-peer",
}
# FRR leaves locPrf out of a locally sourced path unless policy set another value
_DEFAULT_LOCAL_PREF = 100


def speaker_paths(run: BgpRun, spk: Speaker) -> tuple[list[Path], list[str]]:
    """The paths of one speaker, and the prefixes whose selection did not converge (their
    paths are not a prediction: the caller must not judge them)."""
    paths: list[Path] = []
    unsettled = []
    memo: dict[tuple[Speaker, int], str | None] = {}
    for key, route in sorted(run.locrib[spk].items()):
        prefix = key_text(key)
        if (spk, key) in run.frozen:
            unsettled.append(prefix)
            continue
        best_src = route.src[0] if route.src else None
        chosen = set(route.src)
        cands = run.candidates(spk, key)
        tied = _tied(spk, route.kind, best_src, cands)
        for attrs, session, hop, _igp, _kind in cands:
            if session is None:
                best = route.kind == LOCAL_K
                lp = attrs.local_pref if attrs.local_pref != _DEFAULT_LOCAL_PREF else None
                peer = next_hop = None
                unsure = None
            else:
                best = route.kind != LOCAL_K and session is best_src
                lp = attrs.local_pref
                peer = session.recv_from or session.src_hop.iface
                next_hop = hop.ip
                unsure = _unsure(run, session.src, key, memo)
            standard: list[str] = []
            large: list[str] = []
            for c in sorted(attrs.communities):
                (large if c.count(":") == 2 else standard).append(_WELL_KNOWN.get(c, c))
            paths.append(
                Path(
                    prefix=prefix,
                    vrf=spk.vrf,
                    peer=peer,
                    best=best,
                    multipath=session is not None and session in chosen and len(route.src) > 1,
                    valid=True,
                    next_hop=next_hop,
                    as_path=list(attrs.as_path),
                    origin=attrs.origin,
                    med=attrs.med,
                    local_pref=lp,
                    communities=standard,
                    large_communities=large,
                    tied=session is not None and session in tied,
                    unsure=unsure,
                )
            )
    return paths, unsettled


def _tied(spk: Speaker, kind: int, best: object, cands: list[Candidate]) -> set[object]:
    """The sessions of eBGP paths FRR would choose among by age ("Older Path"): equal to
    the best one up to the IGP cost, with `bgp bestpath compare-routerid` off."""
    if kind != EBGP_K or spk.proc.compare_router_id:
        return set()
    first = next((c for c in cands if c[1] is best), None)
    if first is None:
        return set()
    ties = {
        c[1] for c in cands if c[4] == EBGP_K and c is not first and compare(spk, c, first) == 0
    }
    return ties | {best} if ties else set()


def _unsure(
    run: BgpRun, spk: Speaker, key: int, memo: dict[tuple[Speaker, int], str | None]
) -> str | None:
    """Why the path ``spk`` sends for ``key`` is no prediction: it, or a router it learned
    the path from, chose among tied eBGP paths with different attributes by their age."""
    if (spk, key) in memo:
        return memo[(spk, key)]
    memo[(spk, key)] = None  # a chain back to itself adds no doubt
    route = run.locrib[spk].get(key)
    why = None
    if route is not None and route.kind != LOCAL_K and route.src:
        cands = run.candidates(spk, key)
        tied = _tied(spk, route.kind, route.src[0], cands)
        if len({c[0] for c in cands if c[1] in tied}) > 1:
            why = f"{spk.node.name} chooses by age among paths with different attributes"
        else:
            why = _unsure(run, route.src[0].src, key, memo)
    memo[(spk, key)] = why
    return why
