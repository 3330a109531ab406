"""FRR per namespace, with FRR's own pathspace support (``-N``) and watchfrr."""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
from pathlib import Path

from netval import safe_names
from netval.errors import LabError
from netval.lab import system
from netval.lab.plan import FRR_DAEMONS, RUNTIME_ROOT, PlannedNode

ETC = Path("/etc/frr")
RUN = Path(RUNTIME_ROOT)


def config_dir(pathspace: str) -> Path:
    return ETC / pathspace


def runtime_dir(pathspace: str) -> Path:
    return RUN / pathspace


def _chown_frr(path: Path) -> None:
    with contextlib.suppress(LookupError, PermissionError):
        shutil.chown(path, "frr", "frr")


def write_config(node: PlannedNode) -> None:
    if node.frr_profile not in safe_names.FRR_PROFILES or any(
        daemon not in FRR_DAEMONS for daemon in node.daemons
    ):
        raise LabError(
            f"{node.name}: refusing daemons file values {node.daemons} {node.frr_profile!r}"
        )
    d = config_dir(node.namespace)
    d.mkdir(parents=True, exist_ok=True)
    lines = [f"{daemon}=yes" for daemon in node.daemons]
    lines += [
        "vtysh_enable=yes",
        # watchfrr runs every daemon inside the namespace named like the pathspace
        'watchfrr_options="--netns"',
        f"frr_profile={shlex.quote(node.frr_profile)}",
    ]
    for daemon in sorted(set(node.daemons)):
        extra = " -s 90000000" if daemon == "zebra" else ""
        lines.append(f'{daemon}_options=" -A 127.0.0.1{extra}"')
    # FRR's start script sources `daemons` as root: it stays root's, never the frr user's
    # (FRR's daemons run as frr and could otherwise write into it)
    (d / "daemons").write_text("\n".join(lines) + "\n")
    (d / "daemons").chmod(0o644)
    (d / "frr.conf").write_text(node.frr_conf)
    (d / "vtysh.conf").write_text("service integrated-vtysh-config\n")
    (d / "vtysh.conf").chmod(0o644)
    # frr.conf and the directory are frr's: `write memory` rewrites frr.conf as frr
    for f in (d, d / "frr.conf"):
        _chown_frr(f)
    (d / "frr.conf").chmod(0o640)


def running_config_text(pathspace: str) -> str:
    """The frr.conf the router was started (or last changed) with; empty when unreadable."""
    try:
        return (config_dir(pathspace) / "frr.conf").read_text(errors="replace")
    except OSError:
        return ""


def prepare_runtime_dir(pathspace: str, gid: int) -> None:
    """The runtime dir (vty sockets) before FRR starts, owned by frr and the lab's group.

    frrcommon.sh creates it frr:frr only when it is missing. Owned by the lab's group,
    it lets that lab's account reach these sockets and no other lab's account.
    """
    d = runtime_dir(pathspace)
    d.mkdir(parents=True, exist_ok=True)
    try:
        uid = pwd.getpwnam("frr").pw_uid
    except KeyError:
        uid = 0
    os.chown(d, uid, gid)
    d.chmod(0o750)


# FRR's daemons run as frr, which owns every lab's config and runtime dirs; a config line such
# as `log file PATH` makes a daemon open PATH. So each router's FRR runs in a mount namespace
# where /etc/frr and /var/run/frr are empty tmpfs holding only bind mounts of its own dirs:
# vtysh in the root namespace still reaches its sockets, and no router can touch another's
# files (FRR 8.4's ospfd state file, written outside the pathspace, stays private too).
_PRIVATE_VIEW = """set -e
hostname "$1"
ps="$2"
stage=$(mktemp -d /run/netval/frr-stage.XXXXXX)
mount -t tmpfs -o mode=0700 netval-stage "$stage"
mkdir "$stage/etc" "$stage/run"
mount --bind "/etc/frr/$ps" "$stage/etc"
mount --bind "/var/run/frr/$ps" "$stage/run"
mount -t tmpfs -o "mode=0750,uid=$3,gid=$4" netval-frr-etc /etc/frr
mount -t tmpfs -o "mode=0755,uid=$3,gid=$4" netval-frr-run /var/run/frr
mkdir "/etc/frr/$ps" "/var/run/frr/$ps"
mount --move "$stage/etc" "/etc/frr/$ps"
mount --move "$stage/run" "/var/run/frr/$ps"
umount "$stage"
rmdir "$stage"
exec "$5" start "$ps"
"""


