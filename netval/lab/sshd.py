"""One sshd per router, in the router's management namespace, landing in its vtysh.

Each lab logs in with its own local system account (``nv-<lab id>`` unless NETVAL_USERNAME
names another), created by ``up`` and removed by ``down``. netval marks its accounts (GECOS
field) and never touches one it did not create.

What the account can reach:

- It has no password (``*``): nothing but a lab sshd accepts it, and a lab sshd only accepts
  the lab's own key pair (private key root-only in the lab directory, named by the lab's
  inventory; the public key in a root-owned authorized-keys file the lab sshds read).
- Its login shell runs nothing but the vtysh wrapper at one exact path, which exists only
  inside a router's jail.
- Each sshd chroots a login into a root-owned jail: a read-only view of /usr, the router's
  own FRR runtime directory and a few files; no host file, no other router. The bind mounts
  live in a private mount namespace of that sshd and vanish with it.
- Its primary group is the lab's own; the lab's FRR runtime directories belong to it, so
  even outside a jail one lab's account cannot open another lab's vty sockets.
- The lab sshds deny every kind of forwarding, tunnels, agent and user environment.
"""

from __future__ import annotations

import grp
import os
import pwd
import shlex
from dataclasses import dataclass
from pathlib import Path

from netval.errors import EnvironmentProblem, InputError
from netval.lab import naming, system
from netval.lab.plan import PlannedNode

USER_MARK = "netval lab user"
KEY_NAME = "id_ed25519"
LAB_SHELL = Path("/run/netval/lab-shell")
# the wrapper's path inside a jail; nothing exists at this path outside the jails
VTYSH_LOGIN = "/run/netval/vtysh-login"
# the vty sockets are group frrvty; the runtime directory holding them is the lab's group
VTY_GROUP = "frrvty"
_LAB_SHELL_TEXT = f"""#!/bin/sh
# login shell of netval's lab accounts: it runs one exact program, a lab router's vtysh wrapper
if [ "$#" -eq 2 ] && [ "$1" = "-c" ] && [ "$2" = "{VTYSH_LOGIN}" ]; then
  exec {VTYSH_LOGIN}
fi
echo "this account only opens a netval lab router's vtysh" >&2
exit 1
"""
# top-level names that are (on merged-/usr systems) symlinks into /usr
_USR_LINKS = ("bin", "lib", "lib32", "lib64", "libx32", "sbin")
# vtysh authenticates through PAM service "frr"; in the jail it lets the account in
_JAIL_PAM = "auth sufficient pam_permit.so\naccount required pam_permit.so\n"


def default_username(lab_id: str) -> str:
    return f"nv-{lab_id}"


@dataclass(frozen=True)
class Credentials:
    """The lab's login: an account and the private key the lab's inventory names."""

    username: str
    key: Path

    @classmethod
    def for_lab(cls, lab_id: str, ssh_dir: Path) -> Credentials:
        """NETVAL_USERNAME overrides the account name (default nv-<id>)."""
        return cls(
            os.environ.get("NETVAL_USERNAME") or default_username(lab_id),
            ssh_dir / KEY_NAME,
        )


def _ours(username: str) -> bool:
    try:
        return pwd.getpwnam(username).pw_gecos.split(",")[0] == USER_MARK
    except KeyError:
        return False


def check_username(username: str) -> None:
    if username == "root" or not username.replace("-", "").isalnum():
        raise InputError(
            f"NETVAL_USERNAME={username!r} cannot be the lab's login user",
            hint="use an unprivileged name such as 'netval'",
        )


