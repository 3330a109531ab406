"""Per-vendor defaults the data plane depends on.

Administrative distances follow what Batfish models for each vendor (Batfish's recorded
Arista answers show eBGP at 20, although EOS itself defaults to 200). FRR values were checked
in the FRR 8.4 lab: a blackhole aggregate is installed at 200, OSPF loopbacks cost 0 and
a port whose speed the kernel does not report (veth, as in the lab) costs 10 at the default
100 Mbit/s reference bandwidth, because FRR then assumes 10 Mbit/s.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from netval.static.builtin.model import DeviceModel, Vendor

# FRR's compiled-in multipath limit on Debian/Ubuntu builds: the default for maximum-paths.
FRR_MULTIPATH = 64


@dataclass(frozen=True)
class Profile:
    ebgp: int = 20
    ibgp: int = 200
    bgp_local: int = 200
    ospf: int = 110
    static: int = 1
    ebgp_max_paths: int = 1
    ibgp_max_paths: int = 1
    ibgp_max_follows_ebgp: bool = False  # EOS: one maximum-paths for both
    send_community: bool = False
    local_weight: int = 32768
    network_med_from_igp: bool = True  # Cisco/EOS: a network route's MED is the IGP metric
    # a next hop (static, BGP) may resolve through the default route
    resolve_via_default: bool = True
    ospf_reference_mbps: int = 100
    ospf_default_mbps: int = 1000
    ospf_loopback_cost: int = 1
    # eBGP exchanges nothing without a policy in that direction unless configured otherwise
    ebgp_requires_policy: bool = False
    frr: bool = False


FRR_PROFILE = Profile(
    ebgp_max_paths=FRR_MULTIPATH,
    ibgp_max_paths=FRR_MULTIPATH,
    send_community=True,
    network_med_from_igp=False,
    resolve_via_default=False,
    ospf_default_mbps=10,
    ospf_loopback_cost=0,
    ebgp_requires_policy=True,
    frr=True,
)
# `frr defaults datacenter` turns the eBGP policy requirement off
FRR_DATACENTER_PROFILE = replace(FRR_PROFILE, ebgp_requires_policy=False)
EOS_PROFILE = Profile(ibgp_max_follows_ebgp=True, local_weight=0)
IOS_PROFILE = Profile()
HOST_PROFILE = Profile()


def profile(dev: DeviceModel | None) -> Profile:
    vendor = dev.vendor if dev is not None else None
    if vendor in (Vendor.FRR, Vendor.CUMULUS_CONCATENATED):
        assert dev is not None
        return FRR_DATACENTER_PROFILE if dev.defaults_profile == "datacenter" else FRR_PROFILE
    if vendor is Vendor.ARISTA:
        return EOS_PROFILE
    if vendor is Vendor.CISCO_IOS:
        return IOS_PROFILE
    return HOST_PROFILE
