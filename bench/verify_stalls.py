"""Whole `netval verify` processes on inputs that used to stall: long prefix-lists, big catalogs.

* prefix-lists: a two-router FRR snapshot (r2 announces prefixes to r1 over eBGP) whose r1
  has one prefix-list of N entries behind its inbound route-map; the catalog asks parse,
  references, session compatibility, a route_policy with cases, a routes check and a
  route_policy_search over 10.0.0.0/8 at /25 (which only the list's last entry matches, so
  the search is exhaustive). Before anything is timed, the generated snapshot is loaded by
  the built-in engine of this checkout and must parse PASSED with every entry; after the
  run, the JSON report's parse check must have passed.
* catalogs: N `routes` checks without names (so each item id needs a #n suffix) against
  snapshots/base.

Each run is a fresh process (wall time from start to exit, peak RSS of the child). With
``--netval-src DIR`` the timed process imports netval from DIR instead (e.g. an older
checkout unpacked with `git archive`), to measure before and after on the same inputs.

    .venv/bin/python bench/verify_stalls.py [--prefix-lists 20000 40000 150000]
        [--catalogs 2500 5000 10000] [--timeout 300] [--netval-src DIR] [--parse-only] [--regex]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Imports netval from a given folder: the editable install's finder would win otherwise.
_BOOT = """
import sys
src = sys.argv.pop(1)
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, src)
from netval.cli import main
sys.argv[0] = "netval"
main()
"""


def _prefix(k: int) -> str:
    return f"{10 + (k >> 16)}.{(k >> 8) & 255}.{k & 255}.0/24"


def _device(name: str, asn: int, addr: str, peer: str, peer_as: int, frr: list[str]) -> str:
    head = [
        name,
        "# This file describes the network interfaces",
        "auto lo",
        "iface lo inet loopback",
        "",
        "auto eth1",
        "iface eth1",
        f"  address {addr}/31",
        "",
        "# ports.conf --",
        "frr version 8.4.4",
        "frr defaults datacenter",
        f"hostname {name}",
        "!",
        f"router bgp {asn}",
        f" bgp router-id {addr}",
        f" neighbor {peer} remote-as {peer_as}",
        " address-family ipv4 unicast",
    ]
    return "\n".join([*head, *frr, "end", ""])


def prefix_list_snapshot(root: Path, n: int) -> None:
    configs = root / "configs"
    configs.mkdir(parents=True)
    # every third entry denies; the last permits everything else
    plist = [
        f"ip prefix-list BIG seq {5 * (k + 1)} {'deny' if k % 3 == 0 else 'permit'} {_prefix(k)}"
        for k in range(n)
    ]
    plist.append(f"ip prefix-list BIG seq {5 * (n + 1)} permit 0.0.0.0/0 le 32")
    r1 = [
        "  neighbor 100.64.0.1 route-map IN in",
        "  neighbor 100.64.0.1 route-map OUT out",
        " exit-address-family",
        "!",
        *plist,
        "route-map IN permit 10",
        " match ip address prefix-list BIG",
        "route-map OUT deny 10",
    ]
    announced = [1, 2, 3, 300, n - 1]
    r2 = [
        *(f"  network {_prefix(k)}" for k in announced),
        "  neighbor 100.64.0.0 route-map ALL in",
        "  neighbor 100.64.0.0 route-map ALL out",
        " exit-address-family",
        "!",
        *(f"ip route {_prefix(k)} Null0" for k in announced),
        "route-map ALL permit 10",
    ]
    (configs / "r1").write_text(_device("r1", 65001, "100.64.0.0", "100.64.0.1", 65002, r1))
    (configs / "r2").write_text(_device("r2", 65002, "100.64.0.1", "100.64.0.0", 65001, r2))


PREFIX_LIST_CATALOG = """checks:
  - kind: parse
  - kind: undefined_references
  - kind: bgp_compatibility
  - kind: route_policy
    devices: [r1]
    policy: IN
    direction: in
    cases:
      - {route: {prefix: 10.0.1.0/24}, expect: permit}
      - {route: {prefix: 10.0.3.0/24}, expect: deny}
      - {route: {prefix: 10.0.3.0/25}, expect: permit}
  - kind: route_policy_search
    devices: [r1]
    policy: IN
    direction: in
    input: {prefixes: ["10.0.0.0/8:25"]}
    forbid: deny
  - kind: routes
    devices: [r1]
    prefix: 10.0.1.0/24
    present: true
"""


REGEX_CATALOG = """checks:
  - kind: parse
  - kind: route_policy
    devices: [r1]
    policy: IN
    direction: in
    cases:
      - route: {prefix: 10.0.1.0/24, as_path: [65001, 65002, 65003, 65004, 65005, 65006]}
        expect: deny
