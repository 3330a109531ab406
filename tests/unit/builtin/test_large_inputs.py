"""Inputs large enough that anything quadratic in their size stalls: each test is a hang guard.

A prefix-list of N entries must parse in about N steps and answer a lookup without scanning
all N entries; the vendors share the prefix-list code, so each is generated here.
"""

from __future__ import annotations

import pytest

from netval.static.engine import RouteInput
from tests.unit.builtin.conftest import MakeEngine, frr_device

ENTRIES = 60_000
REPLACED = 258  # a deny entry outside 10.0.0.0/16


def _prefix(k: int) -> str:
    return f"10.{k >> 8}.{k & 255}.0/24"


def _prefix_list_lines() -> list[str]:
    """Entry k (seq 5(k+1)) is ``10.(k>>8).(k&255).0/24`` exactly: deny when k % 3 == 0.

    Seq 1 denies every /24 inside 10.0.0.0/16 before the exact entries are reached, the last
    entry permits everything else, and the sequence number of k = REPLACED is reused at the
    end, which replaces that entry (its /24 then falls through to the last entry)."""
    lines = ["ip prefix-list BIG seq 1 deny 10.0.0.0/16 ge 24 le 24"]
    lines += [
        f"ip prefix-list BIG seq {5 * (k + 1)} {'deny' if k % 3 == 0 else 'permit'} {_prefix(k)}"
        for k in range(ENTRIES)
    ]
    lines.append(f"ip prefix-list BIG seq {5 * (ENTRIES + 1)} permit 0.0.0.0/0 le 32")
    lines.append(f"ip prefix-list BIG seq {5 * (REPLACED + 1)} deny 192.0.2.0/24")
    return lines


def _config(vendor: str) -> str:
    plist = "\n".join(_prefix_list_lines())
    if vendor == "frr":
        rmap = "route-map RM permit 10\n match ip address prefix-list BIG\n"
        return frr_device("r1", {"eth1": "10.255.0.1/31"}, plist + "\n" + rmap)
    if vendor == "ios":
        return (
            "!\nhostname r1\n!\n"
            + plist
            + "\n!\nroute-map RM permit 10\n match ip address prefix-list BIG\n!\nend\n"
        )
    return (
        "! device: r1 (DCS-7050, EOS-4.20.1F)\nhostname r1\n"
        + plist
        + "\nroute-map RM permit 10\n   match ip address prefix-list BIG\n"
    )


def _expected(k: int) -> str:
    if k < 256:  # inside 10.0.0.0/16: seq 1 comes first
        return "DENY"
    if k == REPLACED:
        return "PERMIT"
    return "DENY" if k % 3 == 0 else "PERMIT"


@pytest.mark.timeout(45)
@pytest.mark.parametrize(
    ("vendor", "fmt"), [("frr", "CUMULUS_CONCATENATED"), ("ios", "CISCO_IOS"), ("eos", "ARISTA")]
)
def test_long_prefix_list_parses_and_evaluates(
    make_engine: MakeEngine, vendor: str, fmt: str
) -> None:
    e = make_engine({"r1": _config(vendor)})
    status = e.file_parse_status().rows[0]
    assert (status["Status"], status["File_Format"]) == ("PASSED", fmt)
    keys = [*range(0, ENTRIES, 17), 1, 2, 255, 256, REPLACED, ENTRIES - 1]
    routes = [RouteInput(_prefix(k)) for k in keys]
    routes += [RouteInput("10.3.4.0/25"), RouteInput("192.0.2.0/24"), RouteInput("10.0.0.0/8")]
    rows = e.test_route_policies("r1", "RM", "in", routes).rows
    got = [r["Action"] for r in rows]
    # a /25 matches no exact /24 entry, 192.0.2.0/24 the replacing entry, 10/8 only the last
    assert got == [_expected(k) for k in keys] + ["PERMIT", "DENY", "PERMIT"]


SEARCHED = 20_000
DENIED = 12_345


@pytest.mark.timeout(60)
def test_search_over_a_long_prefix_list(make_engine: MakeEngine) -> None:
    """One candidate per region of the trie the entries cut 10/8 into: 20,001 at /24."""
    lines = [
        f"ip prefix-list BIG seq {5 * (k + 1)} {'deny' if k == DENIED else 'permit'} {_prefix(k)}"
        for k in range(SEARCHED)
    ]
    lines.append(f"ip prefix-list BIG seq {5 * (SEARCHED + 1)} permit 10.0.0.0/8 le 32")
    rmap = "route-map RM permit 10\n match ip address prefix-list BIG\n"
    e = make_engine({"r1": frr_device("r1", {}, "\n".join(lines) + "\n" + rmap)})
    rows = e.search_route_policies("r1", "RM", "in", ["10.0.0.0/8:24"], "deny").rows
    assert [r["Input_Route"]["network"] for r in rows] == [_prefix(DENIED)]
    assert e.search_route_policies("r1", "RM", "in", ["10.64.0.0/10:24"], "deny").rows == []
