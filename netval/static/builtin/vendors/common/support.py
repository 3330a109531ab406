"""What a vendor folder gives the registry: the formats it parses, its parser and its profile."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from netval.snapshot import DeviceConfig
from netval.static.builtin.model import DeviceModel, Vendor
from netval.static.builtin.vendors.common.profile import Profile


@dataclass(frozen=True)
class Source:
    """One config file as a vendor parser receives it."""

    path: Path
    filename: str  # relative to the snapshot root, as Batfish prints it
    text: str
    config: DeviceConfig  # netval.snapshot's reading: hostname, FRR part, interfaces part


@dataclass(frozen=True)
class VendorSupport:
    name: str  # in messages: "Cisco IOS"
    formats: tuple[Vendor, ...]  # the detector's names for the files this vendor parses
    parse: Callable[[Source], DeviceModel]
    profile: Callable[[DeviceModel], Profile]
    # text this vendor reads whatever Batfish's detector would call it (a bare frr.conf)
    claims: Callable[[str], bool] | None = None


_HOSTNAME = re.compile(r"^hostname\s+(\S+)", re.M)


def hostname(src: Source) -> str:
    """The ``hostname`` line's name, else the file's, lower-cased as Batfish names nodes."""
    m = _HOSTNAME.search(src.text)
    return (m.group(1).strip('"') if m else src.path.name).lower()
