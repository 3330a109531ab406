"""Load a snapshot into parsed device models, one file at a time.

A file the engine cannot parse fails on its own with a reason; every other file still loads:
a binary or non-UTF-8 file is FAILED, a vendor the engine does not parse is UNSUPPORTED
(naming the vendor), an undetectable format UNKNOWN. A parser that crashes on a line (a
bug) turns its file into FAILED naming that line, so one odd line can never take the whole
snapshot down. The devices of such files stay known by name with the reason, so a check on
them is an error that says why instead of a device that silently is not there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from netval.errors import InputError
from netval.snapshot import (
    DeviceConfig,
    Edge,
    HostSpec,
    Snapshot,
    load_snapshot,
    read_device,
)
from netval.static.builtin.model import DeviceModel, ParserCrash, ParseStatus
from netval.static.builtin.vendors import registry
from netval.static.builtin.vendors.common.support import Source, VendorSupport
from netval.vendor_format import ConfigFormat


@dataclass
class FileResult:
    filename: str  # relative to the snapshot root, as Batfish prints it
    status: ParseStatus
    format: ConfigFormat
    nodes: list[str] = field(default_factory=list)
    reason: str | None = None
    lines: list[int] = field(default_factory=list)  # where the parse failed, when known


@dataclass
class Loaded:
    root: Path
    devices: dict[str, DeviceModel]
    files: list[FileResult]
    edges: list[Edge]
    hosts: dict[str, HostSpec] = field(default_factory=dict)
    # device name -> why its file gave no model (unsupported vendor, failed, empty)
    unparsed: dict[str, str] = field(default_factory=dict)


def _config_files(root: Path) -> list[Path]:
    configs = root / "configs"
    if not configs.is_dir():
        raise InputError(
            f"snapshot {root} has no configs/ folder",
            hint=f"put one file per device in {configs}/ (Batfish's snapshot layout)",
        )
    return sorted(
        p
        for p in configs.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(configs).parts)
    )


def load(root_path: Path | str) -> Loaded:
    root = Path(root_path)
    if not root.is_dir():
        raise InputError(
            f"snapshot {root} is not a directory",
            hint="pass a snapshot folder such as snapshots/base (it holds configs/)",
        )
    # netval.snapshot reads the whole snapshot or refuses it; the engine prefers its reading
    # (same hostnames, same interfaces part) and falls back to per-file reading otherwise.
    snap: Snapshot | None
    try:
        snap = load_snapshot(root)
    except InputError:
        snap = None
    by_path: dict[Path, DeviceConfig] = {}
    if snap is not None:
        by_path = {d.path.resolve(): d for d in snap.devices.values()}
    devices: dict[str, DeviceModel] = {}
    files: list[FileResult] = []
    unparsed: dict[str, str] = {}
    for path in _config_files(root):
        rel = path.relative_to(root).as_posix()
        result, dev = _load_file(path, rel, by_path.get(path.resolve()))
        if dev is None:
            unparsed.setdefault(_device_name(path, by_path.get(path.resolve())), _why(result))
        elif dev.hostname in devices:
            result.status = ParseStatus.FAILED
            result.reason = (
                f"hostname {dev.hostname!r} is also used by {devices[dev.hostname].filename}"
            )
            result.nodes = []
        else:
            devices[dev.hostname] = dev
        files.append(result)
    for name in devices:
        unparsed.pop(name, None)
    # a snapshot netval.snapshot refuses still computes, without links and hosts
    return Loaded(
        root, devices, files, snap.edges if snap else [], snap.hosts if snap else {}, unparsed
    )


_HOSTNAME = re.compile(r'^\s*(?:hostname|set system host-name|host-name)\s+"?([^\s";]+)', re.M)


def _device_name(path: Path, cfg: DeviceConfig | None) -> str:
    """The device a file stands for: its hostname when one can be read, else its file name."""
    if cfg is not None:
        return cfg.name
    try:
        m = _HOSTNAME.search(path.read_bytes().decode("utf-8", "replace"))
    except OSError:
        m = None
    return (m.group(1) if m else path.name).lower()


def _why(result: FileResult) -> str:
    if result.status is ParseStatus.EMPTY:
        return f"{result.filename} is empty: the device would boot with no configuration"
    return f"{result.filename} was not parsed ({result.status.value}): {result.reason}"


def _load_file(
    path: Path, rel: str, cfg: DeviceConfig | None
) -> tuple[FileResult, DeviceModel | None]:
    problem, text = _text(path)
    if problem is not None:
        return FileResult(rel, ParseStatus.FAILED, ConfigFormat.UNKNOWN, reason=problem), None
    fmt = registry.detect(text)
    if fmt is ConfigFormat.EMPTY:
        return FileResult(rel, ParseStatus.EMPTY, fmt), None
    if fmt is ConfigFormat.UNKNOWN:
        reason = (
            f"the format of {rel} could not be detected (not {registry.supported()} text); "
            "the built-in engine does not parse it"
        )
        return FileResult(rel, ParseStatus.UNKNOWN, fmt, reason=reason), None
    vendor = registry.for_format(fmt)
    if vendor is None:
        reason = (
            f"{rel} is a {fmt} configuration, which the built-in engine does not support "
            f"(it parses {registry.supported()}); use the Batfish engine"
        )
        return FileResult(rel, ParseStatus.UNSUPPORTED, fmt, reason=reason), None
    try:
        dev = _parse(vendor, path, rel, text, cfg)
    except InputError as exc:
        return FileResult(rel, ParseStatus.FAILED, fmt, reason=exc.message), None
    except ParserCrash as exc:
        where = f"{rel}:{exc.line}" if exc.line is not None else rel
        reason = (
            f"{where}: the built-in {fmt} parser failed on {exc.text.strip()!r} ({exc}); "
            "the file is not parsed. This is a bug in netval: please report it with the line"
        )
        lines = [exc.line] if exc.line is not None else []
        return FileResult(rel, ParseStatus.FAILED, fmt, reason=reason, lines=lines), None
    except Exception as exc:
        reason = (
            f"{rel}: the built-in {fmt} parser failed ({type(exc).__name__}: {exc}); "
            "the file is not parsed. This is a bug in netval: please report it"
        )
        return FileResult(rel, ParseStatus.FAILED, fmt, reason=reason), None
    return FileResult(rel, dev.status, fmt, nodes=[dev.hostname], reason=dev.failure), dev


def _text(path: Path) -> tuple[str | None, str]:
    """(problem, text): a file that is not UTF-8 text is reported with where it stops being
    text, so the user can tell a stray binary from a wrongly encoded config."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}", ""
    head = data[:4096]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"\0" in head:
            return "a binary file (NUL bytes, not UTF-8), not a configuration", ""
        line = data.count(b"\n", 0, exc.start) + 1
        return (
            f"line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save the file as UTF-8",
            "",
        )
    if controls * 10 > len(head) * 3:
        # a stray control byte in a config is a finding on its line; this many is no text
        return f"a binary file ({controls} control bytes in its first {len(head)})", ""
    return None, text


def _parse(
    vendor: VendorSupport, path: Path, rel: str, text: str, cfg: DeviceConfig | None
) -> DeviceModel:
    cfg = cfg if cfg is not None else read_device(path)
    if cfg.unsafe:
        # such a value is refused by the lab and could reach a shell; never a parsed device
        raise InputError(
            "; ".join(f"line {i.line}: {i.text!r}: {i.reason}" for i in cfg.unsafe[:5])
        )
    return vendor.parse(Source(path, rel, text, cfg))
