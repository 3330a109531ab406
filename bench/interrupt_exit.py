"""Interrupt benchmark: how fast `netval check` ends on Ctrl-C or SIGTERM while devices hang.

    .venv/bin/python bench/interrupt_exit.py [--hosts 100] [--signal INT|TERM] [--timeout 30]
    .venv/bin/python bench/interrupt_exit.py --refused   # no signal: every port is closed

Every host of a generated inventory points at one local TCP endpoint that accepts the
connection and never sends an SSH banner (a frozen sshd). `netval check` runs as a user
would (a subprocess writing JUnit, JSON and HTML); once its 32 workers all hang, the signal
is sent. Printed: the time from the signal to the process's exit, how many logins began
after the signal, the exit code, and which reports were written. No root, no lab.

``--refused`` points every host at a closed port instead and sends no signal: the whole run's
time, where each failed session must be closed without a stall.
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


class HungDevice:
    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=100)
    ap.add_argument("--signal", choices=["INT", "TERM"], default="INT")
    ap.add_argument("--timeout", type=float, default=30.0, help="scrapli timeouts, seconds")
    ap.add_argument("--workers", type=int, default=32, help="netval check's worker count")
    ap.add_argument("--refused", action="store_true", help="closed ports, no signal")
    args = ap.parse_args()
    device = HungDevice()
    port = device.port
    if args.refused:
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        inv = tmp / "inv"
        inv.mkdir()
        hosts = {
            f"r{n}": {"hostname": "127.0.0.1", "port": port, "platform": "cumulus_vtysh"}
            for n in range(args.hosts)
        }
        extras = {
            "transport": "system",
            "auth_strict_key": False,
            "ssh_config_file": False,
            "timeout_socket": args.timeout,
            "timeout_transport": args.timeout,
            "timeout_ops": args.timeout,
        }
        defaults = {
            "username": "nobody",
            "password": "unused",
            "connection_options": {"scrapli": {"platform": "cumulus_vtysh", "extras": extras}},
        }
        (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
        (inv / "defaults.yaml").write_text(yaml.safe_dump(defaults))
        cat = tmp / "cat.yaml"
        cat.write_text("checks:\n  - kind: bgp_sessions\n")
        reports = {"json": tmp / "r.json", "junitxml": tmp / "j.xml", "html": tmp / "r.html"}
        argv = [sys.executable, "-m", "netval.cli", "check", "-c", str(cat), "-i", str(inv)]
        for flag, path in reports.items():
            argv += [f"--{flag}", str(path)]
        started = time.monotonic()
        proc = subprocess.Popen(
            argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if args.refused:
            code = proc.wait()
            print(f"{args.hosts} hosts, every port closed: exit {code} after ", end="")
            print(f"{time.monotonic() - started:.1f} s (process start to exit)")
            return 0
        hung = min(args.workers, args.hosts)
        while len(device.accepted) < hung and proc.poll() is None:
            time.sleep(0.01)
        before = len(device.accepted)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT if args.signal == "INT" else signal.SIGTERM)
        code = proc.wait()
        ended = time.monotonic()
        after = len(device.accepted) - before
        written = [name for name, path in reports.items() if path.is_file() and path.stat().st_size]
        interrupted = None
        if reports["json"].is_file():
            interrupted = json.loads(reports["json"].read_text()).get("interrupted")
    print(f"hosts: {args.hosts}, hung logins when the signal came: {before}")
    print(f"signal SIG{args.signal} sent {sent - started:.1f} s after start")
    print(f"exit {code} after {ended - sent:.2f} s; logins begun after the signal: {after}")
    print(f"reports written: {', '.join(written) or 'none'} (JSON interrupted: {interrupted})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
