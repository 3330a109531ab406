"""The built-in data plane against Batfish's recorded routes (dc-as-reuse, Arista EOS).

    /work/venv/bin/python bench/dataplane_refs.py [--show]

Rows are compared on (Node, VRF, Network, Next_Hop, Protocol, Admin_Distance, Metric); prints
matched / missing (in Batfish's answer only) / extra (in the built-in answer only).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = REPO / "tests" / "data" / "batfish" / "dc-as-reuse"


def row_key(row: dict[str, Any]) -> tuple[str, ...]:
    return (
        str(row["Node"]["name"]),
        str(row["VRF"]),
        str(row["Network"]),
        json.dumps(row["Next_Hop"], sort_keys=True),
        str(row["Protocol"]),
        str(row["Admin_Distance"]),
        str(row["Metric"]),
    )


def compare(
    snapshot: Path = SNAPSHOT,
) -> tuple[Counter[tuple[str, ...]], Counter[tuple[str, ...]], Counter[tuple[str, ...]]]:
    sys.path.insert(0, str(REPO))
    from netval.static.builtin import BuiltinEngine
    from netval.static.builtin.dataplane import DataPlane
    from netval.static.builtin.dataplane.answers import route_rows

    reference = json.loads((snapshot / "routes.ref").read_text())[0]["rows"]
    dp = DataPlane.from_loaded(BuiltinEngine(snapshot).loaded)
    ours = Counter(row_key(r) for r in route_rows(dp))
    theirs = Counter(row_key(r) for r in reference)
    return ours & theirs, theirs - ours, ours - theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", action="store_true", help="list missing and extra rows")
    args = parser.parse_args()
    matched, missing, extra = compare()
    total = sum(matched.values()) + sum(missing.values())
    print(
        f"dc-as-reuse routes: matched {sum(matched.values())}/{total}, "
        f"missing {sum(missing.values())}, extra {sum(extra.values())}"
    )
    if args.show:
        for label, rows in (("missing", missing), ("extra", extra)):
            for key in sorted(rows):
                print(f"  {label}: {' | '.join(key)}")


if __name__ == "__main__":
    main()
