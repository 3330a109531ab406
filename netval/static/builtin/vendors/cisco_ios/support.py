"""Cisco IOS in the registry."""

from __future__ import annotations

from netval.static.builtin.model import DeviceModel, Vendor
from netval.static.builtin.vendors.cisco_ios.parse import parse_device
from netval.static.builtin.vendors.cisco_ios.profile import profile
from netval.static.builtin.vendors.common.support import Source, VendorSupport, hostname


def _parse(src: Source) -> DeviceModel:
    return parse_device(src.text, src.filename, hostname(src))


SUPPORT = VendorSupport("Cisco IOS", (Vendor.CISCO_IOS,), _parse, profile)
