"""Scale of the built-in data plane on generated leaf-spine fabrics.

    /work/venv/bin/python bench/dataplane_scale.py [--sizes 100 300 1000] [--spines 4]

Each fabric: S spines sharing one AS (RFC 7938), N-S leaves with their own AS, eBGP on every
leaf-spine link, every leaf announcing its loopback and a server /24, policies as in the
example network (leaves: `from_spine` permit all, `to_spine` only their own prefixes by
prefix-list; spines: `from_leaf` a prefix-list of the data-centre space, `to_fabric` permit
all), `maximum-paths` and multipath-relax, so every leaf ends with an S-way ECMP route to
every other leaf's two prefixes. Each size runs in its own process (peak RSS is that size's
alone) and reports: load (parse) time, data-plane time, main-RIB routes and next hops,
BGP selections, policy evaluations (and memo hits) and peak RSS.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPINE_AS = 65500


def _device(name: str, ifaces: list[tuple[str, str]], frr: list[str]) -> str:
    lines = [name, "# This file describes the network interfaces"]
    for ifname, addr in ifaces:
        if ifname == "lo":
            lines += ["auto lo", "iface lo inet loopback", f"  address {addr}", ""]
        else:
            lines += [f"auto {ifname}", f"iface {ifname}", f"  address {addr}", ""]
    lines += [
        "# ports.conf --",
        "frr version 8.4.4",
        "frr defaults datacenter",
        f"hostname {name}",
        "!",
        *frr,
        "end",
        "",
    ]
    return "\n".join(lines)


def generate(out: Path, devices: int, spines: int) -> None:
    leaves = devices - spines
    (out / "configs").mkdir(parents=True)
    (out / "batfish").mkdir()
    links = ipaddress.ip_network("10.128.0.0/10").subnets(new_prefix=31)
    spine_ifaces: list[list[tuple[str, str]]] = [
        [("lo", f"10.0.0.{s + 1}/32")] for s in range(spines)
    ]
    spine_peers: list[list[tuple[str, int]]] = [[] for _ in range(spines)]
    edges = []
    for leaf in range(leaves):
        name = f"leaf{leaf + 1}"
        asn = 4200000000 + leaf
        lo = f"10.1.{leaf // 250}.{leaf % 250 + 1}"
        # the first three octets of the leaf's server /24: 10.64.0, 10.64.1, ... 10.67.231
        server = f"10.{64 + leaf // 256}.{leaf % 256}"
        ifaces = [("lo", f"{lo}/32")]
        frr = [f"router bgp {asn}", f" bgp router-id {lo}", " bgp bestpath as-path multipath-relax"]
        af = []
        for s in range(spines):
            net = next(links)
            a, b = net[0], net[1]
            spine_ifaces[s].append((f"swp{leaf + 1}", f"{a}/31"))
            spine_peers[s].append((str(b), asn))
            ifaces.append((f"swp{s + 1}", f"{b}/31"))
            frr.append(f" neighbor {a} remote-as {SPINE_AS}")
            af += [
                f"  neighbor {a} route-map from_spine in",
                f"  neighbor {a} route-map to_spine out",
            ]
            edges.append(
                {
                    "node1": {"hostname": f"spine{s + 1}", "interfaceName": f"swp{leaf + 1}"},
                    "node2": {"hostname": name, "interfaceName": f"swp{s + 1}"},
                }
            )
        ifaces.append((f"swp{spines + 1}", f"{server}.1/24"))
        frr += [
            " address-family ipv4 unicast",
            f"  network {lo}/32",
            f"  network {server}.0/24",
            *af,
            f"  maximum-paths {spines}",
            " exit-address-family",
            "!",
            f"ip prefix-list LOCAL_NETS seq 5 permit {lo}/32",
            f"ip prefix-list LOCAL_NETS seq 10 permit {server}.0/24",
            "route-map from_spine permit 10",
            "!",
            "route-map to_spine permit 10",
            " match ip address prefix-list LOCAL_NETS",
            "!",
        ]
        (out / "configs" / name).write_text(_device(name, ifaces, frr))
    for s in range(spines):
        name = f"spine{s + 1}"
        lo = f"10.0.0.{s + 1}"
        frr = [
            f"router bgp {SPINE_AS}",
            f" bgp router-id {lo}",
            " bgp bestpath as-path multipath-relax",
        ]
        af = [" address-family ipv4 unicast", f"  network {lo}/32"]
        for ip, asn in spine_peers[s]:
            frr.append(f" neighbor {ip} remote-as {asn}")
            af += [
                f"  neighbor {ip} route-map from_leaf in",
                f"  neighbor {ip} route-map to_fabric out",
            ]
        frr += [
            *af,
            " exit-address-family",
            "!",
            "ip prefix-list DC_PREFIXES seq 5 permit 10.0.0.0/8 le 32",
            "route-map from_leaf permit 10",
            " match ip address prefix-list DC_PREFIXES",
            "!",
            "route-map to_fabric permit 10",
            "!",
        ]
        (out / "configs" / name).write_text(_device(name, spine_ifaces[s], frr))
    (out / "batfish" / "layer1_topology.json").write_text(json.dumps({"edges": edges}))


def measure(devices: int, spines: int) -> dict[str, float]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from netval.static.builtin.dataplane import DataPlane
    from netval.static.builtin.loader import load

    with tempfile.TemporaryDirectory(prefix="nv-dpscale-") as tmp:
        snap = Path(tmp) / "fabric"
        generate(snap, devices, spines)
        t0 = time.perf_counter()
        loaded = load(snap)
        t1 = time.perf_counter()
        # a figure from configs that do not parse cleanly measures half a network
        bad = {f.filename: f.status.value for f in loaded.files if f.status.value != "PASSED"}
        assert not bad, f"generated configs do not parse PASSED: {dict(list(bad.items())[:5])}"
        assert len(loaded.files) == devices, len(loaded.files)
        dp = DataPlane.from_loaded(loaded)
        t2 = time.perf_counter()
    run = dp.bgp
    return {
        "devices": devices,
        "load_s": round(t1 - t0, 2),
        "dataplane_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "routes": dp.route_count(),
        "next_hops": dp.next_hop_count(),
        "bgp_selections": run.selections if run else 0,
        "policy_lookups": run.policies.lookups if run else 0,
        "policy_evaluations": run.policies.evaluations if run else 0,
        "issues": len(dp.issues),
        "rounds": dp.rounds,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--spines", type=int, default=4)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.spines)))
        return
    print(
        "| devices | load | data plane | total | routes | next hops | BGP selections | "
        "policy evals / lookups | peak RSS |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--spines", str(args.spines)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"| {r['devices']} | {r['load_s']} s | {r['dataplane_s']} s | {r['total_s']} s | "
            f"{r['routes']:,} | {r['next_hops']:,} | {r['bgp_selections']:,} | "
            f"{r['policy_evaluations']:,} / {r['policy_lookups']:,} | {r['peak_rss_mb']} MB |"
        )


if __name__ == "__main__":
    main()
