"""FRR in the registry: Cumulus-concatenated files and bare frr.conf files."""

from __future__ import annotations

from netval.snapshot import ConfigFormat, detect_format
from netval.static.builtin.model import DeviceModel, Vendor
from netval.static.builtin.vendors.common.support import Source, VendorSupport
from netval.static.builtin.vendors.frr.parse import parse_device
from netval.static.builtin.vendors.frr.profile import profile


def _parse(src: Source) -> DeviceModel:
    return parse_device(src.config, src.filename)


def _bare_frr_conf(text: str) -> bool:
    # what `show running-config` prints; Batfish's detector would call it Cisco IOS
    return detect_format(text) is ConfigFormat.FRR


SUPPORT = VendorSupport(
    "FRR/Cumulus", (Vendor.CUMULUS_CONCATENATED, Vendor.FRR), _parse, profile, _bare_frr_conf
)
