"""Device errors carry a kind; retries are decided on the kind, never on the message."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from scrapli.exceptions import (
    ScrapliAuthenticationFailed,
    ScrapliConnectionError,
    ScrapliConnectionNotOpened,
    ScrapliTimeout,
)

from netval.catalog import load_catalog_file
from netval.live.collect import classify
from netval.runner import Runner, plan
from netval.state import NodeState, Problem, State


@pytest.mark.parametrize(
    ("exc", "problem"),
    [
        # scrapli's system transport raises its auth exception for every ssh message
        (ScrapliAuthenticationFailed("Timed out connecting to host"), Problem.TIMEOUT),
        (ScrapliAuthenticationFailed("No route to host"), Problem.UNREACHABLE),
        (ScrapliAuthenticationFailed("Could not resolve address for host"), Problem.UNREACHABLE),
        (ScrapliAuthenticationFailed("No matching cipher found for host"), Problem.PLATFORM),
        (
            ScrapliAuthenticationFailed("password prompt seen more than once"),
            Problem.AUTH_FAILED,
        ),
        (ScrapliAuthenticationFailed("b'user@host: Permission denied'"), Problem.AUTH_FAILED),
        (ScrapliTimeout("timed out during in channel ssh authentication"), Problem.TIMEOUT),
        (ScrapliConnectionNotOpened(), Problem.UNREACHABLE),
        (ScrapliConnectionError("encountered EOF reading from transport"), Problem.CONNECTION),
        (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), Problem.UNREACHABLE),
        (TimeoutError("timed out"), Problem.TIMEOUT),
    ],
)
def test_classify(exc: BaseException, problem: Problem) -> None:
    kind, why = classify(exc)
    assert kind is problem
    assert why
    if problem is not Problem.AUTH_FAILED:
        assert "authentication failed" not in why


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        # what scrapli's system transport raises when the lab refuses the login key
        (
            ScrapliAuthenticationFailed(
                str(
                    b"Warning: Permanently added '10.255.8.1' (ED25519) to the list of known "
                    b"hosts.\r\nnv@10.255.8.1: Permission denied (publickey).\r\n"
                )
            ),
            "authentication failed (check username/password): nv@10.255.8.1: Permission "
            "denied (publickey).",
        ),
        (
            ScrapliTimeout("timed out sending input to device"),
            "timed out sending input to device",
        ),
        (
            ScrapliAuthenticationFailed("Timed out connecting to host"),
            "timed out connecting to host",
        ),
        (
            ScrapliAuthenticationFailed("failed: " + str(b"caf\xc3\xa9 \xff")),
            "authentication failed (check username/password): failed: caf\u00e9 \ufffd",
        ),
    ],
)
def test_messages_read_as_text(exc: BaseException, message: str) -> None:
    """No bytes repr, no known-hosts notice, no "timed out: timed out"."""
    assert classify(exc)[1] == message


class FlakySource:
    """r1's device error, of one kind, every time it is collected."""

    description = "test"

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.collections = 0

    def hosts(self) -> dict[str, Any]:
        return {"r1": object()}

    def collect(self, needs: dict[str, Any], progress: Any) -> State:
        self.collections += 1
        node = NodeState(name="r1")
        node.fail("device", self.problem, "cannot collect from r1: authentication failed")
        return State(source="observed", nodes={"r1": node})


@pytest.mark.parametrize(
    ("problem", "retried"),
    [
        (Problem.TIMEOUT, True),
        (Problem.UNREACHABLE, True),
        (Problem.AUTH_FAILED, False),
        (Problem.PLATFORM, False),
    ],
)
def test_retries_follow_the_kind_not_the_text(
    tmp_path: Path, problem: Problem, retried: bool
) -> None:
    cat = tmp_path / "cat.yaml"
    cat.write_text("checks:\n  - kind: bgp_sessions\n    within: 0.3s\n")
    source = FlakySource(problem)
    targets = plan(load_catalog_file(cat), source.hosts(), "live")
    runner = Runner(targets, source, "live", poll_interval=0.05)
    runner.prepare()
    outcome = runner.results[targets[0].key].outcome
    assert outcome.problem is problem
    assert (source.collections > 1) is retried
