"""`netval merge`: the reports of a run's shards (`--shard i/n`) as the one run they are.

Shards are merged only when they are one run: the same catalogs (by content), the same items
planned (count and digest over all shards, so the same inventory, --limit and -k), the same
run id, the same gate, and every shard from 1 to n exactly once with no item twice. Anything
else is an input error that says which file differs and how.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

from netval.errors import InputError
from netval.report.json_report import SCHEMA_VERSION
from netval.results import Status
from netval.state import State

#: the facts every shard of one run shares, and what a difference in each means
_SAME = (
    ("catalog_digest", "different catalogs (their contents differ)"),
    ("items_digest", "different items planned (another inventory, --limit or -k)"),
    ("items", "different items planned (another inventory, --limit or -k)"),
    ("run_id", "different runs (--run-id, $NETVAL_RUN_ID or $GITHUB_RUN_ID differ)"),
    ("count", "different shard counts"),
)
_HINT = "merge the reports of one run's shards, each written with --shard INDEX/COUNT --json"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})", hint=_HINT) from exc
    except ValueError as exc:
        raise InputError(f"{path}: not JSON ({exc})", hint=_HINT) from exc
    if not isinstance(doc, dict) or "results" not in doc or "schema_version" not in doc:
        raise InputError(f"{path}: not a netval JSON report", hint=_HINT)
    if doc["schema_version"] != SCHEMA_VERSION:
        raise InputError(
            f"{path}: report schema {doc['schema_version']}, this netval reads {SCHEMA_VERSION}",
            hint="merge reports written by the same netval version",
        )
    if not isinstance(doc.get("shard"), dict) or doc["shard"].get("index") is None:
        raise InputError(f"{path}: not the report of a shard (no --shard)", hint=_HINT)
    return doc


def load_shards(paths: list[Path]) -> list[dict[str, Any]]:
    """The shards' JSON reports in shard order, once checked to be one whole run."""
    if not paths:
        raise InputError("no JSON report to merge", hint=_HINT)
    docs = [(p, _read_json(p)) for p in paths]
    first_path, first = docs[0]
    for path, doc in docs[1:]:
        if doc["gate"] != first["gate"]:
            raise InputError(
                f"{path} is a {doc['gate']} report, {first_path} a {first['gate']} report",
                hint=_HINT,
            )
        for key, meaning in _SAME:
            if doc["shard"].get(key) != first["shard"].get(key):
                raise InputError(
                    f"{path} and {first_path} are not shards of one run: {meaning} "
                    f"({key} {doc['shard'].get(key)!r} vs {first['shard'].get(key)!r})",
                    hint=_HINT,
                )
    count = int(first["shard"]["count"])
    seen: dict[int, Path] = {}
    for path, doc in docs:
        index = int(doc["shard"]["index"])
        if index in seen:
            raise InputError(f"{path} and {seen[index]} are both shard {index}/{count}", hint=_HINT)
        seen[index] = path
    missing = [str(i) for i in range(1, count + 1) if i not in seen]
    if missing:
        raise InputError(
            f"shard {', '.join(missing)} of {count} is missing: the merge would not be the "
            "whole run",
            hint="pass the JSON report of every shard",
        )
    return [doc for _, doc in sorted(docs, key=lambda pd: int(pd[1]["shard"]["index"]))]


