"""Load a snapshot into parsed device models, one file at a time.

A file the engine cannot parse (unknown vendor, broken Cumulus layout, binary) fails on its
own with a reason; every other file still loads. Parsers never raise: an exception inside a
parser is caught here and turns that file into FAILED with the error as the reason, so one
odd line can never take the whole snapshot down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from netval.errors import InputError
from netval.snapshot import (
    ConfigFormat,
    DeviceConfig,
    Edge,
    HostSpec,
    Snapshot,
    detect_format,
    load_snapshot,
    read_device,
)
from netval.static.builtin.model import DeviceModel, ParseStatus
from netval.static.builtin.parse_eos import parse_device as parse_eos_device
from netval.static.builtin.parse_frr import parse_device as parse_frr_device
from netval.static.builtin.parse_ios import parse_device as parse_ios_device
from netval.vendor_format import detect

SUPPORTED = ("CUMULUS_CONCATENATED", "FRR", "ARISTA", "CISCO_IOS")


@dataclass
class FileResult:
    filename: str  # relative to the snapshot root, as Batfish prints it
    status: ParseStatus
    format: str
    nodes: list[str] = field(default_factory=list)
    reason: str | None = None


@dataclass
class Loaded:
    root: Path
    devices: dict[str, DeviceModel]
    files: list[FileResult]
    edges: list[Edge]
    hosts: dict[str, HostSpec] = field(default_factory=dict)


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
    for path in _config_files(root):
        rel = path.relative_to(root).as_posix()
        result, dev = _load_file(path, rel, by_path.get(path.resolve()))
        if dev is not None:
            if dev.hostname in devices:
                result.status = ParseStatus.FAILED
                result.reason = (
                    f"hostname {dev.hostname!r} is also used by {devices[dev.hostname].filename}"
                )
                result.nodes = []
            else:
                devices[dev.hostname] = dev
        files.append(result)
    # a snapshot netval.snapshot refuses still computes, without links and hosts
    return Loaded(root, devices, files, snap.edges if snap else [], snap.hosts if snap else {})


def _load_file(
    path: Path, rel: str, cfg: DeviceConfig | None
) -> tuple[FileResult, DeviceModel | None]:
    try:
        text = path.read_text()
    except (UnicodeDecodeError, OSError) as exc:
        return FileResult(
            rel, ParseStatus.FAILED, "UNKNOWN", reason=f"not a text file: {exc}"
        ), None
    # a bare frr.conf (what `show running-config` prints) is FRR, as for the lab; Batfish's
    # detector would call it Cisco IOS and parse it with the wrong grammar
    fmt = "FRR" if detect_format(text) is ConfigFormat.FRR else detect(text)
    if fmt == "EMPTY":
        return FileResult(rel, ParseStatus.EMPTY, fmt), None
    if fmt not in SUPPORTED:
        return (
            FileResult(
                rel,
                ParseStatus.FAILED,
                fmt,
                reason=f"the built-in engine does not parse {fmt} configurations "
                "(it parses FRR/Cumulus, Arista EOS and Cisco IOS); use the Batfish engine",
            ),
            None,
        )
    try:
        dev = _parse(path, rel, text, fmt, cfg)
    except InputError as exc:
        return FileResult(rel, ParseStatus.FAILED, fmt, reason=exc.message), None
    except Exception as exc:
        return (
            FileResult(
                rel, ParseStatus.FAILED, fmt, reason=f"parser error: {type(exc).__name__}: {exc}"
            ),
            None,
        )
    return FileResult(rel, dev.status, fmt, nodes=[dev.hostname], reason=dev.failure), dev


def _parse(path: Path, rel: str, text: str, fmt: str, cfg: DeviceConfig | None) -> DeviceModel:
    cfg = cfg if cfg is not None else read_device(path)
    if cfg.unsafe:
        # such a value is refused by the lab and could reach a shell; never a parsed device
        raise InputError(
            "; ".join(f"line {i.line}: {i.text!r}: {i.reason}" for i in cfg.unsafe[:5])
        )
    if fmt in ("CUMULUS_CONCATENATED", "FRR"):
        return parse_frr_device(cfg, rel)
    m = re.search(r"^hostname\s+(\S+)", text, re.M)
    hostname = (m.group(1).strip('"') if m else path.name).lower()
    if fmt == "ARISTA":
        return parse_eos_device(text, rel, hostname)
    return parse_ios_device(text, rel, hostname)
