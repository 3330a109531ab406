"""Generate a leaf-spine FRR snapshot (Batfish layout, Cumulus-concatenated files).

    python bench/gen_fabric.py OUT_DIR --spines 4 --leaves 46

Every leaf peers with every spine over a /31 (eBGP, one AS per leaf, spines share one AS),
advertises its loopback and a server subnet (a stub port), and has `maximum-paths` so that
remote prefixes are ECMP across all spines. Used by the lab and live-check benchmarks.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import shutil
from pathlib import Path

SPINE_AS = 65500


def _file(name: str, ifaces: list[tuple[str, str]], frr: str) -> str:
    parts = [
        name,
        "# This file describes the network interfaces",
        "auto lo",
        "iface lo inet loopback",
    ]
    for ifname, addr in ifaces:
        if ifname == "lo":
            parts.append(f"  address {addr}")
    for ifname, addr in ifaces:
        if ifname != "lo":
            parts += ["", f"auto {ifname}", f"iface {ifname}", f"  address {addr}"]
    parts += ["", "# ports.conf --", frr]
    return "\n".join(parts) + "\n"


def generate(out: Path, spines: int, leaves: int) -> Path:
    if out.exists():
        shutil.rmtree(out)
    (out / "configs").mkdir(parents=True)
    (out / "batfish").mkdir()
    links = iter(ipaddress.ip_network("10.200.0.0/16").subnets(new_prefix=31))
    spine_ifaces: dict[int, list[tuple[str, str]]] = {s: [] for s in range(spines)}
    spine_neighbors: dict[int, list[tuple[str, int]]] = {s: [] for s in range(spines)}
    edges = []
    for leaf in range(leaves):
        name = f"leaf{leaf + 1}"
        asn = 65001 + leaf
        ifaces = [("lo", f"10.201.{leaf // 250}.{leaf % 250 + 1}/32")]
        neighbors = []
        for s in range(spines):
            net = next(links)
            a, b = net[0], net[1]
            spine_if = f"eth{leaf + 1}"
            leaf_if = f"eth{s + 1}"
            spine_ifaces[s].append((spine_if, f"{a}/31"))
            spine_neighbors[s].append((str(b), asn))
            ifaces.append((leaf_if, f"{b}/31"))
            neighbors.append((str(a), SPINE_AS))
            edges.append(
                {
                    "node1": {"hostname": f"spine{s + 1}", "interfaceName": spine_if},
                    "node2": {"hostname": name, "interfaceName": leaf_if},
                }
            )
        # leaves come in pairs sharing a server segment with one VRRP group (VIP .1)
        pair, second = leaf // 2, leaf % 2
        seg = ipaddress.ip_network(f"10.{100 + pair // 250}.{pair % 250}.0/24")
        server_if = f"eth{spines + 1}"
        ifaces.append((server_if, f"{seg[2 + second]}/24"))
        networks = [ifaces[0][1], str(seg)]
        vrrp = ""
        if leaf + 1 - second < leaves and (second == 1 or leaf + 1 < leaves):
            prio = 200 if second == 0 else 100
            vrrp = (
                f"interface {server_if}\n vrrp {pair % 250 + 1} version 3\n"
                f" vrrp {pair % 250 + 1} priority {prio}\n"
                f" vrrp {pair % 250 + 1} advertisement-interval 100\n"
                f" vrrp {pair % 250 + 1} ip {seg[1]}\n!\n"
            )
            if second == 1:
                edges.append(
                    {
                        "node1": {"hostname": f"leaf{leaf}", "interfaceName": server_if},
                        "node2": {"hostname": name, "interfaceName": server_if},
                    }
                )
        frr = _bgp(name, asn, ifaces[0][1].split("/")[0], neighbors, networks, vrrp)
        (out / "configs" / name).write_text(_file(name, ifaces, frr))
    for s in range(spines):
        name = f"spine{s + 1}"
        lo = f"10.202.0.{s + 1}/32"
        frr = _bgp(name, SPINE_AS, lo.split("/")[0], spine_neighbors[s], [lo])
        (out / "configs" / name).write_text(_file(name, [("lo", lo), *spine_ifaces[s]], frr))
    (out / "batfish" / "layer1_topology.json").write_text(json.dumps({"edges": edges}, indent=1))
    return out


def _bgp(
    name: str,
    asn: int,
    router_id: str,
    neighbors: list[tuple[str, int]],
    networks: list[str],
    prelude: str = "",
) -> str:
    lines = [
        "frr version 8.4.4",
        "frr defaults datacenter",
        f"hostname {name}",
        "!",
        prelude.rstrip("\n"),
        f"router bgp {asn}",
        f" bgp router-id {router_id}",
        " no bgp ebgp-requires-policy",
        " bgp bestpath as-path multipath-relax",
        " timers bgp 3 9",
    ]
    for ip, remote in neighbors:
        lines += [f" neighbor {ip} remote-as {remote}", f" neighbor {ip} timers connect 2"]
    lines += [" !", " address-family ipv4 unicast"]
    lines += [f"  network {n}" for n in networks]
    lines += ["  maximum-paths 16", " exit-address-family", "!", "end"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--spines", type=int, default=4)
    parser.add_argument("--leaves", type=int, default=46)
    args = parser.parse_args()
    path = generate(args.out, args.spines, args.leaves)
    print(f"wrote {args.spines + args.leaves} routers to {path}")


if __name__ == "__main__":
    main()
