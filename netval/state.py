"""The normalized network State.

One model, fed by two sources: live collection from devices (observed) and the static
engines (predicted). Checks read only this model and never know which source fed it.

A list field that is ``None`` means "not collected" (the data is missing, which a check
must report as an error); an empty list means "collected, and there is nothing".
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from netval.errors import InputError
from netval.userfiles import load_json


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BgpState(StrEnum):
    """BGP FSM states, lower case, as every vendor's parser normalizes them."""

    IDLE = "idle"
    CONNECT = "connect"
    ACTIVE = "active"
    OPENSENT = "opensent"
    OPENCONFIRM = "openconfirm"
    ESTABLISHED = "established"
    ADMIN_DOWN = "admin_down"
    UNKNOWN = "unknown"

    @classmethod
    def normalize(cls, raw: str | None) -> BgpState:
        if not raw:
            return cls.UNKNOWN
        key = raw.strip().lower().replace(" ", "").replace("_", "").replace("-", "")
        aliases = {
            "established": cls.ESTABLISHED,
            "estab": cls.ESTABLISHED,
            "up": cls.ESTABLISHED,
            "idle": cls.IDLE,
            "idleadmin": cls.ADMIN_DOWN,
            "admin": cls.ADMIN_DOWN,
            "admindown": cls.ADMIN_DOWN,
            "shutdown": cls.ADMIN_DOWN,
            "connect": cls.CONNECT,
            "active": cls.ACTIVE,
            "opensent": cls.OPENSENT,
            "openconfirm": cls.OPENCONFIRM,
        }
        if key in aliases:
            return aliases[key]
        if key.startswith("idle"):
            return cls.IDLE
        return cls.UNKNOWN


class BgpPeer(_Model):
    peer: str = Field(description="neighbor address, or interface name for unnumbered peers")
    vrf: str = "default"
    local_as: int | None = None
    remote_as: int | None = None
    local_ip: str | None = None
    state: BgpState = BgpState.UNKNOWN
    prefixes_received: int | None = None
    prefixes_sent: int | None = None
    uptime_seconds: float | None = None
    description: str | None = None


class NextHop(_Model):
    ip: str | None = None
    interface: str | None = None
    discard: bool = False
    active: bool = True
    fib: bool | None = Field(default=None, description="installed in the FIB; None if unknown")

    def key(self) -> str:
        if self.discard:
            return "discard"
        return self.ip or self.interface or "?"


class Route(_Model):
    prefix: str
    vrf: str = "default"
    protocol: str
    bgp_kind: Literal["ebgp", "ibgp"] | None = Field(
        default=None, description="for a BGP route, the kind of session; None if not shown"
    )
    next_hops: list[NextHop] = Field(
        default_factory=list, description="the forwarding paths (recursive next hops resolved)"
    )
    protocol_next_hops: list[str] = Field(
        default_factory=list,
        description="next hops the protocol chose that resolve through other routes "
        "(e.g. an iBGP peer's loopback); not paths themselves",
    )
    admin_distance: int | None = None
    metric: int | None = None
    selected: bool = True
    fib: bool | None = None


class VrrpRole(StrEnum):
    MASTER = "master"
    BACKUP = "backup"
    INITIALIZE = "initialize"
    UNKNOWN = "unknown"

    @classmethod
    def normalize(cls, raw: str | None) -> VrrpRole:
        key = (raw or "").strip().lower()
        for role in cls:
            if key.startswith(role.value[:4]):
                return role
        return cls.UNKNOWN


class VrrpGroup(_Model):
    interface: str
    vrid: int
    role: VrrpRole = VrrpRole.UNKNOWN
    priority: int | None = None
    vips: list[str] = Field(default_factory=list)


class Interface(_Model):
    name: str
    admin_up: bool | None = None
    oper_up: bool | None = None
    addresses: list[str] = Field(default_factory=list)
    description: str | None = None
    # None: the platform does not report it (FRR's vtysh shows no error counters)
    mtu: int | None = None
    speed_mbps: int | None = None
    in_errors: int | None = None
    out_errors: int | None = None
    in_discards: int | None = None
    out_discards: int | None = None


