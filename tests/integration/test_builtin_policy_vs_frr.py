"""Differential test: the built-in engine's route-map evaluation against FRR itself.

Two FRR routers in network namespaces (netval's lab). The speaker (AS 65001) originates a few
hundred generated prefixes (static routes to Null0, redistributed) and marks them on the way
out with communities and AS-path prepends, chosen by prefix-lists. The receiver (AS 65002)
filters and rewrites them with an inbound route-map that uses prefix-lists with ge/le,
standard and expanded community-lists, as-path lists, ``on-match next``, local-preference,
metric, additive communities and prepends.

The expected input of the receiver's policy for each prefix follows from the generator (not
from the engine); FRR's verdict is the receiver's BGP table. Every prefix where FRR and
``testRoutePolicies`` disagree (accepted or not, local-pref, MED, weight, communities, AS
path) is listed in the failure.
"""

from __future__ import annotations

import ipaddress
import json
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from netval.lab import naming
from netval.static.builtin import BuiltinEngine
from netval.static.engine import RouteInput
from tests.integration.labtools import running_lab

pytestmark = pytest.mark.lab

N_ROUTES = 300
SPEAKER_AS, RECEIVER_AS = 65001, 65002
SEED = 20240605

# What the speaker's outbound route-map does to each class of prefixes.
CLASSES: list[tuple[list[str], list[int]]] = [
    ([], []),
    (["65000:1"], []),
    (["65000:2", "65000:15"], []),
    ([], [65010, 65011]),
    (["64512:7"], [64997]),
    (["65000:1", "65000:2", "65000:3"], [65001]),
    (["65000:12"], [64999, 64998]),
]

RECEIVER_POLICY = """
ip prefix-list R1 seq 5 permit 20.0.0.0/8 ge 16 le 24
ip prefix-list R1 seq 10 permit 21.0.0.0/8 ge 20
ip prefix-list R2 seq 5 deny 30.128.0.0/9 le 32
ip prefix-list R2 seq 10 permit 30.0.0.0/8 le 20
ip prefix-list R2 seq 15 permit 31.0.0.0/8 ge 12 le 28
ip prefix-list ANY seq 5 permit 0.0.0.0/0 le 22
bgp community-list standard STD permit 65000:1 65000:2
bgp community-list standard STD2 permit 64512:7
bgp community-list expanded EXP permit ^65000:1[0-9]$
bgp community-list expanded EXP permit 65000:1[0-9] 65000:2$
bgp as-path access-list LOOPY permit _65011_
bgp as-path access-list PRIV permit ^65001_64999(_|$)
!
route-map IN deny 5
 match as-path LOOPY
!
route-map IN permit 10
 match ip address prefix-list R1
 set local-preference 200
 on-match next
!
route-map IN permit 20
 match community STD
 set metric 77
 set community 65002:20 additive
!
route-map IN permit 30
 match community EXP
 set as-path prepend 65100
 set local-preference 120
!
route-map IN permit 40
 match as-path PRIV
 set weight 10
 set community 65002:40
!
route-map IN permit 50
 match ip address prefix-list R2
 set metric 5
!
route-map IN permit 60
 match community STD2
 set local-preference 300
!
route-map IN permit 70
 match ip address prefix-list ANY
 set community 65002:70 additive
!
route-map IN deny 80
"""


def _generate() -> dict[ipaddress.IPv4Network, int]:
    rng = random.Random(SEED)
    out: dict[ipaddress.IPv4Network, int] = {}
    firsts = [20, 21, 30, 31, 40, 41, 50, 60, 70, 99]
    while len(out) < N_ROUTES:
        length = rng.randint(8, 30)
        addr = (rng.choice(firsts) << 24) | rng.getrandbits(24)
        net = ipaddress.IPv4Network((addr, length), strict=False)
        out.setdefault(net, rng.randrange(len(CLASSES)))
    return out


