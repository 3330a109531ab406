"""The vendors the built-in engine parses: one line each. Detection, loading and the data
plane's profiles all go through here, so adding a vendor is one folder plus one line."""

from __future__ import annotations

from netval.static.builtin.model import DeviceModel
from netval.static.builtin.vendors.arista_eos.support import SUPPORT as ARISTA_EOS
from netval.static.builtin.vendors.cisco_ios.support import SUPPORT as CISCO_IOS
from netval.static.builtin.vendors.common.profile import HOST_PROFILE, Profile
from netval.static.builtin.vendors.common.support import VendorSupport
from netval.static.builtin.vendors.frr.support import SUPPORT as FRR
from netval.vendor_format import ConfigFormat
from netval.vendor_format import detect as batfish_detect

VENDORS: tuple[VendorSupport, ...] = (FRR, ARISTA_EOS, CISCO_IOS)

_BY_FORMAT = {fmt: v for v in VENDORS for fmt in v.formats}


def detect(text: str) -> ConfigFormat:
    """The file's format: a vendor's own claim first, then Batfish's detector chain."""
    for vendor in VENDORS:
        if vendor.claims is not None and vendor.claims(text):
            return vendor.formats[-1]
    return batfish_detect(text)


def for_format(fmt: ConfigFormat) -> VendorSupport | None:
    return _BY_FORMAT.get(fmt)


def supported() -> str:
    """The parsed vendors, for messages: "FRR/Cumulus, Arista EOS and Cisco IOS"."""
    names = [v.name for v in VENDORS]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def profile_for(dev: DeviceModel | None) -> Profile:
    """The data plane's profile of a parsed device (None: an end host)."""
    if dev is None:
        return HOST_PROFILE
    vendor = _BY_FORMAT.get(dev.vendor)
    return vendor.profile(dev) if vendor is not None else HOST_PROFILE
