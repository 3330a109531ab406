"""The one seam through which the lab touches the machine (commands and processes)."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from netval.errors import EnvironmentProblem, LabError

log = logging.getLogger("netval.lab")
log.addHandler(logging.NullHandler())

FRRINIT = "/usr/lib/frr/frrinit.sh"
FRR_RELOAD = "/usr/lib/frr/frr-reload.py"
SSHD = "/usr/sbin/sshd"


def run(
    args: Sequence[str],
    *,
    check: bool = True,
    stdin: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    log.debug("run: %s", " ".join(args))
    try:
        proc = subprocess.run(
            list(args), input=stdin, capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError as exc:
        raise EnvironmentProblem(
            f"command {args[0]!r} is not installed", hint="apt-get install -y frr openssh-server"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"command timed out after {timeout:.0f} s: {' '.join(args)}") from exc
    if check and proc.returncode != 0:
        raise LabError(
            f"command failed (exit {proc.returncode}): {' '.join(args)}\n"
            f"{(proc.stderr or proc.stdout).strip()[:2000]}"
        )
    return proc


def ip_batch(lines: Iterable[str], netns: str | None = None, *, force: bool = False) -> None:
    """Run many `ip` commands in one process (one fork instead of hundreds)."""
    body = "\n".join(lines)
    if not body.strip():
        return
    args = ["ip"]
    if netns:
        args += ["-n", netns]
    if force:
        args.append("-force")
    run([*args, "-batch", "-"], stdin=body + "\n", check=not force)


def netns_list() -> list[str]:
    base = Path("/run/netns")
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir())


def netns_pids(ns: str) -> list[int]:
    proc = run(["ip", "netns", "pids", ns], check=False)
    return [int(x) for x in proc.stdout.split() if x.isdigit()]


def root_links() -> list[str]:
    return sorted(p.name for p in Path("/sys/class/net").iterdir())


def root_ipv4_networks() -> list[tuple[str, ipaddress.IPv4Network]]:
    """(device, network) of every IPv4 route and address of the root namespace."""
    found: list[tuple[str, ipaddress.IPv4Network]] = []
    routes = run(["ip", "-j", "-4", "route", "show", "table", "all"], check=False).stdout
    addrs = run(["ip", "-j", "-4", "addr", "show"], check=False).stdout
    try:
        route_rows = json.loads(routes or "[]")
        addr_rows = json.loads(addrs or "[]")
    except json.JSONDecodeError as exc:
        raise EnvironmentProblem(f"`ip -j` printed no JSON ({exc})") from exc
    for row in route_rows:
        dst = row.get("dst", "")
        if dst and dst != "default":
            with contextlib.suppress(ValueError):
                found.append((row.get("dev", ""), ipaddress.IPv4Network(dst, strict=False)))
    for link in addr_rows:
        for info in link.get("addr_info", []):
            with contextlib.suppress(ValueError, KeyError):
                net = ipaddress.IPv4Network(f"{info['local']}/{info['prefixlen']}", strict=False)
                found.append((link.get("ifname", ""), net))
    return found


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie still answers kill(0); it has ended for our purposes
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def terminate(pids: Iterable[int], grace: float = 2.0) -> list[int]:
    """TERM the given pids, KILL those still there after ``grace`` s; return the killed ones."""
    pids = sorted({p for p in pids if p > 1 and p != os.getpid()})
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(pid_alive(p) for p in pids):
        time.sleep(0.05)
    stubborn = [p for p in pids if pid_alive(p)]
    for pid in stubborn:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return stubborn


def read_pidfile(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def preflight() -> None:
    """Root and the system packages; each problem names its fix."""
    if os.geteuid() != 0:
        raise EnvironmentProblem(
            "the lab needs root: it creates network namespaces and starts FRR and sshd",
            hint="run it as root (e.g. sudo netval lab up ...)",
        )
    missing = [
        what
        for what, path in (("frr", FRRINIT), ("frr", "/usr/bin/vtysh"), ("openssh-server", SSHD))
        if not Path(path).exists()
    ]
    if shutil.which("ip") is None:
        missing.append("iproute2")
    if shutil.which("ssh-keygen") is None:
        missing.append("openssh-client")
    if missing:
        pkgs = " ".join(sorted(set(missing)))
        raise EnvironmentProblem(
            f"missing system packages: {pkgs}", hint=f"apt-get install -y {pkgs}"
        )