def ensure_user(username: str) -> int:
    """Create (or update) the lab's account; return its primary group, the lab's group."""
    check_username(username)
    LAB_SHELL.parent.mkdir(parents=True, exist_ok=True)
    LAB_SHELL.parent.chmod(0o755)
    LAB_SHELL.write_text(_LAB_SHELL_TEXT)
    LAB_SHELL.chmod(0o755)
    try:
        pwd.getpwnam(username)
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
                "--user-group",
                "--groups",
                VTY_GROUP,
                # '*' matches no password and, unlike '!', sshd does not treat it as locked
                "--password",
                "*",
                username,
            ]
        )
    else:
        if not _ours(username):
            raise EnvironmentProblem(
                f"user {username!r} exists and was not created by netval; the lab will "
                "not take it over",
                hint="set NETVAL_USERNAME to another name (netval creates that user)",
            )
        system.run(
            [
                "usermod",
                # replaces the supplementary groups: no frr group from older netval versions
                "--groups",
                VTY_GROUP,
                "--home",
                "/",
                "--shell",
                str(LAB_SHELL),
                "--password",
                "*",
                username,
            ]
        )
    gid = pwd.getpwnam(username).pw_gid
    if grp.getgrgid(gid).gr_name != username:
        # the lab's FRR runtime dirs belong to this group: it must be the account's own
        raise EnvironmentProblem(
            f"lab user {username!r} has the shared primary group "
            f"{grp.getgrgid(gid).gr_name!r}, not its own",
            hint=f"remove the account (userdel {username}) and run `lab up` again",
        )
    return gid


def remove_user(username: str, still_used: bool) -> None:
    """Delete a lab account netval created, unless another running lab logs in with it."""
    if username and _ours(username) and not still_used:
        system.run(["userdel", username], check=False)


def make_host_key(directory: Path) -> Path:
    key = directory / "ssh_host_ed25519_key"
    if not key.exists():
        system.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)])
    return key


def make_login_key(creds: Credentials, lab_id: str) -> Path:
    """The lab's login key pair; return the authorized-keys file the lab sshds read."""
    if not creds.key.exists():
        system.run(
            [
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                f"netval lab {lab_id}",
                "-f",
                str(creds.key),
            ]
        )
    creds.key.chmod(0o600)
    public = creds.key.with_suffix(".pub").read_text().strip()
    authorized = creds.key.parent / "authorized_keys"
    # 'restrict' turns off forwarding, agent, X11 and rc for this key whatever sshd allows;
    # 'pty' gives back the terminal an interactive vtysh needs
    authorized.write_text(f"restrict,pty {public}\n")
    authorized.chmod(0o644)
    return authorized


def _jail(node: PlannedNode, jail: Path, username: str, gid: int) -> list[str]:
    """Build the root-owned jail tree; return the bind mounts (source, target) as lines."""
    ps = node.namespace
    runtime = f"var/run/frr/{ps}"
    for sub in ("usr", "etc/pam.d", f"etc/frr/{ps}", runtime, "run/netval", "dev/pts"):
        (jail / sub).mkdir(parents=True, exist_ok=True)
    mounts = [("/usr", "usr"), (f"/var/run/frr/{ps}", runtime)]
    for name in _USR_LINKS:
        host = Path("/") / name
        if host.is_symlink():
            link = jail / name
            if not link.is_symlink():
                link.symlink_to(os.readlink(host))
        elif host.is_dir():
            (jail / name).mkdir(exist_ok=True)
            mounts.append((str(host), name))
    for dev in ("null", "tty"):
        (jail / "dev" / dev).touch()
        mounts.append((f"/dev/{dev}", f"dev/{dev}"))
    mounts.append(("/dev/pts", "dev/pts"))
    user = pwd.getpwnam(username)
    group = grp.getgrgid(gid).gr_name
    (jail / "etc/passwd").write_text(
        f"root:x:0:0:root:/root:/bin/sh\n"
        f"{username}:x:{user.pw_uid}:{gid}:{USER_MARK}:/:{LAB_SHELL}\n"
    )
    (jail / "etc/group").write_text(f"root:x:0:\n{group}:x:{gid}:\n")
    (jail / "etc/pam.d/frr").write_text(_JAIL_PAM)
    # vtysh reads only vtysh.conf from the config dir; the router's frr.conf stays outside
    (jail / f"etc/frr/{ps}/vtysh.conf").write_text("service integrated-vtysh-config\n")
    (jail / LAB_SHELL.relative_to("/")).write_text(_LAB_SHELL_TEXT)
    (jail / VTYSH_LOGIN.lstrip("/")).write_text(
        "#!/bin/sh\n"
        "# ForceCommand: a login lands in the router's vtysh, like a router's CLI;\n"
        "# a pager could open files or run commands, so output goes through cat\n"
        "export VTYSH_PAGER=/bin/cat PAGER=/bin/cat LESSSECURE=1\n"
        'if [ -n "$SSH_ORIGINAL_COMMAND" ]; then\n'
        f'  exec /usr/bin/vtysh -N {shlex.quote(ps)} -c "$SSH_ORIGINAL_COMMAND"\n'
        "fi\n"
        f"exec /usr/bin/vtysh -N {shlex.quote(ps)}\n"
    )
    for path in [jail, *jail.rglob("*")]:
        if path.is_symlink():
            continue
        os.chown(path, 0, 0)
        path.chmod(0o755 if path.is_dir() or path.parent.name == "netval" else 0o644)
    q = shlex.quote
    lines = []
    for source, target in mounts:
        lines.append(f"mount --bind {q(source)} {q(str(jail / target))}")
        if not target.startswith("dev/") and not target.startswith("var/"):
            lines.append(f"mount -o remount,bind,ro {q(str(jail / target))}")
    return lines


