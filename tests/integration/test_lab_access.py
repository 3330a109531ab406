"""What a lab's login account can reach, on real labs with real ssh: its own lab's routers'
vtysh and nothing else (no other lab, no host file, no host sshd, no forwarding, and no
management sshd from the lab's own data plane)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from netval.lab import manager, naming, system
from tests.conftest import DATA
from tests.integration.labtools import new_lab_id, running_lab, scrapli_login

pytestmark = pytest.mark.lab
MINI = DATA / "snapshots" / "mini"
SSH_OPTS = [
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "ConnectTimeout=10",
    "-F",
    "/dev/null",
]


def _netns_ssh(ns: str) -> list[str]:
    return ["ip", "netns", "exec", ns, "ssh"]


@pytest.fixture(scope="module")
def labs() -> Iterator[tuple[manager.UpResult, manager.UpResult]]:
    with running_lab(MINI, "axa") as a, running_lab(MINI, "axb") as b:
        yield a, b


@pytest.fixture
def world_dir() -> Iterator[Path]:
    """A directory any account can read, write and run files in (tmp_path is root-only)."""
    path = Path(tempfile.mkdtemp(prefix="netval-access-", dir="/tmp"))
    path.chmod(0o777)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _ns(result: manager.UpResult, device: str) -> str:
    node = result.record.node(device)
    assert node is not None
    return node.namespace


def _ssh(result: manager.UpResult, device: str, command: str) -> subprocess.CompletedProcess[str]:
    node = result.record.node(device)
    assert node is not None
    return subprocess.run(
        [
            "ssh",
            *SSH_OPTS,
            "-o",
            "BatchMode=yes",
            "-i",
            str(manager.login_key(result.record.lab_id)),
            f"{result.record.username}@{node.mgmt_ip}",
            command,
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )


def _as_account(username: str, command: str) -> subprocess.CompletedProcess[str]:
    """A shell as the lab account outside any jail, the most it could ever get."""
    return subprocess.run(
        ["su", "-s", "/bin/sh", username, "-c", command],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.timeout(120)
def test_lab_shell_runs_only_the_exact_wrapper_path(
    labs: tuple[manager.UpResult, manager.UpResult], world_dir: Path
) -> None:
    a, _ = labs
    canary = world_dir / "ran"
    script = world_dir / "ssh" / "y" / "vtysh-login"
    script.parent.mkdir(parents=True)
    script.write_text(f"#!/bin/sh\ntouch {canary}\n")
    for d in (world_dir / "ssh", script.parent):
        d.chmod(0o755)
    script.chmod(0o755)
    sneaky = f"/run/netval/labs/../../..{script}"
    proc = subprocess.run(
        ["su", a.record.username, "-c", sneaky], capture_output=True, text=True, timeout=30
    )
    assert proc.returncode != 0
    assert not canary.exists(), "the lab shell ran a script outside the lab"
    # the wrapper's own path exists only inside a router's jail
    proc = subprocess.run(
        ["su", a.record.username, "-c", "/run/netval/vtysh-login"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode != 0


@pytest.mark.timeout(120)
def test_an_account_reaches_only_its_own_labs_routers(
    labs: tuple[manager.UpResult, manager.UpResult],
) -> None:
    a, b = labs
    groups = _as_account(a.record.username, "id -nG").stdout.split()
    assert "frr" not in groups, groups
    own = _as_account(a.record.username, f"vtysh -N {_ns(a, 'r1')} -c 'show version'")
    assert own.returncode == 0 and "FRRouting" in own.stdout, own.stderr
    other = _as_account(a.record.username, f"vtysh -N {_ns(b, 'r1')} -c 'show version'")
    assert "FRRouting" not in other.stdout
    assert "Permission denied" in other.stdout + other.stderr
    # over ssh: lab a's key opens lab b's router for neither account
    node = b.record.node("r1")
    assert node is not None
    for user in (a.record.username, b.record.username):
        proc = subprocess.run(
            [
                "ssh",
                *SSH_OPTS,
                "-o",
                "BatchMode=yes",
                "-i",
                str(manager.login_key(a.record.lab_id)),
                f"{user}@{node.mgmt_ip}",
                "show version",
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.returncode == 255 and "Permission denied" in proc.stderr, proc.stderr


@pytest.mark.timeout(120)
def test_vtysh_over_ssh_cannot_read_host_files(
    labs: tuple[manager.UpResult, manager.UpResult], world_dir: Path
) -> None:
    a, b = labs
    planted = world_dir / "planted.conf"
    planted.write_text("ip prefix-list PLANTED seq 5 permit 10.0.0.0/8\n")
    planted.chmod(0o644)
    other_config = Path("/etc/frr", _ns(b, "r1"), "frr.conf")
    assert other_config.is_file()
    for path in (planted, other_config):
        proc = _ssh(a, "r1", f"copy {path} running-config")
        assert "Can't open configuration file" in proc.stdout + proc.stderr, proc
    running = subprocess.run(
        ["vtysh", "-N", _ns(a, "r1"), "-c", "show running-config"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "hostname r1" in running and "PLANTED" not in running
    # what the session does see: a jail, not the host
    proc = _ssh(a, "r1", "show version")
    assert proc.returncode == 0 and "(r1)" in proc.stdout


@pytest.mark.timeout(120)
def test_a_routers_daemons_cannot_write_another_labs_files(
    labs: tuple[manager.UpResult, manager.UpResult],
) -> None:
    """FRR's daemons run as frr, which owns every lab's dirs; `log file PATH` makes them open
    PATH. A router's FRR sees only its own dirs."""
    a, b = labs
    targets = [
        Path("/etc/frr", _ns(b, "r1"), "planted.log"),
        Path("/var/run/frr", _ns(b, "r1"), "planted.log"),
    ]
    try:
        for target in targets:
            config = ["-c", "configure terminal", "-c", f"log file {target}"]
            subprocess.run(
                ["vtysh", "-N", _ns(a, "r1"), *config],
                capture_output=True,
                timeout=30,
            )
            assert not target.exists(), target
    finally:
        for target in targets:
            target.unlink(missing_ok=True)
        subprocess.run(
            ["vtysh", "-N", _ns(a, "r1"), "-c", "configure terminal", "-c", "no log file"],
            capture_output=True,
            timeout=30,
        )


