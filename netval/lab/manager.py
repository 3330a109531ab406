"""Bring a lab up, find it, and take it down.

``up`` records the lab first, then creates namespaces, links, addresses, VRRP macvlans,
FRR and sshd; if anything fails (or the user presses Ctrl-C, or SIGTERM comes) it calls
``down``, which removes everything of that lab id, whether the record is complete or not.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from netval import frr_verdict, interrupts
from netval.errors import InputError, LabError
from netval.lab import frr, naming, probe, record, sshd, system
from netval.lab import inventory as lab_inventory
from netval.lab.plan import LabPlan, Macvlan, PlannedNode, Segment, build_plan
from netval.snapshot import Endpoint, Snapshot, load_snapshot

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class UpResult:
    record: record.LabRecord
    inventory: Path
    seconds: float
    #: time.monotonic() when `up` began: the time to converge counts from there
    started: float
    #: 'file:line: text (FRR's message)' for each config line FRR rejected: the routers run
    #: without them, as a real router would
    rejected: list[str] = field(default_factory=list)
    #: links no layer-1 file names, inferred from shared subnets (as `verify` infers them)
    inferred: list[str] = field(default_factory=list)
    #: whether the snapshot has a layer-1 topology file at all
    has_topology: bool = True


class RejectedLines(InputError):
    """FRR would run a router without some of its config lines: a different policy."""

    def __init__(self, lines: list[str]) -> None:
        shown = "\n  ".join(lines[:20]) + (
            f"\n  ... and {len(lines) - 20} more" if len(lines) > 20 else ""
        )
        super().__init__(
            f"FRR rejects {len(lines)} config line(s); a router would run without them, "
            f"which changes what it does:\n  {shown}",
            hint="fix the lines, or pass --allow-rejected to run the routers without them "
            "(as real FRR routers would)",
        )
        self.lines = lines


def lab_in_use(lab_id: str) -> bool:
    prefix = naming.namespace_prefix(lab_id)
    return (
        record.lab_dir(lab_id).exists()
        or any(
            ns.startswith(prefix) or ns == naming.fabric_namespace(lab_id)
            for ns in system.netns_list()
        )
        or bool(frr.stale_pathspaces(prefix))
    )


def ssh_dir(lab_id: str) -> Path:
    """sshd configs, jails, host key and the lab's login key pair."""
    return record.lab_dir(lab_id) / "ssh"


def login_key(lab_id: str) -> Path:
    """The private key that logs in to the lab's routers (root-only)."""
    return ssh_dir(lab_id) / sshd.KEY_NAME


def _allocate(mgmt_net: str) -> tuple[int, str]:
    """A slot (numbers the root-side interfaces) and a management block, both unused.

    Blocks are compared by address, not by number: two labs on different --mgmt-net must
    never share addresses, or a check of one lab would log into the other's routers.
    """
    records = record.all_records()
    net = ipaddress.IPv4Network(mgmt_net)
    lab_link = re.compile(r"^nv\d+m\d+$")
    for dev, used in system.root_ipv4_networks():
        if not lab_link.match(dev) and used.prefixlen > 0 and used.overlaps(net):
            raise InputError(
                f"--mgmt-net {mgmt_net} overlaps {used} on this machine's interface {dev}",
                hint="pass a --mgmt-net that this machine does not route, e.g. 10.255.0.0/16 "
                "or 198.18.0.0/16",
            )
    taken = [ipaddress.IPv4Network(r.block()) for r in records]
    slots = {r.slot for r in records}
    slot = min(set(range(len(records) + 1)) - slots)
    for block in naming.blocks(mgmt_net):
        if not any(block.overlaps(t) for t in taken):
            return slot, str(block)
    raise LabError(
        f"every management block of {mgmt_net} is taken by a running lab",
        hint="take a lab down (`netval lab status` lists them) or pass another --mgmt-net",
    )


def rejected_lines(snapshot: Snapshot) -> list[str]:
    devices = snapshot.devices
    verdict = frr_verdict.rejected_lines({n: d.frr_text for n, d in devices.items()}) or {}
    return [
        f"{devices[name].path}:{(devices[name].frr_first_line or 1) + item.line - 1}: "
        f"{item.text.strip()!r} ({item.message.lstrip('% ')})"
        for name, items in sorted(verdict.items())
        for item in items
    ]