def _device(name: str, addr: str, frr: str) -> str:
    return "\n".join(
        [
            name,
            "# This file describes the network interfaces",
            "auto lo",
            "iface lo inet loopback",
            "",
            "auto eth1",
            "iface eth1",
            f"  address {addr}",
            "",
            "# ports.conf --",
            "frr version 8.4.4",
            "frr defaults datacenter",
            f"hostname {name}",
            "!",
            frr.strip(),
            "!",
            "end",
            "",
        ]
    )


def _write_snapshot(root: Path, routes: dict[ipaddress.IPv4Network, int]) -> None:
    statics = "\n".join(f"ip route {net} Null0" for net in routes)
    plists, entries = [], []
    for k, (comms, prepend) in enumerate(CLASSES):
        members = [net for net, c in routes.items() if c == k]
        plists += [
            f"ip prefix-list C{k} seq {5 * (i + 1)} permit {net}" for i, net in enumerate(members)
        ]
        sets = []
        if comms:
            sets.append(f" set community {' '.join(comms)}")
        if prepend:
            sets.append(f" set as-path prepend {' '.join(map(str, prepend))}")
        entries.append(
            f"route-map OUT permit {10 * (k + 1)}\n match ip address prefix-list C{k}\n"
            + "\n".join(sets)
            + "\n!"
        )
    speaker = f"""
{statics}
!
router bgp {SPEAKER_AS}
 bgp router-id 10.99.0.0
 no bgp ebgp-requires-policy
 timers bgp 3 9
 neighbor 10.99.0.1 remote-as {RECEIVER_AS}
 neighbor 10.99.0.1 timers connect 2
 !
 address-family ipv4 unicast
  redistribute static
  neighbor 10.99.0.1 route-map OUT out
 exit-address-family
!
{chr(10).join(plists)}
!
{chr(10).join(entries)}
"""
    receiver = f"""
router bgp {RECEIVER_AS}
 bgp router-id 10.99.0.1
 no bgp ebgp-requires-policy
 timers bgp 3 9
 neighbor 10.99.0.0 remote-as {SPEAKER_AS}
 neighbor 10.99.0.0 timers connect 2
 !
 address-family ipv4 unicast
  neighbor 10.99.0.0 route-map IN in
 exit-address-family
!
{RECEIVER_POLICY}
"""
    configs = root / "configs"
    configs.mkdir(parents=True)
    (configs / "spk").write_text(_device("spk", "10.99.0.0/31", speaker))
    (configs / "rcv").write_text(_device("rcv", "10.99.0.1/31", receiver))
    (root / "batfish").mkdir()
    (root / "batfish" / "layer1_topology.json").write_text(
        json.dumps(
            {
                "edges": [
                    {
                        "node1": {"hostname": "spk", "interfaceName": "eth1"},
                        "node2": {"hostname": "rcv", "interfaceName": "eth1"},
                    }
                ]
            }
        )
    )


def _vtysh(ns: str, command: str) -> Any:
    proc = subprocess.run(
        ["vtysh", "-N", ns, "-c", command], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout or "{}")


def _sent(ns: str) -> int:
    summary = _vtysh(ns, "show bgp ipv4 unicast summary json")
    peer = summary.get("peers", {}).get("10.99.0.1", {})
    return int(peer.get("pfxSnt", 0)) if peer.get("state") == "Established" else -1


def _vtysh_many(ns: str, commands: list[str]) -> list[Any]:
    args = ["vtysh", "-N", ns]
    for c in commands:
        args += ["-c", c]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    decoder, text, pos, out = json.JSONDecoder(), proc.stdout, 0, []
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        obj, pos = decoder.raw_decode(text, pos)
        out.append(obj)
    return out


