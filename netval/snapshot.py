"""Read a snapshot in Batfish's layout.

``SNAPSHOT/configs/<device>``: one file per device. FRR devices use Batfish's
Cumulus-concatenated format (hostname line, ``# This file describes the network
interfaces`` with ifupdown2 stanzas, ``# ports.conf --``, then the frr.conf text). A bare
frr.conf (starting with ``frr version``) is accepted too.

``SNAPSHOT/batfish/layer1_topology.json`` (or ``SNAPSHOT/layer1_topology.json``): links.
``SNAPSHOT/hosts/*.json``: end hosts in Batfish's host format.

Everything here is pure file reading; errors name the file and line.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path

from netval.errors import InputError
from netval.safe_names import (
    address_problem,
    frr_profile_problem,
    hostname_problem,
    interface_problem,
)
from netval.userfiles import load_json, read_text
from netval.vendor_format import FRR_START as _FRR_START
from netval.vendor_format import ConfigFormat, detect

__all__ = ["ConfigFormat", "detect_format", "load_snapshot", "read_device"]

INTERFACES_MARKER = "# This file describes the network interfaces"
PORTS_MARKER = "# ports.conf --"


@dataclass
class IfaceStanza:
    """One ``iface`` stanza of the interfaces part."""

    name: str
    line: int
    addresses: list[str] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class LineIssue:
    """A line the reader could not use: kept, never fatal (the parse check reports it)."""

    line: int
    text: str
    reason: str


@dataclass
class VrrpSpec:
    interface: str
    vrid: int
    vips: list[str] = field(default_factory=list)
    priority: int | None = None
    line: int = 0


@dataclass
class DeviceConfig:
    """One device file of a snapshot, split into its parts."""

    name: str
    path: Path
    format: ConfigFormat
    text: str
    interfaces: dict[str, IfaceStanza] = field(default_factory=dict)
    frr_text: str = ""
    frr_first_line: int = 0
    frr_interface_addresses: dict[str, list[str]] = field(default_factory=dict)
    vrrp: list[VrrpSpec] = field(default_factory=list)
    issues: list[LineIssue] = field(default_factory=list)
    #: values that fail netval's grammar for names and profiles (safe_names): never booted,
    #: and a parse error in the static gate whatever the engine
    unsafe: list[LineIssue] = field(default_factory=list)

    @property
    def bootable(self) -> bool:
        return self.format in (ConfigFormat.CUMULUS_CONCATENATED, ConfigFormat.FRR)

    def interface_names(self) -> list[str]:
        names = list(self.interfaces)
        for name in self.frr_interface_addresses:
            if name not in names:
                names.append(name)
        return names

    def addresses(self, interface: str) -> list[str]:
        """Addresses from the interfaces part and the FRR part, in that order, deduplicated."""
        out: list[str] = []
        stanza = self.interfaces.get(interface)
        for addr in (stanza.addresses if stanza else []) + self.frr_interface_addresses.get(
            interface, []
        ):
            if addr not in out:
                out.append(addr)
        return out


@dataclass(frozen=True)
class Endpoint:
    hostname: str
    interface: str

    def __str__(self) -> str:
        return f"{self.hostname}:{self.interface}"


@dataclass(frozen=True)
class Edge:
    a: Endpoint
    b: Endpoint


@dataclass
class HostInterfaceSpec:
    name: str
    prefix: str
    gateway: str | None = None


@dataclass
class HostSpec:
    """An end host from ``hosts/<name>.json`` (Batfish's host format)."""

    name: str
    path: Path
    interfaces: dict[str, HostInterfaceSpec] = field(default_factory=dict)
    unsafe: list[LineIssue] = field(default_factory=list)


@dataclass
class Snapshot:
    path: Path
    devices: dict[str, DeviceConfig]
    hosts: dict[str, HostSpec]
    edges: list[Edge]
    topology_path: Path | None

    @property
    def name(self) -> str:
        return self.path.name

    def node_names(self) -> list[str]:
        return sorted([*self.devices, *self.hosts])

    def unsafe_values(self) -> list[str]:
        """Every value failing netval's name grammar, as 'file:line: text: reason'."""
        out: list[str] = []
        found: list[tuple[Path, list[LineIssue]]] = [
            *((d.path, d.unsafe) for d in self.devices.values()),
            *((h.path, h.unsafe) for h in self.hosts.values()),
        ]
        for path, issues in found:
            for issue in issues:
                where = f"{path}:{issue.line}" if issue.line else str(path)
                out.append(f"{where}: {issue.text!r}: {issue.reason}")
        return out


# the formats the snapshot reader reads (the lab boots the FRR ones)
_READ_FORMATS = (
    ConfigFormat.CUMULUS_CONCATENATED,
    ConfigFormat.FRR,
    ConfigFormat.ARISTA,
    ConfigFormat.CISCO_IOS,
)


def detect_format(text: str) -> ConfigFormat:
    """The file's vendor format, decided with Batfish's own detection chain (UNKNOWN for the
    formats the snapshot reader does not read)."""
    if INTERFACES_MARKER in text:
        return ConfigFormat.CUMULUS_CONCATENATED
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip() and not ln.startswith("!")), "")
    if _FRR_START.match(first):
        return ConfigFormat.FRR
    fmt = detect(text)
    return fmt if fmt in _READ_FORMATS else ConfigFormat.UNKNOWN


