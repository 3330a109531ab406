"""A Batfish service that fails a question (an HTTP error, no response, no answer in time):
the items needing that question are errors naming it, every other check still gets its
verdict from Batfish's real answers, and every report is written.

The replay serves Batfish's recorded `routes` answer for dc-as-reuse, and injects the fault
into `undefinedReferences`; the ECMP expectations are read out of the recording itself.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from netval.testing.batfish_replay import Fault, ReplayServer
from tests.conftest import ROOT
from tests.integration.batfish_dc import CLI, DC, ecmp_entries, replay_env, serve_dc_routes
from tests.junit_schema import assert_valid_junit

FAULTY = "undefinedReferences"


@pytest.fixture
def catalog(tmp_path: Path) -> tuple[Path, str, str]:
    ecmp, wide, narrow = ecmp_entries()
    path = tmp_path / "cat.yaml"
    # the failing question first, and asked by two entries
    path.write_text(
        "checks:\n"
        "  - kind: undefined_references\n    name: undef-a\n"
        "  - kind: undefined_references\n    name: undef-b\n" + ecmp
    )
    return path, wide, narrow


def _serve(fault: Fault) -> tuple[ReplayServer, int]:
    return serve_dc_routes(faults={FAULTY: fault})


def _run(port: int, catalog: Path, tmp_path: Path, **env_extra: str) -> dict[str, object]:
    reports = {
        "json": tmp_path / "r.json",
        "junitxml": tmp_path / "r.xml",
        "html": tmp_path / "r.html",
        "md": tmp_path / "r.md",
    }
    env = replay_env(port, **env_extra)
    args = [*CLI, "verify", str(DC), "--engine", "batfish", "-c", str(catalog)]
    for option, path in reports.items():
        args += [f"--{option}", str(path)]
    started = time.monotonic()
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    seconds = time.monotonic() - started
    output = proc.stdout + proc.stderr
    for path in reports.values():
        assert path.is_file() and path.stat().st_size, f"{path.name} missing\n{output}"
    results = {r["id"]: r for r in json.loads(reports["json"].read_text())["results"]}
    assert "Traceback" not in output, output
    # error items too are JUnit as CI tools read it
    junit = assert_valid_junit(reports["junitxml"])
    assert int(junit.getroot().find("testsuite").get("errors")) == sum(
        r["status"] == "error" for r in results.values()
    )
    return {"code": proc.returncode, "results": results, "seconds": seconds, "output": output}


def _assert_the_rest_judged(run: dict[str, object], wide: str, narrow: str) -> None:
    results = run["results"]
    assert isinstance(results, dict)
    assert results[wide]["status"] == "pass", run["output"]
    assert results[narrow]["status"] == "fail", run["output"]
    assert run["code"] == 1


def _faulty_items(run: dict[str, object]) -> list[dict[str, str]]:
    results = run["results"]
    assert isinstance(results, dict)
    items = [results["undef-a"], results["undef-b"]]
    for item in items:
        assert item["status"] == "error", item
        assert f"Batfish question {FAULTY} failed" in item["message"], item
    return items


def _asked(server: ReplayServer, question: str) -> int:
    return sum(1 for e in server.events if e[0] == "ask" and e[3] == question)


@pytest.fixture
def http_error() -> Iterator[ReplayServer]:
    server, _port = _serve(Fault("error", status=503))
    yield server
    server.stop()


def test_http_error_is_an_error_item_and_the_run_goes_on(
    http_error: ReplayServer, catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, wide, narrow = catalog
    run = _run(http_error.port, cat, tmp_path)

    for item in _faulty_items(run):
        assert "503" in item["message"]
    _assert_the_rest_judged(run, wide, narrow)
    # one failure is enough: the second entry is not asked again
    assert _asked(http_error, FAULTY) == 1
    assert _asked(http_error, "routes") == 1


def test_service_not_responding_past_the_request_timeout(
    catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, wide, narrow = catalog
    server, port = _serve(Fault("hang", seconds=8.0))
    try:
        run = _run(port, cat, tmp_path, BATFISH_TIMEOUT="1")
    finally:
        server.stop()

    for item in _faulty_items(run):
        assert "did not respond within 1 s" in item["message"]
    _assert_the_rest_judged(run, wide, narrow)


def test_no_answer_within_the_question_timeout(
    catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, wide, narrow = catalog
    server, port = _serve(Fault("slow", seconds=120.0))
    try:
        run = _run(port, cat, tmp_path, BATFISH_QUESTION_TIMEOUT="1.5")
        asked = _asked(server, FAULTY)
    finally:
        server.stop()

    for item in _faulty_items(run):
        assert "no answer within 1.5 s" in item["message"]
        assert "ASSIGNED" in item["message"]
    _assert_the_rest_judged(run, wide, narrow)
    assert asked == 1
    # waited once, not once per entry, and never for the service's 120 s
    assert isinstance(run["seconds"], float) and run["seconds"] < 60


def test_work_that_ends_abnormally_gives_batfish_s_reason(
    catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, wide, narrow = catalog
    # Batfish works 1 s and then fails: the replay's reason is that it has no recording
    server, port = _serve(Fault("slow", seconds=1.0))
    try:
        run = _run(port, cat, tmp_path)
    finally:
        server.stop()

    for item in _faulty_items(run):
        assert "TERMINATEDABNORMALLY" in item["message"]
        assert "no recorded Batfish answer" in item["message"]
    _assert_the_rest_judged(run, wide, narrow)
