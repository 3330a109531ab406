"""FRR's defaults, checked in the FRR 8.4 lab: a blackhole aggregate is installed at 200, OSPF
loopbacks cost 0, and a port whose speed the kernel does not report (veth, as in the lab)
costs 10 at the default 100 Mbit/s reference bandwidth, because FRR then assumes 10 Mbit/s."""

from __future__ import annotations

from dataclasses import replace

from netval.static.builtin.model import DeviceModel
from netval.static.builtin.vendors.common.profile import Profile

# FRR's compiled-in multipath limit on Debian/Ubuntu builds: the default for maximum-paths.
FRR_MULTIPATH = 64

FRR_PROFILE = Profile(
    ebgp_max_paths=FRR_MULTIPATH,
    ibgp_max_paths=FRR_MULTIPATH,
    send_community=True,
    network_med_from_igp=False,
    resolve_via_default=False,
    ospf_default_mbps=10,
    ospf_loopback_cost=0,
    ospf_network_must_cover_subnet=True,
    ebgp_requires_policy=True,
    redistribute_default=False,
    rejects_host_route_via_itself=True,
)
# `frr defaults datacenter` turns the eBGP policy requirement off
FRR_DATACENTER_PROFILE = replace(FRR_PROFILE, ebgp_requires_policy=False)


def profile(dev: DeviceModel) -> Profile:
    return FRR_DATACENTER_PROFILE if dev.defaults_profile == "datacenter" else FRR_PROFILE