def _received_table(ns: str) -> dict[str, dict[str, Any]]:
    """The receiver's accepted paths from the speaker, by prefix, with their attributes.

    ``show bgp ipv4 unicast json`` gives the accepted prefixes and their path attributes;
    communities are only in the per-prefix view, read in batches.
    """
    table = _vtysh(ns, "show bgp ipv4 unicast json")
    out: dict[str, dict[str, Any]] = {}
    for prefix, paths in table.get("routes", {}).items():
        for path in paths:
            if path.get("peerId") == "10.99.0.0":
                out[prefix] = dict(path)
    prefixes = sorted(out)
    for start in range(0, len(prefixes), 60):
        batch = prefixes[start : start + 60]
        for prefix, detail in zip(
            batch, _vtysh_many(ns, [f"show bgp ipv4 unicast {p} json" for p in batch]), strict=True
        ):
            for path in detail.get("paths", []):
                if (path.get("peer") or {}).get("peerId") == "10.99.0.0":
                    out[prefix]["community"] = path.get("community") or {}
                    out[prefix]["aspath"] = path.get("aspath") or {}
    return out


def _frr_attrs(path: dict[str, Any]) -> dict[str, Any]:
    aspath = path.get("aspath") or {}
    path_text = (
        aspath.get("string", "") if isinstance(aspath, dict) and aspath else path.get("path", "")
    )
    comm = path.get("community") or {}
    return {
        "localPreference": path.get("locPrf", path.get("localpref", 100)),
        "metric": path.get("metric", path.get("med", 0)),
        "weight": path.get("weight", 0),
        "communities": sorted((comm.get("string") or "").split()),
        "asPath": [int(a) for a in path_text.split()] if path_text else [],
    }


def _engine_attrs(row: dict[str, Any]) -> dict[str, Any]:
    out = row["Output_Route"]
    return {
        "localPreference": out["localPreference"],
        "metric": out["metric"],
        "weight": out["weight"],
        "communities": sorted(out["communities"]),
        "asPath": [a["asns"][0] for a in out["asPath"]],
    }


def test_receiver_policy_matches_frr(tmp_path: Path) -> None:
    routes = _generate()
    snap = tmp_path / "snap"
    _write_snapshot(snap, routes)
    engine = BuiltinEngine(snap)
    assert {r["Status"] for r in engine.file_parse_status().rows} == {"PASSED"}
    inputs = [
        RouteInput(
            str(net),
            communities=tuple(CLASSES[k][0]),
            as_path=(SPEAKER_AS, *CLASSES[k][1]),
            origin_type="incomplete",
            next_hop_ip="10.99.0.0",
        )
        for net, k in routes.items()
    ]
    expected = {
        r["Input_Route"]["network"]: r
        for r in engine.test_route_policies("rcv", "IN", "in", inputs).rows
    }

    with running_lab(snap, "pol") as up:
        lab_id = up.record.lab_id
        spk, rcv = naming.namespace(lab_id, "spk"), naming.namespace(lab_id, "rcv")
        deadline = time.monotonic() + 90
        while _sent(spk) < N_ROUTES and time.monotonic() < deadline:
            time.sleep(1)
        assert _sent(spk) == N_ROUTES, "the speaker did not advertise every generated route"
        # the receiver's table is final once two reads a second apart agree
        table, previous = _received_table(rcv), None
        while table != previous and time.monotonic() < deadline:
            time.sleep(1.5)
            previous, table = table, _received_table(rcv)

    problems: list[str] = []
    for prefix, row in sorted(expected.items()):
        frr_path = table.get(prefix)
        engine_permit = row["Action"] == "PERMIT"
        if engine_permit != (frr_path is not None):
            problems.append(
                f"{prefix} {row['Input_Route']['communities']} "
                f"{[a['asns'][0] for a in row['Input_Route']['asPath']]}: "
                f"engine {row['Action']}, FRR {'accepted' if frr_path else 'rejected'}"
            )
            continue
        if frr_path is not None:
            ours, theirs = _engine_attrs(row), _frr_attrs(frr_path)
            if ours != theirs:
                problems.append(f"{prefix}: engine {ours} != FRR {theirs}")
    accepted = sum(1 for r in expected.values() if r["Action"] == "PERMIT")
    assert not problems, f"{len(problems)} of {len(expected)} routes disagree:\n" + "\n".join(
        problems
    )
    # the policy must really have exercised both outcomes
    assert 0 < accepted < len(expected)
