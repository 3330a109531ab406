"""Ask a lab's FRR routers how they are (BGP sessions, update queues, FIB installs, VRRP
roles), straight over vtysh, and tell when the whole lab has converged."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from netval.errors import LabError
from netval.lab import frr, system

#: one vtysh per router and probe: its JSON answers come back one after the other
_BGP_SUMMARY = "show bgp summary json"
_BGP_NEIGHBORS = "show bgp neighbors json"
_RIBS = ("show ip route json", "show ipv6 route json")


@dataclass
class RouterHealth:
    name: str
    running: bool = True
    sessions_total: int = 0
    sessions_up: int = 0
    down_peers: list[str] = field(default_factory=list)
    #: sessions the config shuts down (`neighbor X shutdown`): nothing to wait for
    admin_down: list[str] = field(default_factory=list)
    vrrp: list[str] = field(default_factory=list)  # "eth3/10 Master"
    #: why the router is still busy: updates queued to or from a peer, routes the RIB
    #: selected that are not in the kernel's FIB yet
    pending: list[str] = field(default_factory=list)
    #: fingerprint of the selected routes, BGP table versions and VRRP roles: a router whose
    #: digest stays the same over consecutive probes has stopped moving
    digest: str = ""
    error: str = ""

    @property
    def sessions_ok(self) -> bool:
        return self.sessions_up == self.sessions_total

    @property
    def settled(self) -> bool:
        """Nothing to wait for in this one probe (stability needs several)."""
        return self.running and not self.error and self.sessions_ok and not self.pending

    def busy_reason(self) -> str:
        if not self.running:
            return "FRR not running"
        if self.error:
            return self.error
        if not self.sessions_ok:
            return (
                f"BGP {self.sessions_up}/{self.sessions_total} (down: {', '.join(self.down_peers)})"
            )
        return "; ".join(self.pending)


def json_documents(text: str) -> list[Any]:
    """The JSON documents vtysh printed one after the other (one per -c)."""
    decoder = json.JSONDecoder()
    out: list[Any] = []
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return out
        doc, at = decoder.raw_decode(text, at)
        out.append(doc)


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


def bgp_queues(summary: dict[str, Any]) -> list[str]:
    """'peer in N out M' for every peer with BGP messages still queued."""
    out = []
    for afi in summary.values():
        if not isinstance(afi, dict):
            continue
        for peer, info in sorted((afi.get("peers") or {}).items()):
            inq, outq = int(info.get("inq") or 0), int(info.get("outq") or 0)
            if inq or outq:
                out.append(f"BGP queue to/from {peer}: in {inq}, out {outq}")
    return out


def missing_end_of_rib(neighbors: dict[str, Any]) -> list[str]:
    """Established peers that have not sent End-of-RIB for each address family yet.

    A session is Established a second or more before its first UPDATE arrives: until the
    peer's End-of-RIB, an unchanged table only means its routes are still on the way. Only
    peers that advertise graceful restart send End-of-RIB (every FRR does by default).
    """
    out = []
    for peer, info in sorted(neighbors.items()):
        if not isinstance(info, dict) or info.get("bgpState") != "Established":
            continue
        if "Received" not in str((info.get("neighborCapabilities") or {}).get("gracefulRestart")):
            continue
        received = (info.get("gracefulRestartInfo") or {}).get("endOfRibRecv") or {}
        waiting = [afi for afi in info.get("addressFamilyInfo") or {} if not received.get(afi)]
        if waiting:
            out.append(f"no End-of-RIB from {peer} yet ({', '.join(waiting)})")
    return out


def rib_state(rib: dict[str, Any]) -> tuple[list[tuple[Any, ...]], int]:
    """(the selected routes in a comparable form, how many are not installed in the FIB)."""
    selected: list[tuple[Any, ...]] = []
    not_installed = 0
    for prefix, entries in rib.items():
        for entry in entries if isinstance(entries, list) else []:
            if not entry.get("selected"):
                continue
            if entry.get("queued") or entry.get("failed") or not entry.get("installed"):
                not_installed += 1
            hops = sorted(
                (str(h.get("ip", "")), str(h.get("interfaceName", "")), bool(h.get("fib")))
                for h in entry.get("nexthops") or []
            )
            selected.append((prefix, entry.get("protocol"), entry.get("metric"), tuple(hops)))
    return sorted(selected), not_installed


_ROUTER_BGP = re.compile(r"^router bgp \d+(\.\d+)?\s*$")
_NEIGHBOR = re.compile(r"^\s+neighbor (\S+) (remote-as|interface|peer-group \S+)")
_PEER_GROUP = re.compile(r"^\s+neighbor (\S+) peer-group\s*$")


def configured_neighbors(frr_conf: str) -> set[str]:
    """The neighbors the default VRF's ``router bgp`` configures (peer groups left out).

    bgpd lists a neighbor only once FRR has loaded the config, a moment after the daemons
    start: until then an empty summary must not pass for "every session Established".
    """
    out: set[str] = set()
    groups: set[str] = set()
    inside = False
    for line in frr_conf.splitlines():
        if not line.startswith((" ", "\t")):
            inside = bool(_ROUTER_BGP.match(line.rstrip()))
            continue
        if not inside:
            continue
        group = _PEER_GROUP.match(line)
        if group:
            groups.add(group.group(1))
            continue
        m = _NEIGHBOR.match(line)
        if m:
            out.add(m.group(1))
    return out - groups


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


def _table_versions(summary: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted(
        (afi, info.get("tableVersion")) for afi, info in summary.items() if isinstance(info, dict)
    )


def router_health(name: str, pathspace: str, vrrp: bool) -> RouterHealth:
    health = RouterHealth(name=name)
    pids = frr.pids(pathspace)
    if not pids or not all(system.pid_alive(p) for p in pids):
        health.running = False
    try:
        # a router without BGP (an OSPF-only core) has no sessions to wait for
        has_bgp = "bgpd" in frr.enabled_daemons(pathspace)
        commands = ([_BGP_SUMMARY, _BGP_NEIGHBORS] if has_bgp else []) + list(_RIBS)
        if vrrp:
            commands.append("show vrrp json")
        docs = json_documents(frr.vtysh_many(pathspace, commands, timeout=10))
        if len(docs) != len(commands):
            raise ValueError(f"vtysh answered {len(docs)} of {len(commands)} commands")
        answers = dict(zip(commands, docs, strict=True))
        summary = answers.get(_BGP_SUMMARY) or {}
        sessions = bgp_sessions(summary)
        health.admin_down = sorted(p for p, s in sessions.items() if "Admin" in s)
        live = {p: s for p, s in sessions.items() if p not in health.admin_down}
        health.sessions_total = len(live)
        health.sessions_up = sum(1 for s in live.values() if s == "Established")
        health.down_peers = sorted(p for p, s in live.items() if s != "Established")
        health.pending = bgp_queues(summary) + missing_end_of_rib(answers.get(_BGP_NEIGHBORS) or {})
        if has_bgp:
            unknown = configured_neighbors(frr.running_config_text(pathspace)) - set(sessions)
            if unknown:
                health.pending.append(
                    f"bgpd has not loaded neighbor(s) {', '.join(sorted(unknown))} yet"
                )
        routes: list[Any] = []
        for command in _RIBS:
            selected, not_installed = rib_state(answers[command] or {})
            routes += selected
            if not_installed:
                health.pending.append(f"{not_installed} selected route(s) not in the FIB")
        if vrrp:
            health.vrrp = vrrp_roles(answers["show vrrp json"])
        fingerprint = json.dumps([routes, _table_versions(summary), health.vrrp], default=str)
        health.digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
    except (LabError, ValueError) as exc:
        health.error = str(exc).splitlines()[0][:200]
    return health


def lab_health(routers: list[tuple[str, str, bool]]) -> list[RouterHealth]:
    """Health of (name, pathspace, has_vrrp) routers, probed in parallel."""
    with ThreadPoolExecutor(max_workers=min(16, max(1, len(routers)))) as pool:
        return list(pool.map(lambda r: router_health(*r), routers))


@dataclass
class Convergence:
    converged: bool
    states: list[RouterHealth]
    #: from the start of the wait until the last change the lab made (when converged: the
    #: time it took to converge)
    seconds: float
    waited: float
    settle: float
    #: routers still moving when the wait ended, each with why
    moving: dict[str, str] = field(default_factory=dict)


def wait(
    probe: Callable[[], list[RouterHealth]],
    timeout: float,
    settle: float = 2.0,
    interval: float = 0.5,
    progress: Callable[[str], None] | None = None,
    since: float | None = None,
) -> Convergence:
    """Probe until every router is settled and no digest has changed for ``settle`` seconds.

    ``since`` (a time.monotonic() value) is where the time to converge counts from: the
    start of a boot or of a change, when that was before the wait.
    """
    started = time.monotonic() if since is None else since
    first = time.monotonic()
    last_line = ""
    digests: dict[str, str] = {}
    changed_at: dict[str, float] = {}
    while True:
        states = probe()
        now = time.monotonic()
        for h in states:
            if digests.get(h.name) != h.digest or h.error:
                digests[h.name] = h.digest
                changed_at[h.name] = now
        last_change = max(changed_at.values(), default=now)
        busy = {h.name: h.busy_reason() for h in states if not h.settled}
        steady = now - last_change >= settle
        if progress is not None:
            up_n = sum(h.sessions_up for h in states)
            total = sum(h.sessions_total for h in states)
            line = f"BGP sessions Established: {up_n}/{total}" + (
                f"; {len(busy)} router(s) busy" if busy else ""
            )
            if line != last_line:
                progress(line)
                last_line = line
        if not busy and steady:
            return Convergence(True, states, last_change - started, now - first, settle)
        if now - first >= timeout:
            moving = dict(busy)
            for name, at in changed_at.items():
                if name not in moving and now - at < settle:
                    moving[name] = f"routes or BGP tables changed {now - at:.1f} s ago"
            return Convergence(False, states, now - started, now - first, settle, moving)
        time.sleep(interval)