def _usable_address(
    device: DeviceConfig, lineno: int, line: str, value: str, reason: str, *, interface: bool = True
) -> bool:
    """Whether ``value`` is an address the lab may use; a value that is no address is a line
    finding, one that smuggles other text in (an IPv6 scope id) an unsafe value."""
    problem = address_problem(value, interface=interface)
    if problem is None:
        return True
    if "%" in value:
        device.unsafe.append(LineIssue(lineno, line, problem))
    else:
        device.issues.append(LineIssue(lineno, line, reason))
    return False


_VRRP = re.compile(r"^\s*vrrp (\d+)(?: (.*))?$")


def _small(word: str) -> bool:
    """A number of at most three digits (``isdigit`` also takes "²", which ``int`` refuses)."""
    return word.isascii() and word.isdigit() and len(word) <= 3


def _parse_frr_part(device: DeviceConfig, text: str, first_line: int) -> None:
    """Pick out what the lab needs from frr.conf: interface addresses and VRRP groups."""
    current_iface: str | None = None
    groups: dict[tuple[str, int], VrrpSpec] = {}
    for offset, raw in enumerate(text.splitlines()):
        lineno = first_line + offset
        line = raw.rstrip()
        if not line or line.lstrip().startswith("!"):
            if line.strip() == "!" and not raw.startswith(" "):
                current_iface = None
            continue
        if not raw.startswith(" "):
            current_iface = None
            m = re.match(r"^interface (\S+)(?: vrf \S+)?$", line)
            if m:
                problem = interface_problem(m.group(1))
                if problem:
                    device.unsafe.append(LineIssue(lineno, line, problem))
                    continue
                current_iface = m.group(1)
                device.frr_interface_addresses.setdefault(current_iface, [])
                continue
            m = re.match(r"^frr defaults\s+(.*)$", line)
            if m:
                problem = frr_profile_problem(m.group(1).strip())
                if problem:
                    device.unsafe.append(LineIssue(lineno, line, problem))
            m = re.match(r"^hostname\s+(.*)$", line)
            if m:
                problem = hostname_problem(m.group(1).strip().lower())
                if problem:
                    device.unsafe.append(LineIssue(lineno, line, problem))
            continue
        if current_iface is None:
            continue
        stripped = line.strip()
        m = re.match(r"^ip(?:v6)? address (\S+)", stripped)
        if m:
            addr = m.group(1)
            if not _usable_address(device, lineno, stripped, addr, "not a valid interface address"):
                continue
            device.frr_interface_addresses[current_iface].append(addr)
            continue
        m = _VRRP.match(stripped)
        if m:
            vrid = int(m.group(1)) if _small(m.group(1)) else 0
            if not 1 <= vrid <= 255:
                device.issues.append(LineIssue(lineno, stripped, "VRRP id out of range 1-255"))
                continue
            spec = groups.setdefault(
                (current_iface, vrid), VrrpSpec(interface=current_iface, vrid=vrid, line=lineno)
            )
            rest = (m.group(2) or "").split()
            if len(rest) >= 2 and rest[0] in ("ip", "ipv6"):
                if not _usable_address(
                    device, lineno, stripped, rest[1], "not a valid VRRP address", interface=False
                ):
                    continue
                spec.vips.append(rest[1])
            elif len(rest) >= 2 and rest[0] == "priority" and _small(rest[1]):
                spec.priority = int(rest[1])
    device.vrrp = list(groups.values())


