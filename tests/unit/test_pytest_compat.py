"""pytest's own options on netval items, on the pytest versions netval allows."""

from __future__ import annotations

from pathlib import Path

from tests.verifytools import verify_candidate_bad


def _verify(tmp_path: Path, *extra: str) -> dict[str, str]:
    code, results, output = verify_candidate_bad(tmp_path, *extra)
    assert code == 1, output
    return {r["id"]: r["status"] for r in results}


def test_last_failed_reruns_every_failed_item_device_ids_included(tmp_path: Path) -> None:
    first = _verify(tmp_path)
    failed = {i for i, s in first.items() if s == "fail"}
    assert "bgp_sessions[leaf3]" in failed and "ecmp#2[leaf1]" in failed
    again = _verify(tmp_path, "--lf")
    assert set(again) == failed


def test_failed_first_runs_the_failed_items_before_the_others(tmp_path: Path) -> None:
    first = _verify(tmp_path)
    failed = [i for i, s in first.items() if s != "pass"]
    assert 0 < len(failed) < len(first)
    # the catalog's own order does not already put every failure first
    assert set(list(first)[: len(failed)]) != set(failed)
    again = _verify(tmp_path, "--ff")
    assert set(again) == set(first)
    assert set(list(again)[: len(failed)]) == set(failed)


def test_stepwise_stops_at_the_first_failure_and_resumes_there(tmp_path: Path) -> None:
    first = _verify(tmp_path, "--sw")
    order = list(first)
    stop = order[-1]
    assert first[stop] != "pass" and all(first[i] == "pass" for i in order[:-1])
    # the next run starts at the item that failed, and stops there while it still fails
    again = _verify(tmp_path, "--sw")
    assert list(again) == [stop]
    # --sw-skip passes over it once: the run goes on to the next failure
    skipped = _verify(tmp_path, "--sw", "--sw-skip")
    assert next(iter(skipped)) == stop and len(skipped) > 1
    assert [s != "pass" for s in skipped.values()].count(True) == 2