def merge_reports(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """One JSON report of the whole run, in the shape of one run's report."""
    results: list[dict[str, Any]] = []
    owner: dict[str, int] = {}
    for doc in docs:
        for result in doc["results"]:
            uid = result["uid"]
            if uid in owner:
                raise InputError(
                    f"{uid} is in shard {owner[uid]} and shard {doc['shard']['index']}",
                    hint="the shards were not split by one netval version; run them again",
                )
            owner[uid] = int(doc["shard"]["index"])
            results.append(result)
    first = docs[0]
    expected = int(first["shard"]["items"])
    planned = sum(int(d["summary"]["planned"]) for d in docs)
    catalogs: list[str] = []
    for doc in docs:
        catalogs += [c for c in doc["catalogs"] if c not in catalogs]
    counts = Counter(r["status"] for r in results)
    collect = [d["collect_seconds"] for d in docs if d["collect_seconds"] is not None]
    started = min(d["started"] for d in docs)
    finished = max(d["finished"] for d in docs)
    merged = dict(first)
    merged.update(
        {
            "catalogs": catalogs,
            "started": started,
            "finished": finished,
            # the shards ran side by side: the whole took as long as the longest
            "duration": max(float(d["duration"]) for d in docs),
            "collect_seconds": max(collect) if collect else None,
            "interrupted": any(d["interrupted"] for d in docs),
            "signal": next((d["signal"] for d in docs if d["signal"]), None),
            "shard": {**first["shard"], "index": None},
            "summary": {s.value: counts.get(s.value, 0) for s in Status}
            | {"total": len(results), "planned": max(planned, expected)},
            "results": results,
        }
    )
    merged["exitstatus"] = _pytest_status(docs, merged)
    return merged


def _pytest_status(docs: list[dict[str, Any]], merged: dict[str, Any]) -> int:
    """pytest's exit status of the whole, as one run would have had it."""
    statuses = [int(d["exitstatus"]) for d in docs]
    for worst in (2, 3, 4):  # interrupted, internal error, usage error
        if worst in statuses:
            return worst
    summary = merged["summary"]
    if summary["fail"] or summary["error"]:
        return 1
    return 0 if summary["total"] else 5


def exit_code(merged: dict[str, Any]) -> tuple[int, str | None]:
    """netval's exit code for the whole run, and why when it is not the results' verdict."""
    summary = merged["summary"]
    if merged["interrupted"] or merged["exitstatus"] == 2:
        return 130, "a shard was interrupted: its items did not all run"
    if merged["exitstatus"] in (3, 4):
        return 2, "a shard stopped on an input or internal error"
    if summary["total"] < summary["planned"]:
        return 1, f"{summary['planned'] - summary['total']} planned item(s) have no result"
    if summary["fail"] or summary["error"]:
        return 1, None
    if not summary["pass"]:
        return 2, f"no check ran ({summary['skip']} skipped)"
    return 0, None


def _suite(path: Path) -> ET.Element:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise InputError(f"{path}: not a JUnit XML file ({exc})", hint=_HINT) from exc
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    if suite is None:
        raise InputError(f"{path}: no <testsuite> in it", hint=_HINT)
    return suite


def _properties(suite: ET.Element) -> dict[str, str]:
    return {p.get("name", ""): p.get("value", "") for p in suite.findall("./properties/property")}


def merge_junit(paths: list[Path], merged: dict[str, Any]) -> ET.ElementTree[ET.Element]:
    """The shards' JUnit files as one suite; each must be a shard of the merged run."""
    shard = merged["shard"]
    suites: dict[int, tuple[Path, ET.Element]] = {}
    for path in paths:
        suite = _suite(path)
        props = _properties(suite)
        where = props.get("shard", "")
        index, _, count = where.partition("/")
        if not index.isdigit() or count != str(shard["count"]):
            raise InputError(
                f"{path}: not the JUnit file of a shard of {shard['count']} "
                f"(shard property {where!r})",
                hint="pass the --junitxml files the same shards wrote",
            )
        for key, meaning in _SAME[:2]:
            if props.get(f"shard_{key}") != shard[key]:
                raise InputError(
                    f"{path} is not of the run the JSON reports are: {meaning}", hint=_HINT
                )
        if props.get("shard_run_id") != (str(shard["run_id"]) if shard["run_id"] else None):
            raise InputError(f"{path} is not of the run the JSON reports are: {_SAME[3][1]}")
        if int(index) in suites:
            raise InputError(f"{path} and {suites[int(index)][0]} are both shard {where}")
        suites[int(index)] = (path, suite)
    missing = [str(i) for i in range(1, int(shard["count"]) + 1) if i not in suites]
    if missing:
        raise InputError(
            f"the JUnit file of shard {', '.join(missing)} of {shard['count']} is missing",
            hint="pass every shard's --junitxml file, or none",
        )
    ordered = [suites[i][1] for i in sorted(suites)]
    first = ordered[0]
    out = ET.Element("testsuite", dict(first.attrib))
    properties = ET.SubElement(out, "properties")
    for name, value in _properties(first).items():
        if name == "shard":
            value = f"merged {shard['count']}"
        ET.SubElement(properties, "property", {"name": name, "value": value})
    totals = Counter[str]()
    seconds = 0.0
    for suite in ordered:
        for key in ("tests", "failures", "errors", "skipped"):
            totals[key] += int(suite.get(key, "0"))
        seconds = max(seconds, float(suite.get("time", "0")))
        out.extend(suite.findall("testcase"))
    for key, total in totals.items():
        out.set(key, str(total))
    out.set("time", f"{seconds:.3f}")
    out.set("timestamp", min(s.get("timestamp", "") for s in ordered))
    root = ET.Element("testsuites")
    root.append(out)
    return ET.ElementTree(root)


def merge_states(paths: list[Path]) -> State:
    """States captured per shard as one baseline; a device captured twice is refused."""
    merged: State | None = None
    owner: dict[str, Path] = {}
    for path in paths:
        state = State.load(path)
        if merged is None:
            merged = State(source=state.source, origin=state.origin)
        elif state.source != merged.source:
            raise InputError(
                f"{path} is a {state.source} state, {paths[0]} a {merged.source} one",
                hint="merge the states `netval capture` wrote for the shards of one network",
            )
        for name, node in state.nodes.items():
            if name in owner:
                raise InputError(
                    f"device {name} is in {owner[name]} and {path}",
                    hint="capture each device in one shard only (netval capture --shard)",
                )
            owner[name] = path
            merged.nodes[name] = node
    assert merged is not None
    return merged
