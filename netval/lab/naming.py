"""Names and addresses of a lab's kernel objects.

Everything a lab creates is named after its id, so two labs never collide and ``down``
can find what a failed ``up`` left behind:

- network namespaces and FRR pathspaces: ``nv-<id>-<device>`` (dots in the device name
  become '_', which FRR's pathspace requires); the bridge/stub namespace ``nv-<id>+fabric``
  ('+' never appears in a hostname); each router's sshd runs in its own management
  namespace ``<router namespace>+mgmt``, so the management address is not on the data plane;
- root-side management veths: ``nv<slot>m<index>`` (the slot is the lab's number, 0..63);
- management addresses: a /31 per router from the lab's /22 of the management network.
"""

from __future__ import annotations

import ipaddress
import re

from netval import safe_names
from netval.errors import InputError

LAB_ID_RE = re.compile(r"^[a-z0-9]{1,12}$")
DEFAULT_LAB_ID = "default"
DEFAULT_MGMT_NET = "10.255.0.0/16"
SLOT_PREFIXLEN = 22
MGMT_IFNAME = "nvmgmt"
IFNAME_MAX = 15
RUN_ROOT = "/run/netval/labs"


def check_lab_id(lab_id: str) -> str:
    if not LAB_ID_RE.match(lab_id):
        raise InputError(
            f"lab id {lab_id!r} is not valid",
            hint="use 1 to 12 lower-case letters or digits, e.g. --id ci1",
        )
    return lab_id


def namespace(lab_id: str, device: str) -> str:
    """The namespace and FRR pathspace of a device whose name passed safe_names' grammar."""
    return f"nv-{lab_id}-{safe_names.slug(device)}"


def namespace_prefix(lab_id: str) -> str:
    return f"nv-{lab_id}-"


def fabric_namespace(lab_id: str) -> str:
    return f"nv-{lab_id}+fabric"


def mgmt_namespace(router_namespace: str) -> str:
    """The namespace of a router's sshd: it holds the management veth, the router has none."""
    return f"{router_namespace}+mgmt"


def root_mgmt_ifname(slot: int, index: int) -> str:
    return f"nv{slot}m{index}"


def root_mgmt_ifname_re(slot: int) -> re.Pattern[str]:
    return re.compile(rf"^nv{slot}m\d+$")


def check_mgmt_net(mgmt_net: str) -> str:
    try:
        net = ipaddress.ip_network(mgmt_net, strict=True)
    except ValueError as exc:
        raise InputError(
            f"--mgmt-net {mgmt_net!r} is not an IPv4 network ({exc})",
            hint="write it as A.B.C.D/LEN with the host bits zero, e.g. 10.255.0.0/16",
        ) from exc
    if net.version != 4 or net.prefixlen > SLOT_PREFIXLEN:
        raise InputError(
            f"--mgmt-net {mgmt_net} must be an IPv4 network of /{SLOT_PREFIXLEN} or larger",
            hint="each lab takes a /22 of it, e.g. 10.255.0.0/16",
        )
    return mgmt_net


def blocks(mgmt_net: str) -> list[ipaddress.IPv4Network]:
    """The management blocks a lab can take from ``mgmt_net``: its /22s (or itself, if
    smaller)."""
    net = ipaddress.ip_network(mgmt_net)
    if not isinstance(net, ipaddress.IPv4Network):
        raise InputError(
            f"management network {mgmt_net} is not IPv4", hint="use e.g. --mgmt-net 10.255.0.0/16"
        )
    if net.prefixlen >= SLOT_PREFIXLEN:
        return [net]
    return list(net.subnets(new_prefix=SLOT_PREFIXLEN))


def slot_network(mgmt_net: str, slot: int) -> ipaddress.IPv4Network:
    """The block of labs recorded before blocks were chosen by address: the slot-th /22."""
    return blocks(mgmt_net)[slot]


def mgmt_addresses(block: str, index: int) -> tuple[str, str]:
    """(root side, router side) addresses of router ``index``'s management /31 in ``block``."""
    net = ipaddress.IPv4Network(block)
    base = int(net.network_address) + 2 * index
    if base + 1 > int(net.broadcast_address):
        raise InputError(
            f"the lab's management block {net} has room for {net.num_addresses // 2} "
            f"routers, the snapshot needs more",
            hint="pass a larger --mgmt-net (each lab takes a /22 of it)",
        )
    return str(ipaddress.IPv4Address(base)), str(ipaddress.IPv4Address(base + 1))
