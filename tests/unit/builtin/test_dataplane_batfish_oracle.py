"""The data plane against Batfish's recorded routes answer (dc-as-reuse: 10 Arista EOS
devices, eBGP leaf-spine with AS reuse and multipath-relax)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from netval.static.builtin import BuiltinEngine
from netval.static.builtin.dataplane import DataPlane
from netval.static.builtin.dataplane.answers import answer_routes

DC = Path(__file__).resolve().parents[2] / "data" / "batfish" / "dc-as-reuse"


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    return (
        row["Node"]["name"],
        row["VRF"],
        row["Network"],
        json.dumps(row["Next_Hop"], sort_keys=True),
        row["Protocol"],
        str(row["Admin_Distance"]),
        str(row["Metric"]),
    )


def _reference() -> dict[str, Any]:
    answer: dict[str, Any] = json.loads((DC / "routes.ref").read_text())[0]
    return answer


def test_every_recorded_row_matches() -> None:
    dp = DataPlane.from_loaded(BuiltinEngine(DC).loaded)
    ours = Counter(_key(r) for r in answer_routes(dp).rows)
    theirs = Counter(_key(r) for r in _reference()["rows"])
    assert sum(theirs.values()) == 198
    assert theirs - ours == Counter(), "rows Batfish has and the built-in engine does not"
    assert ours - theirs == Counter(), "rows the built-in engine has and Batfish does not"


def test_columns_and_row_shape_are_batfishs() -> None:
    dp = DataPlane.from_loaded(BuiltinEngine(DC).loaded)
    answer = answer_routes(dp)
    ref = _reference()
    assert answer.columns == [c["name"] for c in ref["metadata"]["columnMetadata"]]
    by_key = {_key(r): r for r in ref["rows"]}
    for row in answer.rows:
        assert row == by_key[_key(row)]  # every cell, Node's id and Tag included
    assert [_key(r) for r in answer.rows] == [_key(r) for r in ref["rows"]]  # Batfish's order


def test_no_issues_and_two_rounds() -> None:
    dp = DataPlane.from_loaded(BuiltinEngine(DC).loaded)
    assert dp.issues == []
    assert dp.rounds == 2  # BGP once, then a round that confirms the IGP did not move
