"""Random small FRR networks (3-8 routers) for the data plane's FRR oracle.

    /work/venv/bin/python -m tests.integration.topogen OUT_DIR --seeds 1-24

Each seed gives one snapshot in Batfish's layout (Cumulus-concatenated files and a layer-1
topology). Four families, by seed: eBGP fabrics (random graphs, a few ASes with iBGP,
multipath on and off, relax on and off), OSPF areas (an area-0 backbone, non-backbone areas
behind ABRs, costs, passive stubs, static and connected redistribution as E1/E2), OSPF with
iBGP over loopbacks (full mesh or a route reflector, next-hop-self, an external eBGP router),
and eBGP with policies (prefix-list filters, local-preference, prepends, MED, communities,
aggregates with and without summary-only, default-originate, the traditional profile).

Everything is chosen so FRR's result is deterministic: `bgp bestpath compare-routerid` (no
"oldest path" tie-break), point-to-point OSPF links (no DR election) and short timers.
Addresses avoid 10.255.0.0/16, the lab's management block.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

FAMILIES = ("ebgp", "ospf", "ibgp", "policy")


@dataclass
class Link:
    a: int
    b: int
    a_if: str
    b_if: str
    a_ip: str
    b_ip: str
    area: int = 0
    cost_a: int | None = None
    cost_b: int | None = None


@dataclass
class Router:
    idx: int
    asn: int = 0
    area: int = 0
    ifaces: list[tuple[str, str]] = field(default_factory=list)  # (name, address/len)
    stubs: list[str] = field(default_factory=list)  # interface names without a cable
    statics: list[str] = field(default_factory=list)
    ospf: list[str] = field(default_factory=list)  # lines inside router ospf
    iface_cfg: dict[str, list[str]] = field(default_factory=dict)
    bgp_global: list[str] = field(default_factory=list)
    neighbors: list[str] = field(default_factory=list)
    af: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)  # prefix-lists, route-maps ...
    profile: str = "datacenter"

    @property
    def name(self) -> str:
        return f"r{self.idx + 1}"

    @property
    def lo(self) -> str:
        return f"172.31.0.{self.idx + 1}"


@dataclass
class Topology:
    seed: int
    family: str
    routers: list[Router]
    links: list[Link]

    def write(self, out: Path) -> Path:
        if out.exists():
            shutil.rmtree(out)
        (out / "configs").mkdir(parents=True)
        (out / "batfish").mkdir()
        for r in self.routers:
            (out / "configs" / r.name).write_text(_render(r))
        edges = [
            {
                "node1": {"hostname": f"r{ln.a + 1}", "interfaceName": ln.a_if},
                "node2": {"hostname": f"r{ln.b + 1}", "interfaceName": ln.b_if},
            }
            for ln in self.links
        ]
        (out / "batfish" / "layer1_topology.json").write_text(
            json.dumps({"edges": edges}, indent=1)
        )
        (out / "SEED").write_text(f"{self.seed} {self.family}\n")
        return out


def _render(r: Router) -> str:
    lines = [
        r.name,
        "# This file describes the network interfaces",
        "auto lo",
        "iface lo inet loopback",
        f"  address {r.lo}/32",
        "",
    ]
    for name, addr in r.ifaces:
        lines += [f"auto {name}", f"iface {name}", f"  address {addr}", ""]
    lines += [
        "# ports.conf --",
        "frr version 8.4.4",
        f"frr defaults {r.profile}",
        f"hostname {r.name}",
        "log syslog informational",
        "service integrated-vtysh-config",
        "!",
    ]
    for name, cfg in r.iface_cfg.items():
        lines += [f"interface {name}", *[f" {c}" for c in cfg], "!"]
    lines += r.statics
    if r.statics:
        lines.append("!")
    uses_ospf = any(c.startswith("ip ospf area") for cfg in r.iface_cfg.values() for c in cfg)
    if r.ospf or uses_ospf:
        lines += ["router ospf", f" ospf router-id {r.lo}", *[f" {c}" for c in r.ospf], "!"]
    if r.asn:
        lines += [
            f"router bgp {r.asn}",
            f" bgp router-id {r.lo}",
            " bgp bestpath compare-routerid",
            " timers bgp 1 3",
            *[f" {c}" for c in r.bgp_global],
            *[f" {c}" for c in r.neighbors],
            " !",
            " address-family ipv4 unicast",
            *[f"  {c}" for c in r.af],
            " exit-address-family",
            "!",
        ]
    lines += r.tail
    lines += ["end", ""]
    return "\n".join(lines)


def _graph(rng: random.Random, n: int, extra: int) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    for i in range(1, n):
        pairs.append((rng.randrange(i), i))
    candidates = [(a, b) for a in range(n) for b in range(a + 1, n) if (a, b) not in pairs]
    rng.shuffle(candidates)
    pairs += candidates[:extra]
    return pairs


def _wire(routers: list[Router], pairs: list[tuple[int, int]], start: int = 0) -> list[Link]:
    links = []
    for k, (a, b) in enumerate(pairs, start=start):
        base = f"10.1.{k // 100}.{(k % 100) * 2}"
        a_ip, b_ip = base, base[: base.rindex(".") + 1] + str((k % 100) * 2 + 1)
        ra, rb = routers[a], routers[b]
        a_if, b_if = f"eth{len(ra.ifaces) + 1}", f"eth{len(rb.ifaces) + 1}"
        ra.ifaces.append((a_if, f"{a_ip}/31"))
        rb.ifaces.append((b_if, f"{b_ip}/31"))
        links.append(Link(a, b, a_if, b_if, a_ip, b_ip))
    return links


def _stub(r: Router, octet: int) -> str:
    name = f"eth{len(r.ifaces) + 1}"
    r.ifaces.append((name, f"192.168.{octet}.1/24"))
    r.stubs.append(name)
    return name


def _neighbor(r: Router, ip: str, asn: int, *extra: str) -> None:
    r.neighbors += [
        f"neighbor {ip} remote-as {asn}",
        f"neighbor {ip} timers connect 1",
        f"neighbor {ip} advertisement-interval 0",
        *[f"neighbor {ip} {e}" for e in extra],
    ]


# -- families ------------------------------------------------------------------------------


def _ebgp(rng: random.Random, seed: int) -> Topology:
    n = rng.randint(3, 8)
    routers = [Router(i) for i in range(n)]
    links = _wire(routers, _graph(rng, n, rng.randint(1, n)))
    # a few routers share an AS (iBGP across their direct link)
    for r in routers:
        r.asn = 65000 + r.idx
    for ln in links:
        if rng.random() < 0.2:
            routers[ln.b].asn = routers[ln.a].asn
    for r in routers:
        if rng.random() < 0.6:
            r.bgp_global.append("bgp bestpath as-path multipath-relax")
        r.af.append(f"network {r.lo}/32")
        if rng.random() < 0.5:
            _stub(r, r.idx + 1)
            r.af.append(f"network 192.168.{r.idx + 1}.0/24")
        if rng.random() < 0.3:
            r.statics.append(f"ip route 100.64.{r.idx + 1}.0/24 Null0")
            r.af.append("redistribute static")
        if rng.random() < 0.3:
            r.af.append(f"network 100.99.{r.idx + 1}.0/24")  # no RIB match: never announced
        if rng.random() < 0.25:
            r.af.append(f"maximum-paths {rng.choice([1, 2])}")
    for ln in links:
        ra, rb = routers[ln.a], routers[ln.b]
        ibgp = ra.asn == rb.asn
        extra = ("next-hop-self",) if ibgp else ()
        _neighbor(ra, ln.b_ip, rb.asn)
        _neighbor(rb, ln.a_ip, ra.asn)
        for r, ip in ((ra, ln.b_ip), (rb, ln.a_ip)):
            r.af += [f"neighbor {ip} {e}" for e in extra]
    _static_extras(rng, routers, links)
    return Topology(seed, "ebgp", routers, links)


def _static_extras(rng: random.Random, routers: list[Router], links: list[Link]) -> None:
    """Static routes through a neighbour, ECMP statics, a recursive one, an unresolvable one."""
    for ln in links:
        if rng.random() < 0.25:
            ra = routers[ln.a]
            ra.statics.append(f"ip route 198.18.{ln.b + 1}.0/24 {ln.b_ip}")
    if len(routers) > 2 and rng.random() < 0.6:
        r = routers[0]
        far = routers[-1]
        r.statics.append(f"ip route 198.19.{far.idx + 1}.0/24 {far.lo}")  # recursive
        r.statics.append("ip route 198.19.250.0/24 203.0.113.77")  # never resolves


def _ospf_areas(rng: random.Random, routers: list[Router]) -> list[tuple[int, int]]:
    """Area 0 for the first routers, areas 1-2 hanging off them; returns the links."""
    n = len(routers)
    n0 = max(2, n // 2)
    for r in routers[:n0]:
        r.area = 0
    pairs = [(rng.randrange(i), i) for i in range(1, n0)]
    for r in routers[n0:]:
        r.area = rng.choice([1, 2])
        same = [o.idx for o in routers[n0 : r.idx] if o.area == r.area]
        attach = (
            rng.choice(same + list(range(n0))) if same and rng.random() < 0.5 else rng.randrange(n0)
        )
        pairs.append((attach, r.idx))
    extra = [
        (a, b)
        for a in range(n)
        for b in range(a + 1, n)
        if (a, b) not in pairs and (routers[a].area == routers[b].area or routers[a].area == 0)
    ]
    rng.shuffle(extra)
    pairs += extra[: rng.randint(1, 3)]
    return pairs


def _ospf_config(
    rng: random.Random, routers: list[Router], links: list[Link], network_style: bool
) -> None:
    for ln in links:
        ra, rb = routers[ln.a], routers[ln.b]
        ln.area = rb.area if ra.area == 0 else ra.area
        cost = rng.choice([None, None, 5, 20]) if rng.random() < 0.5 else None
        for r, ifname, ip in ((ra, ln.a_if, ln.a_ip), (rb, ln.b_if, ln.b_ip)):
            cfg = [
                "ip ospf network point-to-point",
                "ip ospf hello-interval 1",
                "ip ospf dead-interval 4",
            ]
            if cost is not None:
                cfg.append(f"ip ospf cost {cost}")
            if network_style:
                r.ospf.append(f"network {ip}/31 area {ln.area}")
            else:
                cfg.append(f"ip ospf area {ln.area}")
            r.iface_cfg[ifname] = cfg
    for r in routers:
        if network_style:
            r.ospf.append(f"network {r.lo}/32 area {r.area}")
        else:
            r.iface_cfg["lo"] = [f"ip ospf area {r.area}"]
        if rng.random() < 0.4:
            stub = _stub(r, r.idx + 1)
            if network_style:
                r.ospf.append(f"network 192.168.{r.idx + 1}.0/24 area {r.area}")
            else:
                r.iface_cfg[stub] = [f"ip ospf area {r.area}"]
            r.ospf.append(f"passive-interface {stub}")


def _ospf(rng: random.Random, seed: int) -> Topology:
    n = rng.randint(3, 8)
    routers = [Router(i) for i in range(n)]
    links = _wire(routers, _ospf_areas(rng, routers))
    _ospf_config(rng, routers, links, network_style=rng.random() < 0.5)
    for r in routers:
        if rng.random() < 0.4:
            r.statics.append(f"ip route 100.64.{r.idx + 1}.0/24 Null0")
            mtype = rng.choice([1, 2])
            metric = rng.choice([None, 30, 100])
            line = "redistribute static" + (f" metric {metric}" if metric else "")
            r.ospf.append(line + f" metric-type {mtype}")
    _static_extras(rng, routers, links)
    return Topology(seed, "ospf", routers, links)


def _ibgp(rng: random.Random, seed: int) -> Topology:
    n = rng.randint(3, 7)
    routers = [Router(i) for i in range(n)]
    links = _wire(routers, _ospf_areas(rng, routers))
    _ospf_config(rng, routers, links, network_style=False)
    asn = 65100
    rr = routers[0] if rng.random() < 0.5 else None
    for r in routers:
        r.asn = asn
        if rng.random() < 0.5:
            r.bgp_global.append("bgp bestpath as-path multipath-relax")
    for r in routers:
        for o in routers:
            if o is r or (rr is not None and r is not rr and o is not rr):
                continue
            extra = ["update-source lo"]
            _neighbor(r, o.lo, asn, *extra)
            if rr is r:
                r.af.append(f"neighbor {o.lo} route-reflector-client")
    # external routers hang off one or two iBGP routers and announce prefixes
    ext_count = rng.choice([1, 2])
    for e in range(ext_count):
        ext = Router(len(routers))
        ext.asn = 64600 + e
        attach = rng.sample(range(n), k=min(n, rng.choice([1, 2])))
        routers.append(ext)
        for a in attach:
            links += _wire(routers, [(a, ext.idx)], start=len(links))
            ln = links[-1]
            ri = routers[a]
            _neighbor(ri, ln.b_ip, ext.asn)
            _neighbor(ext, ln.a_ip, asn)
            if rng.random() < 0.6:
                for o in routers[:n]:
                    if o is not ri and (rr is None or ri is rr or o is rr):
                        ri.af.append(f"neighbor {o.lo} next-hop-self")
        for p in range(rng.randint(1, 3)):
            ext.statics.append(f"ip route 100.{70 + e}.{p}.0/24 Null0")
        ext.af.append("redistribute static")
        ext.af.append(f"network {ext.lo}/32")
    for r in routers[:n]:
        # not the loopbacks: a /32 announced with its own address as next hop is invalid in
        # FRR until a later next-hop update happens to revalidate it (timing-dependent)
        _stub(r, 100 + r.idx)
        r.iface_cfg[r.stubs[-1]] = [f"ip ospf area {r.area}"]
        r.ospf.append(f"passive-interface {r.stubs[-1]}")
        r.af.append(f"network 192.168.{100 + r.idx}.0/24")
    return Topology(seed, "ibgp", routers, links)


def _policy(rng: random.Random, seed: int) -> Topology:
    n = rng.randint(3, 7)
    routers = [Router(i) for i in range(n)]
    links = _wire(routers, _graph(rng, n, rng.randint(1, n)))
    for r in routers:
        r.asn = 65200 + r.idx
        r.profile = rng.choice(["datacenter", "traditional"])
        r.bgp_global.append("bgp bestpath as-path multipath-relax")
        r.af.append(f"network {r.lo}/32")
        for p in range(rng.randint(1, 3)):
            r.statics.append(f"ip route 100.{64 + r.idx}.{p + 1}.0/24 Null0")
        r.tail += [
            f"ip prefix-list MINE seq 5 permit 100.{64 + r.idx}.0.0/16 le 24",
            f"ip prefix-list LOOP seq 5 permit {r.lo}/32",
            "ip prefix-list ODD seq 5 permit 100.65.0.0/16 le 24",
            "ip prefix-list ODD seq 10 permit 100.67.0.0/16 le 24",
            "ip prefix-list DEF seq 5 permit 0.0.0.0/0",
            "bgp community-list standard MARK permit 65000:1",
            "!",
            "route-map STATICS permit 10",
            " match ip address prefix-list MINE",
            "!",
            "route-map ALLOW permit 10",
            "!",
        ]
        r.af.append("redistribute static route-map STATICS")
        if rng.random() < 0.5:
            summary = " summary-only" if rng.random() < 0.5 else ""
            r.af.append(f"aggregate-address 100.{64 + r.idx}.0.0/16{summary}")
    kinds = ["ALLOW", "DENY_ODD", "LP", "PREPEND", "MED", "COMM"]
    for r in routers:
        r.tail += [
            "route-map DENY_ODD deny 10",
            " match ip address prefix-list ODD",
            "!",
            "route-map DENY_ODD permit 20",
            "!",
            "route-map LP permit 10",
            " match ip address prefix-list ODD",
            " set local-preference 200",
            "!",
            "route-map LP permit 20",
            "!",
            "route-map PREPEND permit 10",
            f" set as-path prepend {r.asn} {r.asn}",
            "!",
            "route-map MED permit 10",
            " set metric 50",
            "!",
            "route-map COMM permit 10",
            " set community 65000:1 additive",
            "!",
            "route-map IN_COMM permit 10",
            " match community MARK",
            " set local-preference 50",
            "!",
            "route-map IN_COMM permit 20",
            "!",
        ]
    for ln in links:
        ra, rb = routers[ln.a], routers[ln.b]
        for me, other, ip in ((ra, rb, ln.b_ip), (rb, ra, ln.a_ip)):
            _neighbor(me, ip, other.asn)
            out = rng.choice(kinds)
            inn = rng.choice(["ALLOW", "ALLOW", "IN_COMM", "LP", "DENY_ODD"])
            if me.profile == "traditional" and rng.random() < 0.15:
                # no outbound policy under the traditional profile: nothing is sent
                me.af.append(f"neighbor {ip} route-map {inn} in")
            else:
                me.af += [f"neighbor {ip} route-map {inn} in", f"neighbor {ip} route-map {out} out"]
            if rng.random() < 0.15:
                me.af.append(f"neighbor {ip} default-originate")
    return Topology(seed, "policy", routers, links)


def generate(seed: int) -> Topology:
    rng = random.Random(seed * 7919)
    family = FAMILIES[seed % len(FAMILIES)]
    return {"ebgp": _ebgp, "ospf": _ospf, "ibgp": _ibgp, "policy": _policy}[family](rng, seed)


def _seeds(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            out += list(range(int(lo), int(hi) + 1))
        elif part:
            out.append(int(part))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seeds", default="1-24")
    args = parser.parse_args()
    for seed in _seeds(args.seeds):
        topo = generate(seed)
        path = topo.write(args.out / f"topo{seed:03d}")
        print(f"{path}: {topo.family}, {len(topo.routers)} routers, {len(topo.links)} links")


if __name__ == "__main__":
    main()