def _parse_interfaces_part(device: DeviceConfig, lines: list[str], first_line: int) -> None:
    current: IfaceStanza | None = None
    for offset, raw in enumerate(lines):
        lineno = first_line + offset
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        if words[0] == "auto":
            current = None
            continue
        if words[0] == "iface":
            if len(words) < 2:
                device.issues.append(LineIssue(lineno, line, "'iface' without an interface name"))
                current = None
                continue
            name = words[1]
            problem = interface_problem(name)
            if problem:
                device.unsafe.append(LineIssue(lineno, line, problem))
                current = None
                continue
            current = device.interfaces.setdefault(name, IfaceStanza(name=name, line=lineno))
            continue
        if current is None:
            device.issues.append(
                LineIssue(lineno, line, "not ifupdown2 syntax: outside any 'iface' stanza")
            )
            continue
        key, values = words[0], words[1:]
        if key == "address":
            for value in values:
                if not _usable_address(device, lineno, line, value, f"{value!r} is not an address"):
                    continue
                if "/" not in value:
                    device.issues.append(
                        LineIssue(lineno, line, f"address {value!r} has no prefix length")
                    )
                    continue
                current.addresses.append(value)
        else:
            current.options.setdefault(key, []).extend(values)


def read_device(path: Path) -> DeviceConfig:
    text = read_text(path, "config file", "remove binary files from the snapshot's configs/ folder")
    fmt = detect_format(text)
    lines = text.splitlines()
    device = DeviceConfig(name=path.name, path=path, format=fmt, text=text)
    if fmt is ConfigFormat.CUMULUS_CONCATENATED:
        hostname = lines[0].strip() if lines else ""
        if hostname == INTERFACES_MARKER:
            # Batfish then takes the FRR part's hostname, or the file name
            m = re.search(r"^hostname (\S+)", text, re.M)
            hostname = m.group(1) if m else path.name
        elif not hostname or hostname.startswith("#") or " " in hostname:
            raise InputError(
                f"{path}:1: the first line must be the device's hostname, found {hostname!r}",
                hint="put the hostname alone on line 1 (Batfish's Cumulus-concatenated format)",
            )
        device.name = hostname.lower()
        try:
            ifaces_at = lines.index(INTERFACES_MARKER)
        except ValueError as exc:
            raise InputError(
                f"{path}: missing the line '{INTERFACES_MARKER}'",
                hint="see Batfish's Cumulus-concatenated format",
            ) from exc
        ports_at = next((i for i, ln in enumerate(lines) if ln.startswith(PORTS_MARKER)), None)
        frr_at = next(
            (i for i, ln in enumerate(lines) if i > ifaces_at and _FRR_START.match(ln)), None
        )
        end_ifaces = min(x for x in (ports_at, frr_at, len(lines)) if x is not None)
        _parse_interfaces_part(device, lines[ifaces_at + 1 : end_ifaces], ifaces_at + 2)
        if frr_at is None:
            raise InputError(
                f"{path}: no FRR part (a line starting with 'frr version') after the interfaces",
                hint="append the device's frr.conf, starting with 'frr version'",
            )
        device.frr_first_line = frr_at + 1
        device.frr_text = "\n".join(lines[frr_at:]) + "\n"
        _parse_frr_part(device, device.frr_text, device.frr_first_line)
    elif fmt is ConfigFormat.FRR:
        device.frr_first_line = 1
        device.frr_text = text
        m = re.search(r"^hostname (\S+)", text, re.M)
        device.name = (m.group(1) if m else path.name).lower()
        _parse_frr_part(device, text, 1)
    else:
        m = re.search(r"^hostname (\S+)", text, re.M)
        if m:
            device.name = m.group(1).lower()
    problem = hostname_problem(device.name)
    if problem:
        device.unsafe.append(LineIssue(_hostname_line(lines, device.name), device.name, problem))
    return device


