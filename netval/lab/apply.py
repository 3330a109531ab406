"""Deploy a candidate snapshot into a running lab, the way an operator deploys a change.

Cabling and addresses change first (a new server port must exist before FRR's config names
it), then each router's FRR takes the candidate through FRR's own `frr-reload.py`, which
computes the difference to the running config and applies only that, as on a real router.
Applying the snapshot the lab booted from rolls a change back.
"""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from netval import frr_verdict, interrupts
from netval.errors import InputError, LabError
from netval.lab import frr, manager, naming, record, system
from netval.lab.plan import LabPlan, Macvlan, PlannedNode, Segment, build_plan
from netval.snapshot import Endpoint, load_snapshot

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class ApplyResult:
    candidate: str
    #: router -> the config lines FRR's reload changed ('-' removed, '+' added)
    changed: dict[str, list[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    #: cabling and address changes, one line each
    wiring: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    started: float = 0.0
    seconds: float = 0.0
    #: the shortest settle window that covers the change: FRR's bgpd applies a changed
    #: route-map, prefix-list or community/AS-path list only after its route-map delay timer
    min_settle: float = 0.0


class PartialApply(LabError):
    """An apply that stopped halfway: which routers run the candidate, which do not."""

    exit_code = 1

    def __init__(
        self, why: str, lab_id: str, done: list[str], missing: list[str], interrupted: bool
    ) -> None:
        super().__init__(
            f"{why}: the lab is partially applied; running the candidate: "
            f"{', '.join(done) or 'none'}; still on the previous config: "
            f"{', '.join(missing) or 'none'}",
            hint=f"apply the candidate again to finish, or the base snapshot to roll back "
            f"(`netval lab apply BASE --id {lab_id}`)",
        )
        self.done = done
        self.missing = missing
        self.interrupted = interrupted
        if interrupted:
            self.exit_code = 130


def _check_compatible(lab_id: str, old: LabPlan, new: LabPlan, candidate: Path) -> None:
    old_r, new_r = {n.name for n in old.routers}, {n.name for n in new.routers}
    if old_r != new_r:
        added, removed = sorted(new_r - old_r), sorted(old_r - new_r)
        raise InputError(
            f"{candidate} does not hold the lab's routers: "
            + "; ".join(
                part
                for part in (
                    f"added {', '.join(added)}" if added else "",
                    f"removed {', '.join(removed)}" if removed else "",
                )
                if part
            )
            + f" (lab {lab_id} runs {', '.join(sorted(old_r))})",
            hint="apply changes the configs of the routers a lab runs; to add or remove "
            "routers, boot the candidate as its own lab (`netval lab up`)",
        )
    for node in new.routers:
        running = frr.enabled_daemons(old.nodes[node.name].namespace)
        missing = [d for d in node.daemons if d not in running]
        if missing:
            raise InputError(
                f"{candidate}: {node.name}'s candidate config needs FRR daemon(s) "
                f"{', '.join(missing)}, which the lab did not start for it",
                hint="boot the candidate as its own lab (`netval lab up`) to rehearse a "
                "change that starts a new routing protocol",
            )
        if node.frr_profile != old.nodes[node.name].frr_profile:
            raise InputError(
                f"{candidate}: {node.name} changes `frr defaults` to {node.frr_profile!r}; "
                "FRR applies that only at start",
                hint="boot the candidate as its own lab (`netval lab up`)",
            )


def _order(plan: LabPlan, order: list[str] | None) -> list[str]:
    routers = sorted(n.name for n in plan.routers)
    if not order:
        return routers
    unknown = [d for d in order if d not in routers]
    if unknown:
        raise InputError(
            f"--order names {', '.join(unknown)}, which the lab does not run as routers",
            hint=f"routers: {', '.join(routers)}",
        )
    return list(dict.fromkeys(order)) + [d for d in routers if d not in order]


# ----- cabling and addresses -------------------------------------------------------------


def _segments(plan: LabPlan) -> dict[frozenset[Endpoint], Segment]:
    return {frozenset(seg.members): seg for seg in plan.segments}


def _macvlan_name(mv: Macvlan) -> str:
    return f"vrrp{mv.family}-$(cat /sys/class/net/{shlex.quote(mv.parent)}/ifindex)-{mv.vrid}"


def _node_delta(old: PlannedNode, new: PlannedNode, recreated: set[str]) -> list[str]:
    """Shell lines (inside the node's namespace) that take its addresses from old to new."""
    q = shlex.quote
    lines: list[str] = []
    for ifname, addrs in new.interfaces.items():
        before = [] if ifname in recreated else old.interfaces.get(ifname, [])
        for addr in before:
            if addr not in addrs:
                lines.append(f"ip addr del {q(addr)} dev {q(ifname)}")
        for addr in addrs:
            if addr not in before:
                lines.append(f"ip addr add {q(addr)} dev {q(ifname)}")
        if ifname in recreated:
            lines.append(f"ip link set {q(ifname)} up")
    for addr in old.loopback:
        if addr not in new.loopback:
            lines.append(f"ip addr del {q(addr)} dev lo")
    for addr in new.loopback:
        if addr not in old.loopback:
            lines.append(f"ip addr add {q(addr)} dev lo")
    old_mv = {(m.parent, m.vrid, m.family): m for m in old.macvlans}
    new_mv = {(m.parent, m.vrid, m.family): m for m in new.macvlans}
    for key, mv in old_mv.items():
        # a macvlan goes with its parent; one whose group changed is made again
        if mv.parent not in recreated and new_mv.get(key) != mv:
            lines.append(f'ip link del "{_macvlan_name(mv)}"')
    for key, mv in new_mv.items():
        if mv.parent in recreated or old_mv.get(key) != mv:
            lines += manager.macvlan_lines(mv)
    for gw in old.gateways:
        if gw not in new.gateways:
            lines.append(manager.gateway_line(gw, "del"))
    for gw in new.gateways:
        if gw not in old.gateways:
            lines.append(manager.gateway_line(gw))
    return lines


def _rewire(rec: record.LabRecord, old: LabPlan, new: LabPlan) -> list[str]:
    """Change cabling, hosts and addresses from ``old`` to ``new``; one line per change."""
    said: list[str] = []
    old_segs, new_segs = _segments(old), _segments(new)
    gone_hosts = [n for n in old.hosts if n.name not in new.nodes]
    new_hosts = [n for n in new.hosts if n.name not in old.nodes]
    gone = [old_segs[k] for k in old_segs.keys() - new_segs.keys()]
    added = [
        new_segs[k]
        for k in sorted(new_segs.keys() - old_segs.keys(), key=lambda k: sorted(map(str, k)))
    ]
    gone_stubs = [e for e in old.stubs if e not in new.stubs]
    added_stubs = [e for e in new.stubs if e not in old.stubs]
    dels: dict[str, list[str]] = {}
    for end in [e for seg in gone for e in seg.members] + gone_stubs:
        if end.hostname in new.nodes and end.hostname not in {h.name for h in gone_hosts}:
            dels.setdefault(old.nodes[end.hostname].namespace, []).append(
                f"link del {end.interface}"
            )
    for ns, lines in dels.items():
        system.ip_batch(lines, netns=ns, force=True)
    for seg in gone:
        said.append("unplugged " + " <-> ".join(str(m) for m in seg.members))
    for host in gone_hosts:
        system.terminate(system.netns_pids(host.namespace))
        system.ip_batch([f"netns del {host.namespace}"], force=True)
        said.append(f"removed host {host.name}")
    if new_hosts:
        system.ip_batch(f"netns add {h.namespace}" for h in new_hosts)
    root, fab = manager.link_commands(new, added, added_stubs, prefix=f"g{rec.generation + 1}")
    system.ip_batch(root)
    system.ip_batch(fab, netns=naming.fabric_namespace(rec.lab_id))
    for seg in added:
        said.append("cabled " + " <-> ".join(str(m) for m in seg.members))
    recreated: dict[str, set[str]] = {}
    for end in [e for seg in added for e in seg.members] + added_stubs:
        recreated.setdefault(end.hostname, set()).add(end.interface)
    for host in new_hosts:
        system.run(["ip", "netns", "exec", host.namespace, "sh", "-c", manager.node_script(host)])
        said.append(f"added host {host.name}")
    for name, node in sorted(new.nodes.items()):
        if name not in old.nodes:
            continue
        lines = _node_delta(old.nodes[name], node, recreated.get(name, set()))
        if lines:
            system.run(
                ["ip", "netns", "exec", node.namespace, "sh", "-c", "set -e\n" + "\n".join(lines)]
            )
            said += [f"{name}: {line}" for line in lines if not line.startswith("mv=")]
    return said


# ----- FRR ---------------------------------------------------------------------------------


def _reload_delta(text: str) -> list[str]:
    """frr-reload.py --test's 'Lines To Delete' / 'Lines To Add' as '-'/'+' lines.

    vtysh in the root namespace reports the machine's hostname: a hostname difference is
    vtysh's, never the router's, and is left out.
    """
    out: list[str] = []
    mode = ""
    for line in text.splitlines():
        if line.startswith("Lines To Delete"):
            mode = "-"
        elif line.startswith("Lines To Add"):
            mode = "+"
        elif mode and line.strip() and not set(line.strip()) <= {"="}:
            if "hostname " in line and not line.startswith(" "):
                continue
            out.append(f"{mode} {line.rstrip()}")
    return out


_VRRP_V3 = re.compile(r"^(\s+vrrp \d+) version 3\s*$", re.M)


def _as_frr_prints(conf: str) -> str:
    """The config as FRR prints it where frr-reload.py would otherwise see a difference
    that is none: FRR shows `vrrp N version 3` (its default) as `vrrp N`, and the reload
    would delete and re-create the group for it, which makes it flap."""
    return _VRRP_V3.sub(r"\1", conf)


def _reload(node: PlannedNode) -> list[str]:
    """Take the router's running FRR to ``node.frr_conf``; the lines changed (none: same)."""
    conf = frr.config_dir(node.namespace) / "frr.conf"
    if _as_frr_prints(frr.running_config_text(node.namespace)) == _as_frr_prints(node.frr_conf):
        # the router runs this config already: FRR's reload would still re-enter lines it
        # prints differently (VRRP groups among them, which flaps them)
        return []
    staged = conf.with_name("frr.conf.candidate")
    staged.write_text(_as_frr_prints(node.frr_conf))
    try:
        base = [system.FRR_RELOAD, "--pathspace", node.namespace, "--stdout"]
        test = system.run([*base, "--test", str(staged)], check=False, timeout=60)
        if test.returncode != 0:
            raise LabError(
                f"{node.name}: frr-reload.py --test failed (exit {test.returncode}): "
                f"{(test.stderr or test.stdout).strip()[-800:]}"
            )
        delta = _reload_delta(test.stdout)
        if delta:
            done = system.run([*base, "--reload", str(staged)], check=False, timeout=120)
            if done.returncode != 0:
                raise LabError(
                    f"{node.name}: frr-reload.py --reload failed (exit {done.returncode}): "
                    f"{(done.stderr or done.stdout).strip()[-800:]}",
                    hint="the router may run part of the change; `netval lab exec "
                    f"{node.name} 'show running-config'` shows what it runs",
                )
        # watchfrr restarts a daemon with frr.conf: it must hold what the router runs now
        staged.replace(conf)
        return delta
    finally:
        staged.unlink(missing_ok=True)


_POLICY_LINE = re.compile(
    r"^[-+] (no )?(route-map |ip prefix-list |ipv6 prefix-list |bgp community-list |"
    r"bgp large-community-list |bgp extcommunity-list |bgp as-path access-list |"
    r"ip community-list |ip as-path access-list |access-list )"
)
_DELAY_TIMER = re.compile(r"^\s*bgp route-map delay-timer (\d+)", re.M)
_FRR_DEFAULT_DELAY = 5


def policy_delay(conf: str, delta: list[str]) -> float:
    """Seconds until bgpd acts on a policy change in ``delta`` (0: no policy changed)."""
    if not any(_POLICY_LINE.match(line) for line in delta):
        return 0.0
    m = _DELAY_TIMER.search(conf)
    return float(m.group(1)) if m else float(_FRR_DEFAULT_DELAY)


def _drop_rejected(nodes: list[PlannedNode]) -> None:
    """Leave out the lines FRR rejects (the user allowed them): FRR's reload refuses a file
    that holds any, where a booting router skips them."""
    verdict = frr_verdict.rejected_lines({n.name: n.frr_conf for n in nodes}) or {}
    for node in nodes:
        bad = {item.line for item in verdict.get(node.name, [])}
        if bad:
            lines = node.frr_conf.splitlines()
            node.frr_conf = "\n".join(t for i, t in enumerate(lines, 1) if i not in bad) + "\n"


def apply(
    lab_id: str,
    candidate: Path | str,
    *,
    order: list[str] | None = None,
    serial: bool = False,
    allow_rejected: bool = False,
    progress: Progress = _quiet,
) -> ApplyResult:
    """Deploy ``candidate`` into the running lab; all routers at once unless ``serial`` or
    ``order`` is given (then one after the other, ``order`` first)."""
    started = time.monotonic()
    rec = manager.require(lab_id)
    if rec.state not in ("up", "partial"):
        raise LabError(
            f"lab {lab_id} is {rec.state}, not up: there is nothing to apply to",
            hint=f"take it down (`netval lab down --id {lab_id}`) and boot it again",
        )
    candidate = Path(candidate).resolve()
    snap = load_snapshot(candidate)
    # the cabling is the partial apply's once it finished it; FRR's reload compares with
    # what each router runs, whatever the record says
    current_path = Path(rec.partial_snapshot if rec.partial_wired else rec.snapshot)
    try:
        current = load_snapshot(current_path)
    except InputError as exc:
        raise InputError(
            f"the lab runs {current_path}, which cannot be read any more: {exc.message}",
            hint="restore that snapshot, or boot the candidate as a new lab",
        ) from None
    old = build_plan(current, lab_id, rec.slot, rec.mgmt_net, rec.block())
    new = build_plan(snap, lab_id, rec.slot, rec.mgmt_net, rec.block())
    _check_compatible(lab_id, old, new, candidate)
    sequence = _order(new, order)
    rejected = manager.rejected_lines(snap)
    if rejected and not allow_rejected:
        raise manager.RejectedLines(rejected)
    result = ApplyResult(candidate=str(candidate), rejected=rejected, started=started)
    done: list[str] = []
    try:
        with interrupts.held():
            # the lab's record says what it runs before anything changes: an apply that
            # stops halfway is found as partial, with the routers already changed
            rec.state, rec.partial_snapshot, rec.partial_devices = "partial", str(candidate), []
            rec.partial_wired = False
            record.save(rec)
        with interrupts.interruptible():
            progress("changing cabling and addresses")
            result.wiring = _rewire(rec, old, new)
            with interrupts.held():
                rec.partial_wired = True
                record.save(rec)
            routers = [new.nodes[name] for name in sequence]
            if rejected:
                _drop_rejected(routers)

            def one(node: PlannedNode) -> None:
                progress(f"{node.name}: frr-reload")
                delta = _reload(node)
                if delta:
                    result.changed[node.name] = delta
                    # plus one probe interval and margin: the change lands, then settles
                    wait = policy_delay(node.frr_conf, delta)
                    result.min_settle = max(result.min_settle, wait + 2.0 if wait else 0.0)
                else:
                    result.unchanged.append(node.name)
                done.append(node.name)

            if serial or order:
                for node in routers:
                    one(node)
            else:
                with ThreadPoolExecutor(max_workers=8) as pool:
                    list(pool.map(one, routers))
    except BaseException as exc:
        with interrupts.held():
            fresh = record.load(lab_id) or rec
            fresh.partial_devices = sorted(done)
            record.save(fresh)
        why = (
            f"interrupted ({interrupts.label_of(exc)})"
            if isinstance(exc, KeyboardInterrupt)
            else str(getattr(exc, "message", exc)).splitlines()[0]
        )
        raise PartialApply(
            why,
            lab_id,
            sorted(done),
            [d for d in sequence if d not in done],
            isinstance(exc, KeyboardInterrupt),
        ) from exc
    with interrupts.held():
        updated = manager.record_for(new, rec.username)
        updated.state = "up"
        updated.created_at = rec.created_at
        updated.generation = rec.generation + 1
        record.save(updated)
    result.unchanged.sort()
    result.seconds = time.monotonic() - started
    return result