def _free_port(ns: str) -> int:
    proc = subprocess.run(
        [
            "ip",
            "netns",
            "exec",
            ns,
            "python3",
            "-c",
            "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout)


@pytest.fixture
def default_sshd(tmp_path: Path) -> Iterator[tuple[str, str, int, int]]:
    """The distribution's sshd_config as shipped, in a server namespace with a client
    namespace on a veth; a TCP service on the server's loopback to forward to.

    Yields (client namespace, server address, sshd port, loopback service port)."""
    tag = new_lab_id("hs")
    server, client = f"nvx{tag}s", f"nvx{tag}c"
    veth = f"nvx{tag}"[:13]
    pidfile = tmp_path / "sshd.pid"
    subprocess.run(["ip", "netns", "add", server], check=True)
    subprocess.run(["ip", "netns", "add", client], check=True)
    try:
        system.ip_batch(
            [
                f"link add {veth}a netns {server} type veth peer name {veth}b netns {client}",
            ]
        )
        for ns, dev, addr in ((server, f"{veth}a", "192.0.2.1"), (client, f"{veth}b", "192.0.2.0")):
            system.ip_batch(
                [
                    "link set lo up",
                    f"addr add {addr}/31 dev {dev}",
                    f"link set {dev} up",
                ],
                netns=ns,
            )
        port = 2222
        service = _free_port(server)
        subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                server,
                "python3",
                "-c",
                "import socket\n"
                "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                f"s.bind(('127.0.0.1', {service})); s.listen()\n"
                "while True:\n"
                "    c, _ = s.accept(); c.sendall(b'HOST-LOCAL-SERVICE\\n'); c.close()\n",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                server,
                system.SSHD,
                "-f",
                "/etc/ssh/sshd_config",
                "-o",
                "ListenAddress=192.0.2.1",
                "-o",
                f"Port={port}",
                "-o",
                f"PidFile={pidfile}",
            ],
            check=True,
        )
        yield client, "192.0.2.1", port, service
    finally:
        for ns in (server, client):
            system.terminate(system.netns_pids(ns))
        subprocess.run(["ip", "netns", "del", server], check=False)
        subprocess.run(["ip", "netns", "del", client], check=False)


