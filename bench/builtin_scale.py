"""Scale of the built-in engine: parse + undefinedReferences + bgpSessionCompatibility.

Generates a leaf-spine network of N devices (FRR Cumulus-concatenated or Cisco IOS syntax),
each with interfaces, eBGP to every spine, prefix-lists and route-maps, then times loading and
the two answers, and measures peak RSS (each size runs in a fresh process, so the peak is that
size's alone). Also measures testRoutePolicies throughput in routes per second.

    /work/venv/bin/python bench/builtin_scale.py [--sizes 100 300 1000] [--syntax frr|ios]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPINES = 4


def _frr_device(i: int, n: int) -> str:
    spine = i < SPINES
    asn = 65000 + i
    lines = [
        f"d{i}",
        "# This file describes the network interfaces",
        "auto lo",
        "iface lo inet loopback",
        f"  address 10.255.{i // 250}.{i % 250}/32",
        "",
    ]
    peers = range(SPINES, n) if spine else range(SPINES)
    for p in peers:
        a, b = (i, p) if spine else (p, i)
        link = ipaddress.IPv4Address("100.64.0.0") + 2 * (a * n + b)
        mine = link if spine else link + 1
        lines += [f"auto swp{p}", f"iface swp{p}", f"  address {mine}/31", ""]
    lines += [
        "# ports.conf --",
        "frr version 8.4.4",
        "frr defaults datacenter",
        f"hostname d{i}",
        "!",
        f"router bgp {asn}",
        f" bgp router-id 10.255.{i // 250}.{i % 250}",
    ]
    for p in peers:
        a, b = (i, p) if spine else (p, i)
        link = ipaddress.IPv4Address("100.64.0.0") + 2 * (a * n + b)
        other = link + 1 if spine else link
        lines.append(f" neighbor {other} remote-as {65000 + p}")
    lines += [" address-family ipv4 unicast", f"  network 10.255.{i // 250}.{i % 250}/32"]
    for p in peers:
        a, b = (i, p) if spine else (p, i)
        link = ipaddress.IPv4Address("100.64.0.0") + 2 * (a * n + b)
        other = link + 1 if spine else link
        lines += [f"  neighbor {other} route-map IN in", f"  neighbor {other} route-map OUT out"]
    lines += [" exit-address-family", "!"]
    lines += [f"ip prefix-list PL seq {5 * (k + 1)} permit 10.{k}.0.0/16 le 24" for k in range(20)]
    lines += [
        "bgp community-list standard CL permit 65000:1",
        "bgp as-path access-list AP permit _65001_",
        "route-map IN permit 10",
        " match ip address prefix-list PL",
        " set local-preference 200",
        "route-map IN deny 20",
        " match as-path AP",
        "route-map IN permit 30",
        " match community CL",
        " set metric 10",
        "route-map OUT permit 10",
        " match ip address prefix-list PL",
        "end",
        "",
    ]
    return "\n".join(lines)


def _ios_device(i: int, n: int) -> str:
    spine = i < SPINES
    lines = [
        "!",
        f"hostname d{i}",
        "!",
        "interface Loopback0",
        f" ip address 10.255.{i // 250}.{i % 250} 255.255.255.255",
    ]
    peers = range(SPINES, n) if spine else range(SPINES)
    for p in peers:
        a, b = (i, p) if spine else (p, i)
        link = ipaddress.IPv4Address("100.64.0.0") + 2 * (a * n + b)
        mine = link if spine else link + 1
        lines += [f"interface GigabitEthernet0/{p}", f" ip address {mine} 255.255.255.254"]
    lines += [f"router bgp {65000 + i}"]
    for p in peers:
        a, b = (i, p) if spine else (p, i)
        link = ipaddress.IPv4Address("100.64.0.0") + 2 * (a * n + b)
        other = link + 1 if spine else link
        lines += [
            f" neighbor {other} remote-as {65000 + p}",
            f" neighbor {other} route-map IN in",
            f" neighbor {other} route-map OUT out",
        ]
    lines += [f"ip prefix-list PL seq {5 * (k + 1)} permit 10.{k}.0.0/16 le 24" for k in range(20)]
    lines += [
        "ip as-path access-list 1 permit _65001_",
        "route-map IN permit 10",
        " match ip address prefix-list PL",
        " set local-preference 200",
        "route-map IN deny 20",
        " match as-path 1",
        "route-map OUT permit 10",
        " match ip address prefix-list PL",
        "!",
    ]
    return "\n".join(lines)


def generate(root: Path, n: int, syntax: str) -> None:
    configs = root / "configs"
    configs.mkdir(parents=True)
    make = _frr_device if syntax == "frr" else _ios_device
    for i in range(n):
        (configs / f"d{i}").write_text(make(i, n))


def run_one(n: int, syntax: str) -> dict[str, float | int]:
    from netval.static.builtin import BuiltinEngine
    from netval.static.engine import RouteInput

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "snap"
        generate(root, n, syntax)
        t0 = time.perf_counter()
        engine = BuiltinEngine(root)
        t1 = time.perf_counter()
        # a figure from configs that do not parse cleanly is no figure
        statuses = {r["File_Name"]: r["Status"] for r in engine.file_parse_status().rows}
        bad = {k: v for k, v in statuses.items() if v != "PASSED"}
        assert len(statuses) == n and not bad, dict(list(bad.items())[:5])
        undefined = engine.undefined_references().rows
        t2 = time.perf_counter()
        sessions = engine.bgp_session_compatibility().rows
        t3 = time.perf_counter()
        rng = random.Random(1)
        routes = [
            RouteInput(
                str(ipaddress.IPv4Network((rng.getrandbits(32), rng.randint(8, 32)), strict=False)),
                communities=("65000:1",) if rng.random() < 0.3 else (),
                as_path=(65001, 65002) if rng.random() < 0.3 else (65003,),
            )
            for _ in range(20000)
        ]
        t4 = time.perf_counter()
        engine.test_route_policies("d5", "IN", "in", routes)
        t5 = time.perf_counter()
    unique = sum(1 for r in sessions if r["Configured_Status"] == "UNIQUE_MATCH")
    return {
        "devices": n,
        "parse_s": round(t1 - t0, 3),
        "undefined_s": round(t2 - t1, 3),
        "bgp_compat_s": round(t3 - t2, 3),
        "total_s": round(t3 - t0, 3),
        "sessions": len(sessions),
        "unique_match": unique,
        "undefined_rows": len(undefined),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "policy_routes_per_s": int(len(routes) / (t5 - t4)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    ap.add_argument("--syntax", choices=["frr", "ios"], default="frr")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.syntax)))
        return 0
    print(
        f"{'devices':>7} {'parse s':>8} {'undef s':>8} {'bgp s':>7} {'total s':>8} "
        f"{'sessions':>8} {'unique':>7} {'peak RSS MB':>11} {'policy routes/s':>15}"
    )
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--syntax", args.syntax],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout)
        print(
            f"{r['devices']:>7} {r['parse_s']:>8} {r['undefined_s']:>8} {r['bgp_compat_s']:>7} "
            f"{r['total_s']:>8} {r['sessions']:>8} {r['unique_match']:>7} "
            f"{r['peak_rss_mb']:>11} {r['policy_routes_per_s']:>15}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