def _hostname_line(lines: list[str], name: str) -> int:
    """The hostname's line: 1 (Cumulus layout), a hostname line, or 0 (the file name)."""
    if lines and lines[0].strip().lower() == name:
        return 1
    for index, line in enumerate(lines):
        words = line.split()
        if len(words) >= 2 and words[0] == "hostname" and words[1].strip('"').lower() == name:
            return index + 1
    return 0


def _read_topology(path: Path) -> list[Edge]:
    raw = load_json(
        path,
        "topology file",
        'fix the JSON; the format is {"edges": [{"node1": {...}, "node2": {...}}]}',
    )
    if not isinstance(raw, dict) or not isinstance(raw.get("edges"), list):
        raise InputError(
            f"{path}: expected an object with an 'edges' list",
            hint='the format is {"edges": [{"node1": {"hostname", "interfaceName"}, '
            '"node2": {...}}]}',
        )
    edges: list[Edge] = []
    for index, item in enumerate(raw["edges"]):
        ends: list[Endpoint] = []
        for key in ("node1", "node2"):
            end = item.get(key) if isinstance(item, dict) else None
            if (
                not isinstance(end, dict)
                or not isinstance(end.get("hostname"), str)
                or not isinstance(end.get("interfaceName"), str)
            ):
                raise InputError(
                    f"{path}: edges[{index}].{key} needs 'hostname' and 'interfaceName' strings",
                    hint='write each end as {"hostname": "leaf1", "interfaceName": "swp1"}',
                )
            ends.append(Endpoint(end["hostname"].lower(), end["interfaceName"]))
        edges.append(Edge(ends[0], ends[1]))
    return edges


