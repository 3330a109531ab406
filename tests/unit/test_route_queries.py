"""Which devices are asked about single prefixes, and what a table asked about a few
prefixes can and cannot say."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pydantic import TypeAdapter

from netval.catalog import CatalogEntry, CatalogModel
from netval.checks.base import evaluate
from netval.runner import _merge_route_queries, plan
from netval.state import NextHop, NodeState, Route, State


def _targets(raw: list[dict[str, Any]], hosts: list[str]) -> Any:
    model = TypeAdapter(CatalogModel).validate_python({"checks": raw})
    entries = [
        CatalogEntry(spec=s, file=Path("c.yaml"), line=i + 2, index=i)
        for i, s in enumerate(model.checks)
    ]
    return plan(entries, {n: SimpleNamespace(data={}) for n in hosts}, "live")


def test_prefix_checks_ask_their_prefixes_and_other_checks_add_nothing() -> None:
    targets = _targets(
        [
            {"kind": "routes", "devices": ["a"], "prefix": "10.0.0.0/24"},
            {"kind": "ecmp", "devices": ["a", "b"], "prefix": "2001:db8::/64", "vrf": "blue",
             "min_paths": 2},
            {"kind": "bgp_sessions"},
        ],
        ["a", "b"],
    )  # fmt: skip
    assert _merge_route_queries(targets) == {
        "a": {("default", "10.0.0.0/24"), ("blue", "2001:db8::/64")},
        "b": {("blue", "2001:db8::/64")},
    }


def _state(asked: dict[str, list[str]] | None, routes: list[Route]) -> State:
    state = State(source="observed")
    state.nodes["a"] = NodeState(name="a", routes=routes, routes_asked=asked)
    return state


def _routes_check(**keys: Any) -> Any:
    return _targets([{"kind": "routes", "devices": ["a"], **keys}], ["a"])[0].spec


def test_an_empty_answer_about_an_asked_prefix_means_absent() -> None:
    state = _state({"default": ["10.9.9.0/24"]}, [])
    absent = evaluate(_routes_check(prefix="10.9.9.0/24", present=False), state, "a", ["a"])
    assert absent.status.value == "pass"
    present = evaluate(_routes_check(prefix="10.9.9.0/24"), state, "a", ["a"])
    assert present.status.value == "fail"


def test_a_prefix_that_was_not_asked_about_is_unknown_not_absent() -> None:
    route = Route(prefix="10.1.0.0/24", protocol="bgp", selected=True,
                  next_hops=[NextHop(ip="10.0.0.1", active=True, fib=True)])  # fmt: skip
    state = _state({"default": ["10.1.0.0/24"]}, [route])
    other = evaluate(_routes_check(prefix="10.2.0.0/24", present=False), state, "a", ["a"])
    assert other.status.value == "error"
    assert "only 10.1.0.0/24 (vrf default) were collected" in other.message
    blue = evaluate(_routes_check(prefix="10.1.0.0/24", vrf="blue"), state, "a", ["a"])
    assert blue.status.value == "error"
