"""Compare the built-in engine's undefinedReferences / unusedStructures with Batfish's own.

Oracle: Batfish's reference answers for its parser unit-test snapshot
(../shared/reference/batfish/parsing-unit-tests-refs/unit-tests-{undefined,unused}.ref, a copy of
the undefined one in tests/data/batfish/parsing-unit-tests/). Only files Batfish reads as
Cisco IOS, Arista EOS or Cumulus (the vendors the built-in engine parses) are compared.

    /work/venv/bin/python bench/builtin_refs.py [--snapshot DIR] [--refs DIR] [--show]

Prints rows matched / missing / extra per vendor and answer, and the overall match rate
(matched / (matched + missing + extra)).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from netval.static.builtin import BuiltinEngine

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "data" / "batfish" / "parsing-unit-tests"
REFS = SNAPSHOT  # Batfish's answers, copied next to the configs they answer
VENDORS = {
    "CISCO_IOS": "ios",
    "ARISTA": "eos",
    "CUMULUS_CONCATENATED": "cumulus",
    "CUMULUS_NCLU": "cumulus",
    "FRR": "cumulus",
}


def _key(kind: str, row: dict[str, Any]) -> tuple[Any, ...]:
    if kind == "undefined":
        return (
            row["File_Name"],
            row["Struct_Type"],
            row["Ref_Name"],
            row["Context"],
            tuple(row["Lines"]["lines"]),
        )
    src = row["Source_Lines"]
    return (src["filename"], row["Structure_Type"], row["Structure_Name"], tuple(src["lines"]))


def compare(snapshot: Path, refs: Path) -> dict[str, Any]:
    engine = BuiltinEngine(snapshot)
    formats = {f.filename: f.format for f in engine.loaded.files}
    ours = {
        "undefined": engine.undefined_references().rows,
        "unused": engine.unused_structures().rows,
    }
    report: dict[str, Any] = {}
    for kind in ("undefined", "unused"):
        ref_file = refs / f"unit-tests-{kind}.ref"
        theirs = json.loads(ref_file.read_text())[0]["rows"]
        want = {_key(kind, r) for r in theirs if formats.get(_key(kind, r)[0]) in VENDORS}
        got = {_key(kind, r) for r in ours[kind] if formats.get(_key(kind, r)[0]) in VENDORS}
        for name, keys in (("matched", want & got), ("missing", want - got), ("extra", got - want)):
            counts = Counter(VENDORS[formats[k[0]]] for k in keys)
            for vendor in ("ios", "eos", "cumulus"):
                report.setdefault(kind, {}).setdefault(vendor, {})[name] = counts.get(vendor, 0)
            report[kind].setdefault("_rows", {})[name] = sorted(keys)
    return report


def rate(report: dict[str, Any]) -> float:
    m = x = e = 0
    for kind in ("undefined", "unused"):
        rows = report[kind]["_rows"]
        m, x, e = m + len(rows["matched"]), x + len(rows["missing"]), e + len(rows["extra"])
    return m / max(1, m + x + e)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--snapshot", type=Path, default=SNAPSHOT)
    ap.add_argument("--refs", type=Path, default=REFS)
    ap.add_argument("--show", action="store_true", help="list missing and extra rows")
    args = ap.parse_args(argv)
    report = compare(args.snapshot, args.refs)
    print(f"{'answer':<10} {'vendor':<8} {'matched':>7} {'missing':>7} {'extra':>7}")
    for kind in ("undefined", "unused"):
        for vendor in ("ios", "eos", "cumulus"):
            c = report[kind][vendor]
            print(f"{kind:<10} {vendor:<8} {c['matched']:>7} {c['missing']:>7} {c['extra']:>7}")
    print(f"match rate (matched / (matched + missing + extra)): {rate(report):.1%}")
    if args.show:
        for kind in ("undefined", "unused"):
            for name in ("missing", "extra"):
                for row in report[kind]["_rows"][name]:
                    print(f"{kind} {name}: {row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