class BgpRoute(_Model):
    """One path in a device's BGP table (Loc-RIB and the paths it did not select)."""

    prefix: str
    vrf: str = "default"
    peer: str | None = Field(default=None, description="the neighbor it came from; None: local")
    best: bool = False
    multipath: bool = False
    valid: bool = True
    next_hop: str | None = None
    as_path: list[int] = Field(default_factory=list)
    origin: str | None = Field(default=None, description="igp, egp or incomplete")
    med: int | None = None
    local_pref: int | None = None
    communities: list[str] = Field(
        default_factory=list, description="standard (65000:1) and well-known names (no-export)"
    )
    large_communities: list[str] = Field(default_factory=list)
    extended_communities: list[str] = Field(default_factory=list)
    tied: bool = Field(
        default=False,
        description="predicted only: this path and the best one are eBGP paths equal up to "
        "their age, which FRR compares and a prediction cannot know; which is best is unknown",
    )
    unsure: str | None = Field(
        default=None,
        description="predicted only: why the path's attributes are not a prediction (a "
        "router upstream chose among tied paths by their age)",
    )


class OspfNeighbor(_Model):
    router_id: str
    vrf: str = "default"
    address: str | None = None
    interface: str | None = None
    state: str = Field(description="full, 2-way, init, exstart, exchange, loading, down, ...")
    role: str | None = Field(default=None, description="DR, Backup or DROther (broadcast)")

    @property
    def up(self) -> bool:
        """Full, or 2-Way between two DROthers on a broadcast segment (they stay so)."""
        return self.state == "full" or (self.state == "2-way" and self.role == "DROther")


class BfdPeer(_Model):
    peer: str
    vrf: str = "default"
    local: str | None = None
    interface: str | None = None
    multihop: bool = False
    status: str = Field(description="up, down, init or shutdown (administratively down)")
    diagnostic: str | None = Field(default=None, description="why it last went down")
    detect_multiplier: int | None = None
    receive_interval_ms: int | None = None
    transmit_interval_ms: int | None = None

    @property
    def up(self) -> bool:
        return self.status == "up"


class BgpNeighbor(_Model):
    """A BGP neighbor's configuration as the device itself reports it."""

    peer: str
    vrf: str = "default"
    state: BgpState = BgpState.UNKNOWN
    bfd: str | None = Field(
        default=None,
        description="BGP's view of the neighbor's BFD session (up, down, unknown); None "
        "when BFD is not configured for the neighbor",
    )


class Probe(_Model):
    """A reachability probe run from a device or host: ping's totals, then the path."""

    source: str
    destination: str
    from_address: str | None = Field(
        default=None, description="the address the probe was sent from (a router's loopback)"
    )
    sent: int | None = None
    received: int | None = None
    rtt_avg_ms: float | None = None
    hops: list[str | None] | None = Field(
        default=None, description="the address that answered each hop; null: no answer"
    )
    reached: bool | None = None
    no_route: str | None = Field(default=None, description="the source could not send at all")
    error: str | None = Field(default=None, description="why the probe gave no answer")

    @property
    def loss_percent(self) -> float | None:
        if not self.sent:
            return None
        return 100.0 * (self.sent - (self.received or 0)) / self.sent


class AdvertisedRoute(_Model):
    """A route the device sends to a peer, after its outbound policy."""

    peer: str
    vrf: str = "default"
    prefix: str
    next_hop: str | None = None
    as_path: list[int] = Field(
        default_factory=list, description="before the device prepends its own AS"
    )
    origin: str | None = None
    med: int | None = None
    local_pref: int | None = None


Domain = Literal[
    "bgp", "routes", "vrrp", "interfaces", "ospf", "bgp_routes", "bfd", "bgp_neighbors",
    "bgp_advertised",
]  # fmt: skip