def _read_host(path: Path) -> HostSpec:
    raw = load_json(path, "host file", "fix the JSON")
    name = raw.get("hostname") if isinstance(raw, dict) else None
    if not isinstance(name, str):
        raise InputError(f"{path}: missing 'hostname'", hint='add "hostname": "NAME"')
    host = HostSpec(name=name.lower(), path=path)
    problem = hostname_problem(host.name)
    if problem:
        host.unsafe.append(LineIssue(0, host.name, f"hostname: {problem}"))
    interfaces = raw.get("hostInterfaces") or {}
    if not isinstance(interfaces, dict):
        raise InputError(
            f"{path}: 'hostInterfaces' must be an object of interface name -> settings",
            hint='write {"eth0": {"name": "eth0", "prefix": "10.0.0.10/24"}}',
        )
    for key, spec in interfaces.items():
        if not isinstance(spec, dict) or "prefix" not in spec:
            raise InputError(
                f"{path}: hostInterfaces.{key} needs a 'prefix'",
                hint='write {"name": "eth0", "prefix": "10.0.0.10/24", "gateway": ...}',
            )
        prefix = spec["prefix"]
        # the data plane and Batfish's host model are IPv4; a number is no address here
        if (
            not isinstance(prefix, str)
            or address_problem(prefix, interface=True)
            or ipaddress.ip_interface(prefix).version != 4
        ):
            raise InputError(
                f"{path}: hostInterfaces.{key}.prefix {prefix!r} is not an IPv4 address",
                hint='write it as a string "A.B.C.D/LEN"',
            )
        gateway = spec.get("gateway")
        if gateway is not None and (
            not isinstance(gateway, str)
            or address_problem(gateway, interface=False)
            or ipaddress.ip_address(gateway).version != 4
        ):
            raise InputError(
                f"{path}: hostInterfaces.{key}.gateway {gateway!r} is not an IPv4 address",
                hint='write the gateway as a string "A.B.C.D"',
            )
        name_ = spec.get("name", key)
        if not isinstance(name_, str):
            raise InputError(
                f"{path}: hostInterfaces.{key}.name {name_!r} is not a string",
                hint='write the interface name as a string, e.g. "eth0"',
            )
        problem = interface_problem(name_)
        if problem:
            host.unsafe.append(LineIssue(0, name_, f"hostInterfaces[{key!r}]: {problem}"))
            continue
        host.interfaces[name_] = HostInterfaceSpec(name=name_, prefix=prefix, gateway=gateway)
    return host


def scan_unsafe_values(root: Path) -> list[str]:
    """Every name or profile value of the snapshot failing netval's grammar, file by file.

    Unlike ``load_snapshot`` this never refuses the snapshot: a file netval cannot read is
    left to the engine's parse status, and the other files are still scanned.
    """
    found: list[str] = []
    files = sorted((root / "configs").glob("*")) if (root / "configs").is_dir() else []
    for file in files:
        if not file.is_file() or file.name.startswith("."):
            continue
        try:
            device = read_device(file)
        except InputError:
            continue
        found += [f"{file}:{i.line}: {i.text!r}: {i.reason}" for i in device.unsafe]
    for file in sorted((root / "hosts").glob("*.json")) if (root / "hosts").is_dir() else []:
        try:
            host = _read_host(file)
        except InputError as exc:
            found.append(exc.message)
            continue
        found += [f"{file}: {i.text!r}: {i.reason}" for i in host.unsafe]
    return found


def load_snapshot(path: Path | str) -> Snapshot:
    """Read a snapshot directory; every structural problem is an ``InputError``."""
    root = Path(path)
    if not root.is_dir():
        raise InputError(
            f"snapshot {root} is not a directory",
            hint="pass a snapshot folder such as snapshots/base (it holds configs/)",
        )
    configs = root / "configs"
    if not configs.is_dir():
        raise InputError(
            f"snapshot {root} has no configs/ folder",
            hint=f"put one file per device in {configs}/ (Batfish's snapshot layout)",
        )
    devices: dict[str, DeviceConfig] = {}
    for file in sorted(p for p in configs.iterdir() if p.is_file() and not p.name.startswith(".")):
        device = read_device(file)
        if device.name in devices:
            raise InputError(
                f"{file}: hostname {device.name!r} is also used by {devices[device.name].path}",
                hint="give every device a unique hostname",
            )
        devices[device.name] = device
    if not devices:
        raise InputError(f"{configs} holds no device files", hint="add one config per device")
    hosts: dict[str, HostSpec] = {}
    hosts_dir = root / "hosts"
    if hosts_dir.is_dir():
        for file in sorted(hosts_dir.glob("*.json")):
            host = _read_host(file)
            hosts[host.name] = host
    topo_path = next(
        (
            p
            for p in (root / "batfish" / "layer1_topology.json", root / "layer1_topology.json")
            if p.is_file()
        ),
        None,
    )
    edges = _read_topology(topo_path) if topo_path else []
    return Snapshot(path=root, devices=devices, hosts=hosts, edges=edges, topology_path=topo_path)