def write_config(
    node: PlannedNode,
    directory: Path,
    host_key: Path,
    authorized_keys: Path,
    username: str,
    gid: int,
) -> Path:
    """The router's sshd config, jail and start script; return the start script."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)
    jail = directory / "jail"
    mounts = _jail(node, jail, username, gid)
    config = directory / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"ListenAddress {node.mgmt_ip}",
                "Port 22",
                f"HostKey {host_key}",
                f"PidFile {directory / 'sshd.pid'}",
                "AuthenticationMethods publickey",
                "PubkeyAuthentication yes",
                f"AuthorizedKeysFile {authorized_keys}",
                "AuthorizedPrincipalsFile none",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "HostbasedAuthentication no",
                "UsePAM no",
                "PermitRootLogin no",
                f"AllowUsers {username}",
                f"ChrootDirectory {jail}",
                f"ForceCommand {VTYSH_LOGIN}",
                "DisableForwarding yes",
                "AllowTcpForwarding no",
                "AllowStreamLocalForwarding no",
                "AllowAgentForwarding no",
                "X11Forwarding no",
                "PermitTunnel no",
                "GatewayPorts no",
                "PermitUserEnvironment no",
                "PermitUserRC no",
                "PrintMotd no",
                "PrintLastLog no",
                "MaxStartups 100:30:200",
                # the post-quantum default (sntrup761) costs ~70 ms of CPU per login on each
                # side; a lab of 50 routers logs in 50 times per check run
                "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org",
                "LoginGraceTime 30",
                "",
            ]
        )
    )
    script = directory / "start"
    script.write_text(
        "#!/bin/sh\n"
        "# runs in the router's management namespace under `unshare --mount --uts`: the jail's\n"
        "# bind mounts stay private to this sshd and vanish with it\n"
        "set -e\n"
        + "".join(f"{line}\n" for line in mounts)
        + f"hostname {shlex.quote(node.name)}\n"
        + f"exec {system.SSHD} -f {shlex.quote(str(config))}\n"
    )
    script.chmod(0o700)
    return script


def start(mgmt_namespace: str, directory: Path) -> None:
    """Start the sshd whose config and jail ``write_config`` put in ``directory``."""
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    system.run(
        [
            "ip",
            "netns",
            "exec",
            mgmt_namespace,
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "--uts",
            "sh",
            str(directory / "start"),
        ]
    )


def mgmt_script(node: PlannedNode) -> str:
    """Address and links of the router's management namespace."""
    mgmt = shlex.quote(naming.mgmt_namespace(node.namespace))
    return (
        f"ip -n {mgmt} link set lo up\n"
        f"ip -n {mgmt} addr add {node.mgmt_ip}/31 dev {naming.MGMT_IFNAME}\n"
        f"ip -n {mgmt} link set {naming.MGMT_IFNAME} up\n"
    )


def pid(directory: Path) -> int | None:
    return system.read_pidfile(directory / "sshd.pid")
