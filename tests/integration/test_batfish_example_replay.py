"""The Batfish engine on Batfish's recorded answers for its example network (13 Cisco IOS
routers, 2 Linux hosts), through real pybatfish calls against the replay service.

Each recording is served only for the parameters Batfish was asked with (refs/commands), so
the engine's own questions that differ (e.g. bgpSessionStatus for all nodes) must come back
as errors. Expected values are read out of the .ref files with json, never from netval.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netval.checks.static_eval import SUCCESS, eval_bgp_status, eval_differential, format_trace
from netval.errors import EngineError
from netval.state import BgpState, State
from netval.static.batfish import BatfishEngine, BatfishSettings, bgp_to_state
from netval.static.engine import Answer, Headers
from netval.testing.batfish_replay import RecordedAnswer, start_replay
from tests.conftest import ROOT
from tests.integration.batfish_dc import CLI, replay_env

EXAMPLE = ROOT / "tests" / "data" / "batfish" / "example"
LIVE = EXAMPLE / "live"
CANDIDATE = EXAMPLE / "candidate"
WITH_BA = EXAMPLE / "live-with-bgp-announcements"
REFS = EXAMPLE / "refs"

# as refs/commands says each was asked
BGP_PARAMS = {"nodes": "as2.*", "remoteNodes": "as3.*"}
TRACE_1_2 = {"startLocation": "@enter(as1core1)", "headers": {"dstIps": "host1"}}
TRACE_2_1 = {"startLocation": "host2", "headers": {"dstIps": "1.0.1.1"}}


def _rows(name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((REFS / name).read_text())[0]["rows"]
    return rows


@pytest.fixture(scope="module")
def replay_port() -> Iterator[int]:
    server, port = start_replay(
        [
            (
                LIVE,
                [
                    RecordedAnswer("fileParseStatus", REFS / "parse-status.ref"),
                    RecordedAnswer("bgpSessionStatus", REFS / "bgpSessionStatus.ref", BGP_PARAMS),
                    RecordedAnswer("traceroute", REFS / "traceroute-1-2.ref", TRACE_1_2),
                    RecordedAnswer("traceroute", REFS / "traceroute-2-1.ref", TRACE_2_1),
                ],
            ),
            (WITH_BA, [RecordedAnswer("routes", REFS / "routes-diff.ref", reference=CANDIDATE)]),
        ]
    )
    yield port
    server.stop()


@pytest.fixture(scope="module")
def live(replay_port: int) -> Iterator[BatfishEngine]:
    engine = BatfishEngine(LIVE, BatfishSettings(host="127.0.0.1", port=replay_port))
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def with_ba(replay_port: int) -> Iterator[BatfishEngine]:
    engine = BatfishEngine(WITH_BA, BatfishSettings(host="127.0.0.1", port=replay_port))
    yield engine
    engine.close()


def test_file_parse_status_lists_the_files_batfish_parsed(live: BatfishEngine) -> None:
    expected = {(r["File_Name"], r["Status"]) for r in _rows("parse-status.ref")}
    answer = live.file_parse_status()
    assert {(r["File_Name"], r["Status"]) for r in answer.rows} == expected
    assert len(answer.rows) == 17
    # the hosts are among them, as Batfish parsed them
    assert any(r["File_Name"].startswith("hosts/") for r in answer.rows)


def test_bgp_session_status_for_all_nodes_is_not_recorded(live: BatfishEngine) -> None:
    # Batfish answered only nodes="as2.*", remoteNodes="as3.*"; the engine asks for all
    with pytest.raises(EngineError, match="bgpSessionStatus"):
        live.bgp_session_status()


def test_bgp_to_state_reads_batfish_session_rows(live: BatfishEngine) -> None:
    status = live._ask("bgpSessionStatus", BGP_PARAMS)
    rows = _rows("bgpSessionStatus.ref")
    assert status.rows == rows
    state = State(source="predicted")
    bgp_to_state(state, status, Answer("bgpSessionCompatibility", [], []))
    for row in rows:
        peers = state.nodes[row["Node"]["name"]].bgp_peers or []
        peer = next(p for p in peers if p.peer == row["Remote_IP"]["value"])
        assert peer.vrf == row["VRF"]
        assert peer.local_as == int(row["Local_AS"])
        assert peer.remote_as == int(row["Remote_AS"])
        assert peer.local_ip == row["Local_IP"]
        established = row["Established_Status"] == "ESTABLISHED"
        assert peer.state == (BgpState.ESTABLISHED if established else BgpState.IDLE)


class _AskedAsRecorded:
    """The Batfish engine, with bgpSessionStatus asked as Batfish's recording was."""

    def __init__(self, engine: BatfishEngine) -> None:
        self._engine = engine

    def bgp_session_status(self) -> Answer:
        return self._engine._ask("bgpSessionStatus", BGP_PARAMS)


