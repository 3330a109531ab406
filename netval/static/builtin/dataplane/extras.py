"""Settings the data plane needs that part 1's model does not carry (yet).

Read straight from the configuration text, per device. Each field names the command it comes
from; once the model carries a field, its reader here can go (see the report of issue 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netval.static.builtin.cisco_names import canonical_interface
from netval.static.builtin.model import Vendor


@dataclass
class OspfRedistribution:
    protocol: str
    metric: int | None = None
    metric_type: int = 2
    route_map: str | None = None


@dataclass
class Extras:
    frr_profile: str = "traditional"  # frr defaults ...
    ebgp_requires_policy: bool | None = None  # [no] bgp ebgp-requires-policy
    compare_router_id: bool = False  # bgp bestpath compare-routerid
    always_compare_med: bool = False  # bgp always-compare-med
    eibgp_paths: int | None = None  # maximum-paths eibgp N
    bgp_distance: tuple[int, int, int] | None = None  # distance bgp E I L
    cluster_id: str | None = None  # bgp cluster-id
    allowas_in: dict[str, int] = field(default_factory=dict)  # neighbor X allowas-in [N]
    weight: dict[str, int] = field(default_factory=dict)  # neighbor X weight N
    nhs_force: set[str] = field(default_factory=set)  # neighbor X next-hop-self force
    ospf_reference_mbps: int | None = None  # auto-cost reference-bandwidth N
    ospf_redistribute: dict[str, OspfRedistribution] = field(default_factory=dict)
    ospf_default_originate: tuple[bool, int, int] | None = None  # (always, metric, type)
    ospf_distance: int | None = None  # distance N (router ospf)
    bandwidth_kbps: dict[str, int] = field(default_factory=dict)  # interface: bandwidth N

    @property
    def requires_policy(self) -> bool:
        """FRR 8: eBGP needs a policy both ways, except under the datacenter profile."""
        if self.ebgp_requires_policy is not None:
            return self.ebgp_requires_policy
        return self.frr_profile != "datacenter"


_OPENERS = ("router ", "interface ", "route-map ", "vrf ", "address-family ", "line ")


def read_extras(text: str, vendor: Vendor) -> Extras:
    ex = Extras()
    frr = vendor in (Vendor.FRR, Vendor.CUMULUS_CONCATENATED)
    block = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("!") or stripped.startswith("#"):
            continue
        if not raw[:1].isspace():
            if stripped.startswith(_OPENERS):
                block = stripped
                continue
            if not (frr and block.startswith("router ") and _frr_block_word(stripped)):
                block = ""
        words = stripped.split()
        if words[:2] == ["frr", "defaults"] and len(words) > 2:
            ex.frr_profile = words[2]
        elif block.startswith("router bgp"):
            _bgp_line(ex, words)
        elif block.startswith("router ospf"):
            _ospf_line(ex, words)
        elif block.startswith("interface ") and words[0] == "bandwidth" and len(words) > 1:
            name = block.split()[1]
            if not frr:
                name = canonical_interface(name)
            if words[1].isdigit():
                ex.bandwidth_kbps[name] = int(words[1])
    return ex


def _frr_block_word(text: str) -> bool:
    # FRR accepts a block's lines unindented; these words only occur inside router blocks
    return text.split()[0] in (
        "neighbor",
        "network",
        "redistribute",
        "bgp",
        "maximum-paths",
        "distance",
        "address-family",
        "exit-address-family",
        "auto-cost",
        "default-information",
        "passive-interface",
        "ospf",
        "timers",
        "aggregate-address",
        "area",
    )


def _int(word: str, default: int) -> int:
    return int(word) if word.isdigit() else default


def _bgp_line(ex: Extras, w: list[str]) -> None:
    if w[:2] == ["bgp", "ebgp-requires-policy"]:
        ex.ebgp_requires_policy = True
    elif w[:3] == ["no", "bgp", "ebgp-requires-policy"]:
        ex.ebgp_requires_policy = False
    elif w[:3] == ["bgp", "bestpath", "compare-routerid"]:
        ex.compare_router_id = True
    elif w[:2] == ["bgp", "always-compare-med"]:
        ex.always_compare_med = True
    elif w[:2] == ["bgp", "cluster-id"] and len(w) > 2:
        ex.cluster_id = w[2]
    elif w[:2] == ["maximum-paths", "eibgp"] and len(w) > 2:
        ex.eibgp_paths = _int(w[2], 1)
    elif w[:2] == ["distance", "bgp"] and len(w) >= 5:
        ex.bgp_distance = (_int(w[2], 20), _int(w[3], 200), _int(w[4], 200))
    elif w[0] == "neighbor" and len(w) >= 3:
        name, rest = w[1], w[2:]
        if rest[0] == "allowas-in":
            ex.allowas_in[name] = _int(rest[1], 3) if len(rest) > 1 else 3
        elif rest[0] == "weight" and len(rest) > 1:
            ex.weight[name] = _int(rest[1], 0)
        elif rest[:2] == ["next-hop-self", "force"]:
            ex.nhs_force.add(name)


def _ospf_line(ex: Extras, w: list[str]) -> None:
    if w[:2] == ["auto-cost", "reference-bandwidth"] and len(w) > 2:
        ex.ospf_reference_mbps = _int(w[2], 100)
    elif w[0] == "redistribute" and len(w) > 1:
        red = OspfRedistribution(w[1])
        for i, word in enumerate(w[:-1]):
            if word == "metric":
                red.metric = _int(w[i + 1], 20)
            elif word == "metric-type":
                red.metric_type = _int(w[i + 1], 2)
            elif word == "route-map":
                red.route_map = w[i + 1]
        ex.ospf_redistribute[red.protocol] = red
    elif w[:2] == ["default-information", "originate"]:
        metric, mtype = 1, 2
        for i, word in enumerate(w[:-1]):
            if word == "metric":
                metric = _int(w[i + 1], 1)
            elif word == "metric-type":
                mtype = _int(w[i + 1], 2)
        ex.ospf_default_originate = ("always" in w, metric, mtype)
    elif w[0] == "distance" and len(w) == 2 and w[1].isdigit():
        ex.ospf_distance = int(w[1])
