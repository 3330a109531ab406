"""Arista EOS in the registry."""

from __future__ import annotations

from netval.static.builtin.model import DeviceModel, Vendor
from netval.static.builtin.vendors.arista_eos.parse import parse_device
from netval.static.builtin.vendors.arista_eos.profile import profile
from netval.static.builtin.vendors.common.support import Source, VendorSupport, hostname


def _parse(src: Source) -> DeviceModel:
    return parse_device(src.text, src.filename, hostname(src))


SUPPORT = VendorSupport("Arista EOS", (Vendor.ARISTA,), _parse, profile)