@pytest.mark.timeout(180)
def test_the_machines_own_sshd_refuses_lab_accounts(
    labs: tuple[manager.UpResult, manager.UpResult],
    default_sshd: tuple[str, str, int, int],
    tmp_path: Path,
) -> None:
    """Neither the lab's key nor the old default password 'netval' logs in to an sshd with
    Debian's default config, so neither can open a forward to a host-local service."""
    shipped = subprocess.run(["dpkg", "-V", "openssh-server"], capture_output=True, text=True)
    assert "sshd_config" not in shipped.stdout, "this test needs sshd_config as shipped"
    client, address, port, service = default_sshd
    a, _ = labs
    askpass = tmp_path / "askpass"
    askpass.write_text("#!/bin/sh\necho netval\n")
    askpass.chmod(0o700)
    local = _free_port(client)
    control = tmp_path / "ctl"
    ways = {
        "key": [
            "-o",
            "BatchMode=yes",
            "-o",
            "PreferredAuthentications=publickey",
            "-i",
            str(manager.login_key(a.record.lab_id)),
        ],
        "password": [
            "-o",
            "PreferredAuthentications=password,keyboard-interactive",
            "-o",
            "PubkeyAuthentication=no",
            "-o",
            "NumberOfPasswordPrompts=1",
        ],
    }
    env = {**os.environ, "SSH_ASKPASS": str(askpass), "SSH_ASKPASS_REQUIRE": "force"}
    for way, opts in ways.items():
        base = ["ip", "netns", "exec", client, "ssh", *SSH_OPTS, *opts, "-p", str(port)]
        target = f"{a.record.username}@{address}"
        login = subprocess.run(
            [*base, target, "true"], capture_output=True, text=True, env=env, timeout=60
        )
        assert login.returncode == 255, (way, login.stderr)
        assert "Permission denied" in login.stderr, (way, login.stderr)
        # -f: ssh goes to the background only once logged in with the forward in place
        forward = subprocess.run(
            [
                *base,
                "-f",
                "-N",
                "-o",
                "ExitOnForwardFailure=yes",
                "-o",
                "ControlMaster=yes",
                "-o",
                f"ControlPath={control}",
                "-L",
                f"127.0.0.1:{local}:127.0.0.1:{service}",
                target,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        try:
            assert forward.returncode == 255, (way, forward.stderr)
            assert "Permission denied" in forward.stderr, (way, forward.stderr)
            reached = subprocess.run(
                [
                    "ip",
                    "netns",
                    "exec",
                    client,
                    "python3",
                    "-c",
                    "import socket\n"
                    "try:\n"
                    f"    print(socket.create_connection(('127.0.0.1', {local}), 5).recv(64))\n"
                    "except OSError as e:\n"
                    "    print('no', e)\n",
                ],
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert "HOST-LOCAL-SERVICE" not in reached.stdout
        finally:
            if control.exists():
                subprocess.run(
                    [*_netns_ssh(client), "-O", "exit", "-o", f"ControlPath={control}", target],
                    capture_output=True,
                    timeout=30,
                )


@pytest.mark.timeout(120)
def test_end_hosts_cannot_reach_management_sshd_through_the_data_plane(
    labs: tuple[manager.UpResult, manager.UpResult],
) -> None:
    a, _ = labs
    host = _ns(a, "h1")
    routers = [n for n in a.record.nodes if n.kind == "router"]
    for node in routers:
        links = subprocess.run(
            ["ip", "-n", node.namespace, "-o", "link"], capture_output=True, text=True, check=True
        ).stdout
        assert naming.MGMT_IFNAME not in links
        proc = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                host,
                "python3",
                "-c",
                "import socket\n"
                "try:\n"
                f"    socket.create_connection(('{node.mgmt_ip}', 22), 3); print('connected')\n"
                "except OSError as e:\n"
                "    print('refused', e)\n",
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.stdout.startswith("refused"), (node.name, proc.stdout)
    # the gateway the host uses does route: the data plane itself works
    ping = subprocess.run(
        ["ip", "netns", "exec", host, "ping", "-c", "1", "-W", "2", "10.1.100.1"],
        capture_output=True,
    )
    assert ping.returncode == 0
    # and the management sshd answers from the root namespace
    for node in routers:
        with scrapli_login(a.record, node.name) as conn:
            assert conn.get_prompt().strip() == f"{node.name}#"
        with socket.create_connection((node.mgmt_ip, 22), 5) as sock:
            assert sock.recv(64).startswith(b"SSH-2.0-")