def macvlan_lines(mv: Macvlan) -> list[str]:
    """Shell lines that create a VRRP macvlan (inside the router's namespace)."""
    q = shlex.quote
    # vrrpd finds its macvlan by parent and MAC; the name mirrors FRR's documentation
    name = f"vrrp{mv.family}-$(cat /sys/class/net/{q(mv.parent)}/ifindex)-{mv.vrid}"
    lines = [f'mv="{name}"']
    lines.append(f'ip link add "$mv" link {q(mv.parent)} type macvlan mode bridge')
    lines.append(f'ip link set dev "$mv" address {mv.mac}')
    # separate step: combined with `add` the kernel answers "Address family not supported"
    lines.append('ip link set dev "$mv" addrgenmode random')
    for vip in mv.vips:
        lines.append(f'ip addr add {q(vip)} dev "$mv"')
    lines.append('ip link set dev "$mv" up')
    return lines


def gateway_line(gw: str, verb: str = "replace") -> str:
    family = "-6" if ipaddress.ip_address(gw).version == 6 else "-4"
    return f"ip {family} route {verb} default via {shlex.quote(gw)}"


def node_script(node: PlannedNode) -> str:
    """One shell script per namespace: one fork chain instead of dozens."""
    q = shlex.quote
    lines = [
        "set -e",
        "ip link set lo up",
        "echo 1 > /proc/sys/net/ipv4/ip_forward",
        "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding",
        # rp_filter would drop asymmetric ECMP return traffic that real routers forward
        "echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter",
        "echo 0 > /proc/sys/net/ipv4/conf/default/rp_filter",
        # a VRRP backup must not answer ARP for the VIP it holds on its (down) macvlan
        "echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore",
        "echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce",
    ]
    for addr in node.loopback:
        lines.append(f"ip addr add {q(addr)} dev lo")
    for ifname, addrs in node.interfaces.items():
        for addr in addrs:
            lines.append(f"ip addr add {q(addr)} dev {q(ifname)}")
        lines.append(f"ip link set {q(ifname)} up")
    for mv in node.macvlans:
        lines += macvlan_lines(mv)
    for gw in node.gateways:
        lines.append(gateway_line(gw))
    script = "\n".join(lines) + "\n"
    if node.mgmt_ip:
        script += sshd.mgmt_script(node)
    return script


def link_commands(
    plan: LabPlan, segments: list[Segment], stubs: list[Endpoint], prefix: str = ""
) -> tuple[list[str], list[str]]:
    """`ip -batch` lines (root namespace, fabric namespace) that cable ``segments`` and give
    ``stubs`` a carrier. ``prefix`` keeps the fabric's names apart from earlier cabling."""
    root: list[str] = []
    fab: list[str] = []
    for index, seg in enumerate(segments):
        if len(seg.members) == 2:
            a, b = seg.members
            ns_a, ns_b = plan.nodes[a.hostname].namespace, plan.nodes[b.hostname].namespace
            root.append(
                f"link add {a.interface} netns {ns_a} type veth peer name {b.interface} "
                f"netns {ns_b}"
            )
            continue
        bridge = f"{prefix}br{index}"
        fab.append(f"link add {bridge} type bridge stp_state 0 forward_delay 0 mcast_snooping 0")
        fab.append(f"link set {bridge} up")
        for port, end in enumerate(seg.members):
            peer = f"{prefix}b{index}p{port}"
            ns = plan.nodes[end.hostname].namespace
            root.append(
                f"link add {end.interface} netns {ns} type veth peer name {peer} netns "
                f"{naming.fabric_namespace(plan.lab_id)}"
            )
            fab.append(f"link set {peer} master {bridge}")
            fab.append(f"link set {peer} up")
    for index, end in enumerate(stubs):
        # an interface with no cable still needs a carrier to be up, like a port facing a server
        peer = f"{prefix}s{index}"
        ns = plan.nodes[end.hostname].namespace
        root.append(
            f"link add {end.interface} netns {ns} type veth peer name {peer} netns "
            f"{naming.fabric_namespace(plan.lab_id)}"
        )
        fab.append(f"link set {peer} up")
    return root, fab


def _create_links(plan: LabPlan) -> None:
    root, fab = link_commands(plan, plan.segments, plan.stubs)
    fab.insert(0, "link set lo up")
    for node in plan.routers:
        root.append(
            f"link add {node.mgmt_root_ifname} type veth peer name {naming.MGMT_IFNAME} "
            f"netns {naming.mgmt_namespace(node.namespace)}"
        )
        root.append(f"addr add {node.mgmt_root_ip}/31 dev {node.mgmt_root_ifname}")
        root.append(f"link set {node.mgmt_root_ifname} up")
    system.ip_batch(root)
    system.ip_batch(fab, netns=naming.fabric_namespace(plan.lab_id))


