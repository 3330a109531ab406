"""Fuzz: mutated real configs never make a parser (or the answers built on it) raise."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netval.errors import InputError
from netval.snapshot import read_device
from netval.static.builtin.model import DeviceModel
from netval.static.builtin.questions import bgp, references
from netval.static.builtin.questions.policy import Evaluator, Route
from netval.static.builtin.vendors.arista_eos import parse as parse_eos
from netval.static.builtin.vendors.cisco_ios import parse as parse_ios
from netval.static.builtin.vendors.frr import parse as parse_frr
from tests.unit.builtin.conftest import REPO, SNAPSHOTS

UNIT = REPO / "tests" / "data" / "batfish" / "parsing-unit-tests" / "configs"
SEEDS = {
    "frr": [p.read_text() for p in sorted((SNAPSHOTS / "candidate-bad" / "configs").iterdir())],
    "ios": [
        (UNIT / n).read_text()
        for n in (
            "cisco_bgp",
            "cisco_route_map",
            "cisco_acl",
            "bgp_address_family",
            "cisco_crypto",
            "cisco_qos",
        )
    ],
    "eos": [
        (UNIT / n).read_text()
        for n in ("arista_bgp", "arista_interface", "arista_community_list_named")
    ],
}
TOKENS = [
    "route-map",
    "permit",
    "deny",
    "neighbor",
    "remote-as",
    "match",
    "set",
    "ip",
    "prefix-list",
    "le",
    "ge",
    "32",
    "0",
    "-1",
    "999999999999",
    "10.0.0.0/8",
    "::/0",
    "interface",
    "router",
    "bgp",
    "seq",
    "!",
    " ",
    "exit-address-family",
    "address-family",
    "community",
    "as-path",
    "prepend",
    "continue",
    "vrrp",
    "256",
    "on-match",
    "goto",
    "[",
    "(",
    "\\",
    "_",
    "*",
    "\t",
    "\x00",
    "é",
    "access-list",
    "any",
    "host",
]


@st.composite
def mutated(draw: st.DrawFn, vendor: str) -> str:
    lines = draw(st.sampled_from(SEEDS[vendor])).split("\n")
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["delete", "dup", "insert", "swap", "truncate", "indent"]))
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "insert":
            words = draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8))
            lines.insert(i, draw(st.sampled_from(["", " ", "  "])) + " ".join(words))
        elif op == "swap":
            words = lines[i].split(" ")
            j = draw(st.integers(0, len(words) - 1))
            words[j] = draw(st.sampled_from(TOKENS))
            lines[i] = " ".join(words)
        elif op == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, max(0, len(lines[i]))))]
        else:
            lines[i] = " " + lines[i]
    return "\n".join(lines)


def _exercise(dev: DeviceModel) -> None:
    references.undefined_rows([dev])
    references.unused_rows([dev])
    bgp.compatibility_rows({dev.hostname: dev}, [])
    ev = Evaluator(dev)
    route = Route(ipaddress.IPv4Network("10.1.0.0/16"), (65001, 64512), frozenset({"65000:1"}))
    for name in dev.route_maps:
        ev.run(name, route, "in")


FAST = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FAST
@given(mutated("frr"))
def test_frr_never_raises(tmp_path_factory: object, text: str) -> None:
    path = Path(str(tmp_path_factory.mktemp("f"))) / "dev"  # type: ignore[attr-defined]
    path.write_text(text)
    try:
        cfg = read_device(path)
    except InputError:
        return  # the snapshot reader refusing a broken layout is the designed outcome
    _exercise(parse_frr.parse_device(cfg, "configs/dev"))


@FAST
@given(mutated("ios"))
def test_ios_never_raises(text: str) -> None:
    _exercise(parse_ios.parse_device(text, "configs/x", "x"))


@FAST
@given(mutated("eos"))
def test_eos_never_raises(text: str) -> None:
    _exercise(parse_eos.parse_device(text, "configs/x", "x"))


@FAST
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    _exercise(parse_ios.parse_device(text, "configs/x", "x"))
    _exercise(parse_eos.parse_device(text, "configs/x", "x"))
