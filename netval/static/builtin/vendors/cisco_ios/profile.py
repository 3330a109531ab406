"""Cisco IOS defaults as Batfish models them."""

from __future__ import annotations

from netval.static.builtin.model import DeviceModel
from netval.static.builtin.vendors.common.profile import Profile

IOS_PROFILE = Profile(ospf_speed_from_name=True)


def profile(dev: DeviceModel) -> Profile:
    return IOS_PROFILE