def test_bgp_status_check_reads_batfish_established_status(live: BatfishEngine) -> None:
    rows = _rows("bgpSessionStatus.ref")
    devices = sorted({r["Node"]["name"] for r in rows})
    down = [r for r in rows if r["Established_Status"] != "ESTABLISHED"]
    outcome = eval_bgp_status(_AskedAsRecorded(live), devices)  # type: ignore[arg-type]
    assert outcome.status == ("fail" if down else "pass"), outcome.message
    assert f"{len(rows)} BGP session(s)" in outcome.message
    # a device Batfish has no session row for is an error, not a pass
    assert eval_bgp_status(_AskedAsRecorded(live), ["as1core1"]).status == "error"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "dst", "ref"),
    [
        ("@enter(as1core1)", "host1", "traceroute-1-2.ref"),
        ("host2", "1.0.1.1", "traceroute-2-1.ref"),
    ],
)
def test_traceroute_dispositions_and_hops(
    live: BatfishEngine, start: str, dst: str, ref: str
) -> None:
    answer = live.traceroute(start, Headers(dst_ip=dst))
    expected = [t for r in _rows(ref) for t in r["Traces"]]
    traces = [t for r in answer.rows for t in (r.get("Traces") or [])]
    assert [t["disposition"] for t in traces] == [t["disposition"] for t in expected]
    for trace, want in zip(traces, expected, strict=True):
        hops = [h["node"]["name"] for h in want["hops"]]
        text = format_trace(trace)
        assert text.startswith(f"{want['disposition']}: ")
        assert [h.split(" ")[0] for h in text.split(": ", 1)[1].split(" -> ")] == hops
    # the reachability check's verdict on these traces follows Batfish's dispositions
    ok = all(t["disposition"] in SUCCESS for t in expected)
    assert ok == all(str(t.get("disposition")) in SUCCESS for t in traces)


def test_traceroute_with_other_headers_is_not_recorded(live: BatfishEngine) -> None:
    with pytest.raises(EngineError, match="traceroute"):
        live.traceroute("host2", Headers(dst_ip="1.0.1.1", ip_protocol="TCP"))


def test_differential_routes_are_batfish_rows(with_ba: BatfishEngine) -> None:
    rows = _rows("routes-diff.ref")
    answer = with_ba.differential_routes(CANDIDATE)
    assert answer.rows == rows
    outcome = eval_differential(with_ba, CANDIDATE, None, [], [])
    added = sorted(
        (r["Node"]["name"], r["Network"]) for r in rows if r["Entry_Presence"] == "Only in Snapshot"
    )
    removed = [r for r in rows if r["Entry_Presence"] == "Only in Reference"]
    assert outcome.status == ("pass" if not added and not removed else "fail")
    for node, network in added:
        assert node in outcome.message and network in outcome.message


def test_differential_routes_against_another_reference_is_not_recorded(
    with_ba: BatfishEngine,
) -> None:
    with pytest.raises(EngineError, match="routes"):
        with_ba.differential_routes(LIVE)


def _cli(port: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=ROOT, env=replay_env(port)
    )


def _ask_json(port: int, snapshot: Path, question: str, *params: str) -> list[dict[str, Any]]:
    """`netval ask --engine batfish -f json` with each of `params` as a -p option."""
    options = [arg for param in params for arg in ("-p", param)]
    proc = _cli(port, "ask", str(snapshot), question, "--engine", "batfish", "-f", "json", *options)
    assert proc.returncode == 0, proc.stderr
    rows: list[dict[str, Any]] = json.loads(proc.stdout)
    return rows


def test_ask_parse_status_end_to_end(replay_port: int) -> None:
    got = {(r["File_Name"], r["Status"]) for r in _ask_json(replay_port, LIVE, "fileParseStatus")}
    assert got == {(r["File_Name"], r["Status"]) for r in _rows("parse-status.ref")}


def test_ask_traceroute_end_to_end(replay_port: int) -> None:
    rows = _ask_json(replay_port, LIVE, "traceroute", "start=host2", "dst=1.0.1.1")
    got = [t["disposition"] for r in rows for t in r["Traces"]]
    assert got == [t["disposition"] for r in _rows("traceroute-2-1.ref") for t in r["Traces"]]


def test_ask_differential_routes_end_to_end(replay_port: int) -> None:
    rows = _ask_json(replay_port, WITH_BA, "routes", f"reference={CANDIDATE}")
    got = sorted((r["Node"]["name"], r["Network"]) for r in rows)
    assert got == sorted((r["Node"]["name"], r["Network"]) for r in _rows("routes-diff.ref"))


def test_verify_judges_bgp_and_parse_only_on_recorded_answers(
    replay_port: int, tmp_path: Path
) -> None:
    catalog = tmp_path / "cat.yaml"
    catalog.write_text("checks:\n  - kind: parse\n  - kind: bgp_sessions\n")
    report = tmp_path / "r.json"
    proc = _cli(replay_port, "verify", str(LIVE), "--engine", "batfish", "-c", str(catalog),
                "--json", str(report))  # fmt: skip
    assert report.is_file(), proc.stdout + proc.stderr
    results = json.loads(report.read_text())["results"]
    # parse needs initIssues and the BGP checks all-node answers, which Batfish never
    # recorded: each must be an error, never a pass
    assert results and all(r["status"] == "error" for r in results), results
    parse = next(r for r in results if r["id"] == "parse")
    assert "initIssues" in parse["message"]
    assert proc.returncode != 0
