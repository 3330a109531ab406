"""Live collection against local TCP endpoints (no root, no lab): a device that accepts the
connection and then never answers (a hung sshd), a port nobody listens on, and Ctrl-C while
devices hang. Scrapli's system transport runs the real ssh client against them."""

from __future__ import annotations

import gc
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from netval.live.collect import collect
from netval.live.inventory import open_nornir
from netval.state import Problem
from tests.integration.labtools import have, poll


class HungDevice:
    """Accepts TCP connections and never sends an SSH banner; counts the logins begun."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.closed = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.closed = True
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def hung() -> Iterator[HungDevice]:
    if not have("ssh"):
        pytest.skip("needs the ssh client (openssh-client)")
    device = HungDevice()
    yield device
    device.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _nornir(tmp: Path, ports: dict[str, int], timeout: float, socket_timeout: float) -> object:
    hosts = {
        name: {"hostname": "127.0.0.1", "port": port, "platform": "cumulus_vtysh"}
        for name, port in ports.items()
    }
    defaults = {
        "username": "nobody",
        "password": "not-used",
        "connection_options": {
            "scrapli": {
                "platform": "cumulus_vtysh",
                "extras": {
                    "transport": "system",
                    "auth_strict_key": False,
                    "ssh_config_file": False,
                    "timeout_socket": socket_timeout,
                    "timeout_transport": timeout,
                    "timeout_ops": timeout,
                },
            }
        },
    }
    (tmp / "hosts.yaml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    (tmp / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    return open_nornir(tmp, workers=2)


@pytest.mark.timeout(60)
def test_hung_device_is_a_timeout(hung: HungDevice, tmp_path: Path) -> None:
    # ssh's connect timeout ends the banner wait first: scrapli names that an auth failure
    nr = _nornir(tmp_path, {"d1": hung.port}, timeout=30, socket_timeout=2)
    node = collect(nr, {"d1": {"bgp"}}).nodes["d1"]
    assert node.problems["device"] is Problem.TIMEOUT
    assert "timed out" in node.errors["device"]
    assert "authentication" not in node.errors["device"]


@pytest.mark.timeout(60)
def test_refused_port_is_unreachable(tmp_path: Path) -> None:
    if not have("ssh"):
        pytest.skip("needs the ssh client (openssh-client)")
    nr = _nornir(tmp_path, {"d1": _free_port()}, timeout=10, socket_timeout=5)
    before = _open_ptys()
    node = collect(nr, {"d1": {"bgp"}}).nodes["d1"]
    assert node.problems["device"] is Problem.UNREACHABLE
    assert "refused" in node.errors["device"].lower()
    # the failed session was closed where it failed, not left to the garbage collector
    # (which closes it on the main thread, 0.1 s each)
    assert _open_ptys() - before == set()


def _open_ptys() -> set[int]:
    return {id(o) for o in gc.get_objects() if type(o).__name__ == "PtyProcess" and not o.closed}


@pytest.mark.timeout(60)
def test_ctrl_c_starts_no_new_login_and_does_not_wait(hung: HungDevice, tmp_path: Path) -> None:
    """Two workers hang on their devices, four devices wait in the queue: after Ctrl-C none of
    those four is logged in to, not even once the hung two time out, and collection returns
    without waiting for them."""
    names = [f"d{n}" for n in range(6)]
    nr = _nornir(tmp_path, dict.fromkeys(names, hung.port), timeout=3, socket_timeout=3)
    main = threading.main_thread().ident
    assert main is not None

    def interrupt_when_both_hang() -> None:
        if poll(lambda: len(hung.accepted) >= 2, timeout=30):
            signal.pthread_kill(main, signal.SIGINT)

    threading.Thread(target=interrupt_when_both_hang, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        collect(nr, {n: {"bgp"} for n in names})
    begun = len(hung.accepted)
    assert begun == 2
    time.sleep(5)  # the hung logins time out: a queued device would start now
    assert len(hung.accepted) == begun
    # the hung logins' ssh clients were ended, not left running
    assert poll(lambda: not _own_ssh_children(), timeout=10)


def _own_ssh_children() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        state, parent = stat[stat.rfind(")") + 2 :].split()[:2]
        # a zombie has ended; the process reaps it at exit
        if int(parent) == os.getpid() and name == "ssh" and state != "Z":
            found.append(int(entry.name))
    return found


def _capture_logins_at_once(
    hung: HungDevice, tmp: Path, *options: str, config_workers: int | None = None
) -> int:
    """How many of eight devices `netval capture` logs in to at the same time: each login
    hangs, so the count of connections the device accepted stops at the worker count."""
    import subprocess
    import sys

    _nornir(tmp, {f"d{n}": hung.port for n in range(8)}, timeout=20, socket_timeout=20)
    args = ["-i", str(tmp)]
    if config_workers is not None:
        config = {
            "inventory": {
                "plugin": "SimpleInventory",
                "options": {
                    "host_file": str(tmp / "hosts.yaml"),
                    "defaults_file": str(tmp / "defaults.yaml"),
                },
            },
            "runner": {"plugin": "threaded", "options": {"num_workers": config_workers}},
            "logging": {"enabled": False},
        }
        (tmp / "config.yaml").write_text(yaml.safe_dump(config))
        args = ["--nornir-config", str(tmp / "config.yaml")]
    proc = subprocess.Popen(
        [sys.executable, "-m", "netval.cli", "capture", "-o", str(tmp / "s.json"), *args, *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        poll(lambda: len(hung.accepted) > 0, timeout=30)
        time.sleep(2)  # every worker has begun its login by now; none has timed out
        return len(hung.accepted)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.timeout(120)
def test_workers_sets_how_many_devices_are_logged_in_to_at_once(
    hung: HungDevice, tmp_path: Path
) -> None:
    assert _capture_logins_at_once(hung, tmp_path, "--workers", "3") == 3


@pytest.mark.timeout(120)
def test_the_configs_num_workers_holds_unless_workers_is_given(tmp_path: Path) -> None:
    if not have("ssh"):
        pytest.skip("needs the ssh client (openssh-client)")
    for options, want in (((), 2), (("--workers", "5"), 5)):
        device = HungDevice()
        try:
            work = tmp_path / str(want)
            work.mkdir()
            assert _capture_logins_at_once(device, work, *options, config_workers=2) == want
        finally:
            device.close()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("platform", ["cisco_ios", "eos", "cisco_xr"])
def test_a_netmiko_or_napalm_platform_name_opens_a_scrapli_session(
    tmp_path: Path, platform: str
) -> None:
    """Scrapli knows none of these names: the session reaches the device (here a port
    nobody listens on) only when the connection got scrapli's name for the platform."""
    if not have("ssh"):
        pytest.skip("needs the ssh client (openssh-client)")
    hosts = {"d1": {"hostname": "127.0.0.1", "port": _free_port(), "platform": platform}}
    defaults = {
        "username": "nobody",
        "password": "not-used",
        "connection_options": {
            "scrapli": {"extras": {"transport": "system", "auth_strict_key": False}}
        },
    }
    (tmp_path / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (tmp_path / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    node = collect(open_nornir(tmp_path), {"d1": {"bgp"}}).nodes["d1"]
    assert node.problems["device"] is Problem.UNREACHABLE, node.errors