# the NodeState field that holds each domain
DOMAIN_FIELDS: dict[Domain, str] = {
    "bgp": "bgp_peers",
    "routes": "routes",
    "vrrp": "vrrp",
    "interfaces": "interfaces",
    "ospf": "ospf_neighbors",
    "bgp_routes": "bgp_routes",
    "bfd": "bfd_peers",
    "bgp_neighbors": "bgp_neighbors",
    "bgp_advertised": "bgp_advertised",
}
#: what `netval capture` and the netval_state fixture collect from every device (a BGP table
#: with every path's attributes, or one command per peer, only for the checks that read them)
CAPTURED_DOMAINS: tuple[Domain, ...] = ("bgp", "routes", "vrrp", "interfaces", "ospf")


class Problem(StrEnum):
    """Why a device or a domain has no data; retries and reports decide on this, not on text."""

    UNREACHABLE = "unreachable"  # refused, no route, no such name: nothing answered
    TIMEOUT = "timeout"  # something answered, then nothing more in time (a hung device)
    CONNECTION = "connection"  # the session broke for another reason
    AUTH_FAILED = "auth_failed"  # credentials or host key refused
    PLATFORM = "platform"  # no parser or driver for the platform, or no common SSH algorithm
    COMMAND_FAILED = "command_failed"  # the device rejected a command
    UNPARSABLE = "unparsable"  # output the parser cannot read
    UNSUPPORTED = "unsupported"  # this domain is not collected on the platform
    INTERRUPTED = "interrupted"  # Ctrl-C or SIGTERM before the device was done

    @property
    def retryable(self) -> bool:
        """Whether waiting (a `within` check) can change the answer."""
        return self in _RETRYABLE


_RETRYABLE = {
    Problem.UNREACHABLE,
    Problem.TIMEOUT,
    Problem.CONNECTION,
    Problem.COMMAND_FAILED,
    Problem.UNPARSABLE,
}


class NodeState(_Model):
    name: str
    bgp_peers: list[BgpPeer] | None = None
    routes: list[Route] | None = None
    vrrp: list[VrrpGroup] | None = None
    interfaces: list[Interface] | None = None
    ospf_neighbors: list[OspfNeighbor] | None = None
    bgp_routes: list[BgpRoute] | None = None
    bfd_peers: list[BfdPeer] | None = None
    bgp_neighbors: list[BgpNeighbor] | None = None
    bgp_advertised: list[AdvertisedRoute] | None = None
    probes: list[Probe] | None = Field(
        default=None, description="reachability probes run from this device or host"
    )
    connect_attempts: int = Field(
        default=1,
        description="logins tried before the session opened, or before the device was given up",
    )
    routes_asked: dict[str, list[str]] | None = Field(
        default=None,
        description="the routing table was asked about these prefixes only (VRF -> prefixes): "
        "a prefix missing from `routes` is absent; None: `routes` is the whole table",
    )
    errors: dict[str, str] = Field(
        default_factory=dict,
        description="why a domain (bgp, routes, vrrp, interfaces, ospf, ..., or 'device') has "
        "no data",
    )
    problems: dict[str, Problem] = Field(
        default_factory=dict, description="the kind of each error, by the same keys"
    )

    def fail(self, key: str, problem: Problem, message: str) -> None:
        """Record that ``key`` (a domain, or 'device') has no data, and why."""
        self.errors[key] = message
        self.problems[key] = problem

    def routes_for(self, prefix: str, vrf: str = "default") -> list[Route]:
        return [r for r in self.routes or [] if r.prefix == prefix and r.vrf == vrf]


class State(_Model):
    source: Literal["observed", "predicted"]
    origin: str = Field(default="", description="inventory, lab id or snapshot it came from")
    taken_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    nodes: dict[str, NodeState] = Field(default_factory=dict)

    def node(self, name: str) -> NodeState:
        if name not in self.nodes:
            self.nodes[name] = NodeState(name=name)
        return self.nodes[name]

    def dump(self, path: Path) -> None:
        path.write_text(self.model_dump_json(indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> State:
        hint = "pass a file written by `netval capture`"
        if not path.exists():
            raise InputError(
                f"state file {path} does not exist",
                hint="capture one first with `netval capture -o STATE.json`",
            )
        raw = load_json(path, "state file", hint)
        try:
            return cls.model_validate(raw)
        except ValueError as exc:
            raise InputError(
                f"state file {path} is not a netval state: {exc}",
                hint="pass a file written by `netval capture`",
            ) from exc