def record_for(plan: LabPlan, username: str) -> record.LabRecord:
    return record.LabRecord(
        lab_id=plan.lab_id,
        slot=plan.slot,
        mgmt_net=plan.mgmt_net,
        mgmt_block=plan.mgmt_block,
        snapshot=plan.snapshot,
        username=username,
        created_at=time.time(),
        nodes=[
            record.NodeRecord(
                name=n.name,
                kind=n.kind,
                namespace=n.namespace,
                mgmt_ip=n.mgmt_ip,
                mgmt_root_ifname=n.mgmt_root_ifname,
                vrrp_interfaces=sorted({f"{m.parent}/{m.vrid}" for m in n.macvlans}),
            )
            for n in plan.nodes.values()
        ],
    )


def up(
    snapshot_path: Path | str,
    lab_id: str = naming.DEFAULT_LAB_ID,
    *,
    mgmt_net: str = naming.DEFAULT_MGMT_NET,
    base_inventory: Path | None = None,
    progress: Progress = _quiet,
    workers: int = 8,
    allow_rejected: bool = False,
) -> UpResult:
    started = time.monotonic()
    naming.check_lab_id(lab_id)
    snapshot: Snapshot = load_snapshot(snapshot_path)
    # validate the whole plan before touching the machine
    build_plan(snapshot, lab_id, 0, mgmt_net)
    rejected = rejected_lines(snapshot)
    if rejected and not allow_rejected:
        raise RejectedLines(rejected)
    system.preflight()
    recorded = False
    try:
        # a signal while the record is written takes effect once it is: then the rollback
        # below knows the lab and removes it
        with interrupts.held(), record.lock():
            # checking the id, choosing the slot and saving the record are one step: two
            # `up`s at once must not both pass the check or take the same slot
            if lab_in_use(lab_id):
                raise LabError(
                    f"lab id {lab_id!r} is already in use",
                    hint=f"take it down with `netval lab down --id {lab_id}`, "
                    "or choose another --id",
                )
            slot, block = _allocate(mgmt_net)
            plan = build_plan(snapshot, lab_id, slot, mgmt_net, block)
            ssh = ssh_dir(lab_id)
            creds = sshd.Credentials.for_lab(lab_id, ssh)
            sshd.check_username(creds.username)
            rec = record_for(plan, creds.username)
            record.save(rec)
            recorded = True
        gid = sshd.ensure_user(creds.username)
        namespaces = plan.namespaces() + [naming.mgmt_namespace(n.namespace) for n in plan.routers]
        progress(f"creating {len(namespaces)} namespaces")
        system.ip_batch(f"netns add {ns}" for ns in namespaces)
        progress(f"wiring {len(plan.segments)} segments and {len(plan.stubs)} stub ports")
        _create_links(plan)
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            list(
                pool.map(
                    lambda n: system.run(
                        ["ip", "netns", "exec", n.namespace, "sh", "-c", node_script(n)]
                    ),
                    plan.nodes.values(),
                )
            )
            progress(f"starting FRR on {len(plan.routers)} routers")
            for node in plan.routers:
                frr.write_config(node)
                frr.prepare_runtime_dir(node.namespace, gid)
            list(pool.map(frr.start, plan.routers))
            progress("starting sshd on the management addresses")
            ssh.mkdir(parents=True, exist_ok=True)
            # sshd reads the authorized keys as the lab account and wants a root-owned,
            # non-writable path to each jail
            for d in (record.run_root(), record.lab_dir(lab_id), ssh):
                d.chmod(0o755)
            host_key = sshd.make_host_key(ssh)
            authorized = sshd.make_login_key(creds, lab_id)
            for n in plan.routers:
                sshd.write_config(n, ssh / n.name, host_key, authorized, creds.username, gid)
            list(
                pool.map(
                    lambda n: sshd.start(naming.mgmt_namespace(n.namespace), ssh / n.name),
                    plan.routers,
                )
            )
        finally:
            # on failure or a signal, routers still queued must not start: the rollback
            # removes what the running ones leave
            pool.shutdown(wait=True, cancel_futures=True)
        inv = lab_inventory.write(plan, record.inventory_dir(lab_id), creds, base_inventory)
        rec.state = "up"
        record.save(rec)
    except BaseException as exc:
        if not recorded:
            raise
        # a second Ctrl-C or SIGTERM must not leave the rollback half done
        with interrupts.held():
            rec.state = "failed"
            record.save(rec)
            why = (
                f"interrupted ({interrupts.label_of(exc)})"
                if isinstance(exc, KeyboardInterrupt)
                else "up failed"
            )
            progress(f"{why}: rolling back")
            down(lab_id)
        raise
    return UpResult(
        record=rec,
        inventory=inv,
        seconds=time.monotonic() - started,
        started=started,
        rejected=rejected,
        inferred=[" <-> ".join(str(m) for m in seg.members) for seg in plan.inferred],
        has_topology=snapshot.topology_path is not None,
    )