"""


def regex_snapshot(root: Path) -> None:
    """r1's inbound route-map matches an as-path list whose regex backtracks exponentially."""
    configs = root / "configs"
    configs.mkdir(parents=True)
    r1 = [
        "  neighbor 100.64.0.1 route-map IN in",
        "  neighbor 100.64.0.1 route-map IN out",
        " exit-address-family",
        "!",
        "bgp as-path access-list EVIL permit ^(_?[0-9]+_?)*x$",
        "route-map IN permit 10",
        " match as-path EVIL",
    ]
    r2 = [" exit-address-family"]
    (configs / "r1").write_text(_device("r1", 65001, "100.64.0.0", "100.64.0.1", 65002, r1))
    (configs / "r2").write_text(_device("r2", 65002, "100.64.0.1", "100.64.0.0", 65001, r2))


def check_parses(root: Path, n: int) -> None:
    """The generated snapshot parses PASSED with all its entries (this checkout's engine)."""
    sys.path.insert(0, str(ROOT))
    from netval.static.builtin.loader import load

    loaded = load(root)
    statuses = {f.filename: f.status.value for f in loaded.files}
    assert statuses == {"configs/r1": "PASSED", "configs/r2": "PASSED"}, statuses
    entries = len(loaded.devices["r1"].prefix_lists["BIG"].entries)
    assert entries == n + 1, entries


def catalog(path: Path, n: int) -> None:
    out = ["checks:"]
    for k in range(n):
        out += [
            "  - kind: routes",
            "    devices: [leaf1]",
            f"    prefix: 172.{16 + (k >> 16)}.{(k >> 8) & 255}.{k & 255}/32",
            "    present: false",
        ]
    path.write_text("\n".join(out) + "\n")


def run_verify(
    snapshot: Path, catalog_path: Path, report: Path, src: str | None, timeout: float
) -> dict[str, object]:
    cli = [sys.executable, "-c", _BOOT, src] if src else [sys.executable, "-m", "netval.cli"]
    args = ["verify", str(snapshot), "-c", str(catalog_path), "--engine", "builtin"]
    out = report.with_suffix(".stderr")
    started = time.monotonic()
    with out.open("w") as err:
        proc = subprocess.Popen(
            [*cli, *args, "--json", str(report)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=ROOT,
            env={**os.environ, "COLUMNS": "120"},
        )
        # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN is the maximum of all)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                proc.kill()
                os.wait4(proc.pid, 0)
                return {"seconds": None, "rc": None}
            time.sleep(0.05)
    seconds = time.monotonic() - started
    rc = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss // 1024
    results = json.loads(report.read_text())["results"] if report.is_file() else []
    counts: dict[str, int] = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return {
        "seconds": seconds,
        "rc": rc,
        "counts": counts,
        "results": results,
        "rss_mb": rss,
        "stderr": out.read_text()[-400:],
    }


def _fmt(row: dict[str, object], timeout: float) -> str:
    if row["seconds"] is None:
        return f"> {timeout:.0f} s (killed)"
    return (
        f"{row['seconds']:.1f} s (exit {row['rc']}, {row['counts']}, peak RSS {row['rss_mb']} MB)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prefix-lists", type=int, nargs="*", default=[20_000, 40_000, 150_000])
    ap.add_argument("--catalogs", type=int, nargs="*", default=[2_500, 5_000, 10_000])
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--netval-src", default=None, help="import netval from this folder")
    ap.add_argument("--regex", action="store_true", help="also time the backtracking regex")
    ap.add_argument(
        "--parse-only", action="store_true", help="prefix-list runs ask only the parse check"
    )
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in a.prefix_lists:
            snap = work / f"pl{n}"
            prefix_list_snapshot(snap, n)
            check_parses(snap, n)
            cat = work / f"pl{n}.yaml"
            cat.write_text("checks:\n  - kind: parse\n" if a.parse_only else PREFIX_LIST_CATALOG)
            row = run_verify(snap, cat, work / f"pl{n}.json", a.netval_src, a.timeout)
            if row["seconds"] is not None:
                by_kind = {str(r["kind"]): r["status"] for r in row["results"]}  # type: ignore[attr-defined]
                assert by_kind.get("parse") == "pass", (by_kind, row["stderr"])
            print(f"prefix-list {n:>7} entries: {_fmt(row, a.timeout)}", flush=True)
            for r in row.get("results", []):  # type: ignore[attr-defined]
                if r["status"] != "pass":
                    print(f"  {r['id']}: {r['status']}: {r['message'][:200]}")
        if a.regex:
            snap = work / "regex"
            regex_snapshot(snap)
            cat = work / "regex.yaml"
            cat.write_text(REGEX_CATALOG)
            row = run_verify(snap, cat, work / "regex.json", a.netval_src, a.timeout)
            print(f"as-path regex ^(_?[0-9]+_?)*x$, 6 ASNs: {_fmt(row, a.timeout)}", flush=True)
        for n in a.catalogs:
            cat = work / f"cat{n}.yaml"
            catalog(cat, n)
            row = run_verify(
                ROOT / "snapshots" / "base", cat, work / f"c{n}.json", a.netval_src, a.timeout
            )
            print(f"catalog     {n:>7} checks:  {_fmt(row, a.timeout)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
