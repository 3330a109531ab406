"""What the data plane needs to know about a vendor's behaviour, as named fields.

Each vendor folder holds its own instance (``vendors/<vendor>/profile.py``); the data plane
reads the fields and never asks which vendor a device is. Administrative distances follow
what Batfish models for each vendor (Batfish's recorded Arista answers show eBGP at 20,
although EOS itself defaults to 200).
"""

from __future__ import annotations

from dataclasses import dataclass


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
    # an interface's speed guessed from its name (GigabitEthernet: 1000) when not configured
    ospf_speed_from_name: bool = False
    # an OSPF `network` longer than the interface's subnet does not enable OSPF on it
    ospf_network_must_cover_subnet: bool = False
    # eBGP exchanges nothing without a policy in that direction unless configured otherwise
    ebgp_requires_policy: bool = False
    # `redistribute` also takes the default route (else only default-originate sends it)
    redistribute_default: bool = True
    # a /32 whose next hop is its own address is not accepted ("prefix loops through itself")
    rejects_host_route_via_itself: bool = False


# end hosts (hosts/*.json): a default route to their gateway, nothing vendor-specific
HOST_PROFILE = Profile()
