"""The login retry policy: full jitter under an exponential ceiling, never for credentials."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

import pytest

from netval.errors import InputError
from netval.live.retry import RetryPolicy, policy_for
from netval.state import Problem


@pytest.mark.parametrize(("attempt", "ceiling"), [(1, 0.5), (2, 1.0), (3, 2.0), (6, 8.0)])
def test_waits_spread_over_zero_to_a_doubling_ceiling(attempt: int, ceiling: float) -> None:
    rng = random.Random(7)
    waits = [RetryPolicy().delay(attempt, rng) for _ in range(2000)]
    assert all(0 <= w <= ceiling for w in waits)
    # full jitter: devices that failed together come back spread over the whole window
    assert min(waits) < 0.05 * ceiling and max(waits) > 0.95 * ceiling


def test_only_transient_problems_are_retried_and_only_so_often() -> None:
    policy = RetryPolicy(retries=2)
    for problem in (Problem.TIMEOUT, Problem.UNREACHABLE, Problem.CONNECTION):
        assert [policy.retries_after(problem, n) for n in (1, 2, 3)] == [True, True, False]
    for problem in (Problem.AUTH_FAILED, Problem.PLATFORM, Problem.COMMAND_FAILED):
        assert not policy.retries_after(problem, 1)


class Host(SimpleNamespace):
    def get(self, key: str) -> Any:
        return self.data.get(key)


def test_host_data_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETVAL_CONNECT_RETRIES", "5")
    assert policy_for(Host(name="a", data={})).retries == 5
    assert policy_for(Host(name="a", data={"connect_retries": 0})).retries == 0
    monkeypatch.delenv("NETVAL_CONNECT_RETRIES")
    assert policy_for(Host(name="a", data={})).retries == 2
    with pytest.raises(InputError, match="host 'a': connect_retries"):
        policy_for(Host(name="a", data={"connect_retries": "-1"}))