def start(node: PlannedNode) -> None:
    """Start FRR in the node's namespace; every daemon of the config must be running after."""
    try:
        frr = pwd.getpwnam("frr")
        ids = (str(frr.pw_uid), str(frr.pw_gid))
    except KeyError:
        ids = ("0", "0")
    Path("/run/netval").mkdir(parents=True, exist_ok=True)
    proc = system.run(
        [
            "ip",
            "netns",
            "exec",
            node.namespace,
            "unshare",
            "--uts",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            _PRIVATE_VIEW,
            "sh",
            node.name,
            node.namespace,
            *ids,
            system.FRRINIT,
        ],
        timeout=60,
    )
    missing = [d for d in (*node.daemons, "watchfrr") if not _running(node.namespace, d)]
    if missing:
        said = (proc.stderr or proc.stdout).strip()[-1500:]
        raise LabError(
            f"{node.name}: FRR did not start {', '.join(missing)}"
            + (f"; FRR said: {said}" if said else ""),
            hint="check the router's config: `vtysh -C -f FILE` lists the lines FRR rejects",
        )


def _running(pathspace: str, daemon: str) -> bool:
    pid = system.read_pidfile(runtime_dir(pathspace) / f"{daemon}.pid")
    return pid is not None and system.pid_alive(pid)


def enabled_daemons(pathspace: str) -> list[str]:
    """The daemons the lab enabled in the router's ``daemons`` file."""
    try:
        text = (config_dir(pathspace) / "daemons").read_text()
    except OSError:
        return []
    return [line.split("=")[0] for line in text.splitlines() if line.endswith("=yes")]


def pids(pathspace: str) -> list[int]:
    d = runtime_dir(pathspace)
    if not d.is_dir():
        return []
    out = []
    for pidfile in d.glob("*.pid"):
        pid = system.read_pidfile(pidfile)
        if pid is not None:
            out.append(pid)
    return out


def remove_dirs(pathspace: str) -> None:
    for d in (config_dir(pathspace), runtime_dir(pathspace)):
        if d.exists():
            shutil.rmtree(d, ignore_errors=True)


# FRR 8.4's ospfd writes its graceful-restart state here whatever its pathspace; in its
# private view (see start) each router has its own, but FRR started without that view (an
# older netval) shares this one file
SHARED_STATE = (RUN / "ospfd-gr.json",)


def remove_shared_state(other_labs_running: bool) -> None:
    """Remove the state files FRR writes outside the pathspace once no ospfd can use them."""
    if other_labs_running or _ospfd_running():
        return
    for path in SHARED_STATE:
        path.unlink(missing_ok=True)


def _ospfd_running() -> bool:
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            name = comm.read_text().strip()
        except OSError:
            continue
        # a just-terminated ospfd lingers as a zombie until init reaps it: it writes nothing
        if name == "ospfd" and system.pid_alive(int(comm.parent.name)):
            return True
    return False


def vtysh(pathspace: str, command: str, timeout: float = 20) -> str:
    proc = system.run(["vtysh", "-N", pathspace, "-c", command], check=False, timeout=timeout)
    if proc.returncode != 0:
        raise LabError(
            f"vtysh -N {pathspace} -c {command!r} failed (exit {proc.returncode}): "
            f"{(proc.stderr or proc.stdout).strip()[:500]}"
        )
    return proc.stdout


def vtysh_many(pathspace: str, commands: list[str], timeout: float = 20) -> str:
    """Several commands in one vtysh: their outputs one after the other."""
    args = ["vtysh", "-N", pathspace]
    for command in commands:
        args += ["-c", command]
    proc = system.run(args, check=False, timeout=timeout)
    if proc.returncode != 0:
        raise LabError(
            f"vtysh -N {pathspace} ({'; '.join(commands)}) failed (exit {proc.returncode}): "
            f"{(proc.stderr or proc.stdout).strip()[:500]}"
        )
    return proc.stdout


def stale_pathspaces(prefix: str) -> list[str]:
    found: set[str] = set()
    for base in (ETC, RUN):
        if base.is_dir():
            found.update(p.name for p in base.iterdir() if p.is_dir() and p.name.startswith(prefix))
    return sorted(found)
