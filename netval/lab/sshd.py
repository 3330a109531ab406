"""One sshd per router namespace, on the management address, landing in vtysh.

Each lab logs in with its own local system account (``nv-<lab id>`` unless NETVAL_USERNAME
names another), created by ``up`` and removed by ``down``, so labs side by side never reset
each other's password. netval marks its accounts (GECOS field) and never touches one it did
not create. The account's login shell only runs a lab router's vtysh wrapper: even if the
machine's own sshd accepts passwords, the account opens no shell.
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
DEFAULT_PASSWORD = "netval"
LAB_SHELL = Path("/run/netval/lab-shell")
_LAB_SHELL_TEXT = """#!/bin/sh
# login shell of netval's lab accounts: they may only run a lab router's vtysh wrapper
if [ "$1" = "-c" ]; then
  case "$2" in
    /run/netval/labs/*/ssh/*/vtysh-login) exec "$2" ;;
  esac
fi
echo "this account only opens a netval lab router's vtysh" >&2
exit 1
"""


def default_username(lab_id: str) -> str:
    return f"nv-{lab_id}"


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    @classmethod
    def from_env(cls, lab_id: str) -> Credentials:
        """NETVAL_USERNAME / NETVAL_PASSWORD override the defaults (nv-<id> / netval)."""
        return cls(
            os.environ.get("NETVAL_USERNAME") or default_username(lab_id),
            os.environ.get("NETVAL_PASSWORD") or DEFAULT_PASSWORD,
        )


def _ours(username: str) -> bool:
    try:
        return pwd.getpwnam(username).pw_gecos.split(",")[0] == USER_MARK
    except KeyError:
        return False


def ensure_user(creds: Credentials) -> None:
    if creds.username == "root" or not creds.username.replace("-", "").isalnum():
        raise InputError(
            f"NETVAL_USERNAME={creds.username!r} cannot be the lab's login user",
            hint="use an unprivileged name such as 'netval'",
        )
    LAB_SHELL.parent.mkdir(parents=True, exist_ok=True)
    LAB_SHELL.write_text(_LAB_SHELL_TEXT)
    LAB_SHELL.chmod(0o755)
    try:
        pwd.getpwnam(creds.username)
    except KeyError:
        system.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                # home "/": a missing home makes sshd print a warning into every session
                "--home-dir",
                "/",
                "--shell",
                str(LAB_SHELL),
                "--comment",
                USER_MARK,
                "--groups",
                "frrvty,frr",
                creds.username,
            ]
        )
    else:
        if not _ours(creds.username):
            raise EnvironmentProblem(
                f"user {creds.username!r} exists and was not created by netval; the lab will "
                "not change its password",
                hint="set NETVAL_USERNAME to another name (netval creates that user)",
            )
        system.run(
            [
                "usermod",
                "--append",
                "--groups",
                "frrvty,frr",
                "--home",
                "/",
                "--shell",
                str(LAB_SHELL),
                creds.username,
            ]
        )
    system.run(["chpasswd"], stdin=f"{creds.username}:{creds.password}\n")


def remove_user(username: str, still_used: bool) -> None:
    """Delete a lab account netval created, unless another running lab logs in with it."""
    if username and _ours(username) and not still_used:
        system.run(["userdel", username], check=False)


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