@dataclass
class DownResult:
    namespaces: int
    processes: int
    seconds: float


def down(lab_id: str = naming.DEFAULT_LAB_ID) -> DownResult:
    """Remove every namespace, veth, process and directory of the lab. Idempotent.

    A Ctrl-C or SIGTERM while it runs takes effect once it is done.
    """
    with interrupts.held():
        return _down(lab_id)


def _down(lab_id: str) -> DownResult:
    started = time.monotonic()
    naming.check_lab_id(lab_id)
    rec = record.load(lab_id)
    prefix = naming.namespace_prefix(lab_id)
    namespaces = [
        ns
        for ns in system.netns_list()
        if ns.startswith(prefix) or ns == naming.fabric_namespace(lab_id)
    ]
    pathspaces = sorted(
        set(frr.stale_pathspaces(prefix))
        | {n.namespace for n in (rec.nodes if rec else []) if n.kind == "router"}
    )
    pids: set[int] = set()
    for ps in pathspaces:
        pids.update(frr.pids(ps))
    ssh = ssh_dir(lab_id)
    if ssh.is_dir():
        for d in ssh.iterdir():
            pid = sshd.pid(d) if d.is_dir() else None
            if pid:
                pids.add(pid)
    for ns in namespaces:
        # everything running inside our namespaces was started by us (FRR, sshd, logins)
        pids.update(system.netns_pids(ns))
    system.terminate(pids)
    root_ifs: list[str] = []
    if rec is not None:
        pattern = naming.root_mgmt_ifname_re(rec.slot)
        root_ifs = [name for name in system.root_links() if pattern.match(name)]
    # deleting the root end first: namespace deletion frees its veths asynchronously
    system.ip_batch((f"link del {name}" for name in root_ifs), force=True)
    system.ip_batch((f"netns del {ns}" for ns in namespaces), force=True)
    for ps in pathspaces:
        frr.remove_dirs(ps)
    lab_dir = record.lab_dir(lab_id)
    if lab_dir.exists():
        shutil.rmtree(lab_dir, ignore_errors=True)
    others = [r for r in record.all_records() if r.lab_id != lab_id]
    frr.remove_shared_state(bool(others))
    if rec is not None:
        sshd.remove_user(rec.username, rec.username in {r.username for r in others})
    return DownResult(len(namespaces), len(pids), time.monotonic() - started)


def require(lab_id: str) -> record.LabRecord:
    naming.check_lab_id(lab_id)
    rec = record.load(lab_id)
    if rec is None:
        running = ", ".join(r.lab_id for r in record.all_records()) or "none"
        raise LabError(
            f"no lab with id {lab_id!r} is running (running labs: {running})",
            hint="`netval lab status` lists the running labs; start one with "
            "`netval lab up SNAPSHOT --id ID`",
        )
    return rec


def health(rec: record.LabRecord) -> list[probe.RouterHealth]:
    return probe.lab_health(
        [(n.name, n.namespace, bool(n.vrrp_interfaces)) for n in rec.nodes if n.kind == "router"]
    )


def wait_converged(
    rec: record.LabRecord,
    timeout: float,
    progress: Progress = _quiet,
    interval: float = 0.5,
    settle: float = 2.0,
    since: float | None = None,
) -> probe.Convergence:
    """Wait until the lab has converged: every configured BGP session Established, no BGP
    update queued, every selected route in the FIB, and nothing changed for ``settle`` s."""
    return probe.wait(
        lambda: health(rec),
        timeout,
        settle=settle,
        interval=interval,
        progress=progress,
        since=since,
    )


def exec_command(rec: record.LabRecord, device: str, command: str) -> tuple[str, int]:
    """Run a command on a lab device: vtysh on a router, a shell on a host."""
    node = rec.node(device)
    if node is None:
        raise InputError(
            f"lab {rec.lab_id!r} has no device {device!r} "
            f"(devices: {', '.join(n.name for n in rec.nodes)})",
            hint="pick one of the listed devices",
        )
    if node.kind == "router":
        proc = system.run(["vtysh", "-N", node.namespace, "-c", command], check=False)
    else:
        proc = system.run(["ip", "netns", "exec", node.namespace, "sh", "-c", command], check=False)
    return proc.stdout + proc.stderr, proc.returncode
