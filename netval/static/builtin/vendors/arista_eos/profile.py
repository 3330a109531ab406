"""Arista EOS defaults as Batfish models them: one maximum-paths for eBGP and iBGP, local
routes without weight."""

from __future__ import annotations

from netval.static.builtin.model import DeviceModel
from netval.static.builtin.vendors.common.profile import Profile

EOS_PROFILE = Profile(ibgp_max_follows_ebgp=True, local_weight=0)


def profile(dev: DeviceModel) -> Profile:
    return EOS_PROFILE
