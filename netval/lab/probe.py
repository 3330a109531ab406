"""Ask a lab's FRR routers how they are (BGP sessions, VRRP roles), straight over vtysh."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from netval.errors import LabError
from netval.lab import frr, system


@dataclass
class RouterHealth:
    name: str
    running: bool = True
    sessions_total: int = 0
    sessions_up: int = 0
    down_peers: list[str] = field(default_factory=list)
    vrrp: list[str] = field(default_factory=list)  # "eth3/10 Master"
    error: str = ""

    @property
    def converged(self) -> bool:
        return self.running and not self.error and self.sessions_up == self.sessions_total


def bgp_sessions(summary: dict[str, Any]) -> dict[str, str]:
    """peer -> state, over every address family of `show bgp summary json`."""
    out: dict[str, str] = {}
    for afi in summary.values():
        if not isinstance(afi, dict):
            continue
        for peer, info in (afi.get("peers") or {}).items():
            state = str(info.get("state", "unknown"))
            if out.get(peer) != "Established":
                out[peer] = state
    return out


def vrrp_roles(groups: Any) -> list[str]:
    out = []
    for group in groups if isinstance(groups, list) else []:
        for fam in ("v4", "v6"):
            info = group.get(fam) or {}
            if not info.get("addresses"):
                continue  # FRR lists both families; only those with a VIP are real
            status = info.get("status")
            if status:
                out.append(f"{group.get('interface')}/{group.get('vrid')} {status}")
    return out


def router_health(name: str, pathspace: str, vrrp: bool) -> RouterHealth:
    health = RouterHealth(name=name)
    pids = frr.pids(pathspace)
    if not pids or not all(system.pid_alive(p) for p in pids):
        health.running = False
    try:
        # a router without BGP (an OSPF-only core) has no sessions to wait for
        has_bgp = "bgpd" in frr.enabled_daemons(pathspace)
        raw = frr.vtysh(pathspace, "show bgp summary json", timeout=10) if has_bgp else ""
        summary = json.loads(raw) if raw.strip() else {}
        sessions = bgp_sessions(summary)
        health.sessions_total = len(sessions)
        health.sessions_up = sum(1 for s in sessions.values() if s == "Established")
        health.down_peers = sorted(p for p, s in sessions.items() if s != "Established")
        if vrrp:
            health.vrrp = vrrp_roles(json.loads(frr.vtysh(pathspace, "show vrrp json") or "[]"))
    except (LabError, ValueError) as exc:
        health.error = str(exc).splitlines()[0][:200]
    return health


def lab_health(routers: list[tuple[str, str, bool]]) -> list[RouterHealth]:
    """Health of (name, pathspace, has_vrrp) routers, probed in parallel."""
    with ThreadPoolExecutor(max_workers=min(16, max(1, len(routers)))) as pool:
        return list(pool.map(lambda r: router_health(*r), routers))
