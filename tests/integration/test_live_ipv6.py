"""IPv6 end to end in the lab: an IPv6 eBGP session between leaf1 and spine1 of the example
network, collected and judged by `netval check`, then shut down on spine1 for real."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from netval.lab import manager
from tests.integration.labtools import ROOT, check_lab, poll, running_lab, vtysh_json

LOOPBACK6 = "2001:db8:255::11/128"
# device -> (interface, address, peer, peer AS, IPv6 loopback it announces)
ENDS = {
    "leaf1": ("eth1", "2001:db8:254::1/127", "2001:db8:254::", 65101, LOOPBACK6),
    "spine1": ("eth1", "2001:db8:254::/127", "2001:db8:254::1", 65001, None),
}
CATALOG = f"""\
checks:
  - kind: bgp_sessions
    devices: [leaf1]
    peers: ["2001:db8:254::"]
    remote_as: {{"2001:db8:254::": 65101}}
    expect: {{min_prefixes_sent: 1}}
  - kind: routes
    devices: [spine1]
    prefix: "{LOOPBACK6}"
    protocol: bgp
  - kind: bgp_route
    devices: [spine1]
    prefix: "{LOOPBACK6}"
    as_path: [65001]
  - kind: bgp_advertised
    devices: [leaf1]
    peer: "2001:db8:254::"
    prefixes: ["{LOOPBACK6}"]
    only: true
"""


def dual_stack(root: Path) -> Path:
    shutil.copytree(ROOT / "snapshots" / "base", root)
    for device, (iface, address, peer, asn, loopback) in ENDS.items():
        path = root / "configs" / device
        text, n = re.subn(
            rf"(iface {iface}\n  address [^\n]+\n)",
            rf"\g<1>  address {address}\n",
            path.read_text(),
        )
        assert n == 1, device
        if loopback:
            text, n = re.subn(
                r"(iface lo inet loopback\n  address [^\n]+\n)",
                rf"\g<1>  address {loopback}\n",
                text,
            )
            assert n == 1, device
        first = re.search(r"^ neighbor \S+ remote-as \d+\n", text, re.M)
        assert first is not None, device
        text = text[: first.end()] + f" neighbor {peer} remote-as {asn}\n" + text[first.end() :]
        family = (
            " address-family ipv6 unicast\n"
            + (f"  network {loopback}\n" if loopback else "")
            + f"  neighbor {peer} activate\n"
            + f"  neighbor {peer} route-map any6 in\n  neighbor {peer} route-map any6 out\n"
            + " exit-address-family\n"
        )
        # the IPv6 session carries IPv6 unicast only
        text = text.replace(
            " exit-address-family\n",
            f"  no neighbor {peer} activate\n exit-address-family\n !\n{family}",
            1,
        )
        assert text.endswith("end\n"), device
        path.write_text(text[: -len("end\n")] + "route-map any6 permit 10\n!\nend\n")
    return root


@pytest.mark.timeout(300)
def test_ipv6_session_routes_and_advertisements(tmp_path: Path) -> None:
    catalog = tmp_path / "v6.yaml"
    catalog.write_text(CATALOG)
    with running_lab(dual_stack(tmp_path / "snap"), "v6", ROOT / "inventory") as lab:
        record = lab.record
        assert manager.wait_converged(record, 90).converged
        spine1 = record.node("spine1")
        assert spine1 is not None
        # FRR's own view: the IPv6 route is in spine1's kernel-facing RIB
        assert poll(lambda: LOOPBACK6 in vtysh_json(spine1.namespace, "show ipv6 route json"), 30)
        code, results = check_lab(record.lab_id, catalog, tmp_path / "up.json")
        assert code == 0, results
        assert {i: r["status"] for i, r in results.items()} == {
            "bgp_sessions[leaf1]": "pass",
            "routes[spine1]": "pass",
            "bgp_route[spine1]": "pass",
            "bgp_advertised[leaf1]": "pass",
        }

        subprocess.run(
            ["vtysh", "-N", spine1.namespace, "-c", "configure terminal", "-c", "router bgp 65101",
             "-c", "neighbor 2001:db8:254::1 shutdown"],
            check=True, capture_output=True, timeout=20,
        )  # fmt: skip
        assert poll(
            lambda: LOOPBACK6 not in vtysh_json(spine1.namespace, "show ipv6 route json"), 30
        )
        code, results = check_lab(record.lab_id, catalog, tmp_path / "down.json")
        assert code == 1
        session = results["bgp_sessions[leaf1]"]
        assert session["status"] == "fail"
        assert "2001:db8:254:: (AS 65101) is" in session["message"]
        assert results["routes[spine1]"]["status"] == "fail"
        assert f"no route to {LOOPBACK6} on spine1" in results["routes[spine1]"]["message"]
        advertised = results["bgp_advertised[leaf1]"]
        assert advertised["status"] == "fail"
        assert f"not sent: {LOOPBACK6}" in advertised["message"]
