"""One sshd per router namespace, on the management address, landing in vtysh.

The login user is a local system account that netval creates and marks (GECOS field), so
netval never changes the password of an account it did not create.
"""

from __future__ import annotations

import os
import pwd
import shlex
from dataclasses import dataclass
from pathlib import Path

from netval.errors import EnvironmentProblem, InputError
from netval.lab import system
from netval.lab.plan import PlannedNode

USER_MARK = "netval lab user"
DEFAULT_USER = "netval"
DEFAULT_PASSWORD = "netval"


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    @classmethod
    def from_env(cls) -> Credentials:
        """NETVAL_USERNAME / NETVAL_PASSWORD override the defaults (netval / netval)."""
        return cls(
            os.environ.get("NETVAL_USERNAME") or DEFAULT_USER,
            os.environ.get("NETVAL_PASSWORD") or DEFAULT_PASSWORD,
        )


def ensure_user(creds: Credentials) -> None:
    if creds.username == "root" or not creds.username.replace("-", "").isalnum():
        raise InputError(
            f"NETVAL_USERNAME={creds.username!r} cannot be the lab's login user",
            hint="use an unprivileged name such as 'netval'",
        )
    try:
        entry = pwd.getpwnam(creds.username)
    except KeyError:
        system.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/bin/sh",
                "--comment",
                USER_MARK,
                "--groups",
                "frrvty,frr",
                creds.username,
            ]
        )
    else:
        if entry.pw_gecos.split(",")[0] != USER_MARK:
            raise EnvironmentProblem(
                f"user {creds.username!r} exists and was not created by netval; the lab will "
                "not change its password",
                hint="set NETVAL_USERNAME to another name (netval creates that user)",
            )
        system.run(["usermod", "--append", "--groups", "frrvty,frr", "--home", "/", creds.username])
    system.run(["chpasswd"], stdin=f"{creds.username}:{creds.password}\n")


def make_host_key(directory: Path) -> Path:
    key = directory / "ssh_host_ed25519_key"
    if not key.exists():
        system.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)])
    return key


def write_config(node: PlannedNode, directory: Path, host_key: Path, username: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)
    shell = directory / "vtysh-login"
    ps = shlex.quote(node.namespace)
    shell.write_text(
        "#!/bin/sh\n"
        "# ForceCommand: a login lands in the router's vtysh, like a router's CLI\n"
        'if [ -n "$SSH_ORIGINAL_COMMAND" ]; then\n'
        f'  exec /usr/bin/vtysh -N {ps} -c "$SSH_ORIGINAL_COMMAND"\n'
        "fi\n"
        f"exec /usr/bin/vtysh -N {ps}\n"
    )
    shell.chmod(0o755)
    config = directory / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"ListenAddress {node.mgmt_ip}",
                "Port 22",
                f"HostKey {host_key}",
                f"PidFile {directory / 'sshd.pid'}",
                "PasswordAuthentication yes",
                "KbdInteractiveAuthentication yes",
                "PubkeyAuthentication yes",
                "UsePAM no",
                "PermitRootLogin no",
                f"AllowUsers {username}",
                f"ForceCommand {shell}",
                "PrintMotd no",
                "PrintLastLog no",
                "X11Forwarding no",
                "AllowTcpForwarding no",
                "PermitTunnel no",
                "MaxStartups 100:30:200",
                # the post-quantum default (sntrup761) costs ~70 ms of CPU per login on each
                # side; a lab of 50 routers logs in 50 times per check run
                "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org",
                "LoginGraceTime 30",
                "",
            ]
        )
    )
    return config


def start(node: PlannedNode, config: Path) -> None:
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    # own UTS namespace: `show version` and the shell report the router's name
    system.run(
        [
            "ip",
            "netns",
            "exec",
            node.namespace,
            "unshare",
            "--uts",
            "sh",
            "-c",
            f'hostname "$1"; exec {system.SSHD} -f "$2"',
            "sh",
            node.name,
            str(config),
        ]
    )


def pid(directory: Path) -> int | None:
    return system.read_pidfile(directory / "sshd.pid")
