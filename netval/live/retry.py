"""When and how long to wait before logging in to a device again.

A login that failed in a way that can pass (refused while sshd restarts, no banner in time,
a session that broke while opening) is tried again after an exponential backoff with full
jitter, so that devices which failed together (a management switch that blinked) do not
come back together. Credentials, host keys and platforms are never retried: the same login
would fail the same way, and repeating a wrong password can lock the account.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from typing import Any

from netval.errors import InputError
from netval.state import Problem

#: login attempts after the first, unless NETVAL_CONNECT_RETRIES or host data says
DEFAULT_RETRIES = 2
TRANSIENT = frozenset({Problem.TIMEOUT, Problem.UNREACHABLE, Problem.CONNECTION})


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = DEFAULT_RETRIES
    base: float = 0.5  # seconds before the first retry, at most
    cap: float = 8.0  # no wait longer than this

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1 is the first)."""
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        return (rng or random).uniform(0, ceiling)

    def retries_after(self, problem: Problem, attempt: int) -> bool:
        return problem in TRANSIENT and attempt <= self.retries


def _count(value: Any, where: str) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = -1
    if count < 0 or str(value).strip() != str(count):
        raise InputError(
            f"{where}: connect retries must be a whole number >= 0, not {value!r}",
            hint="0 turns retries off; the default is 2",
        )
    return count


def policy_for(host: Any) -> RetryPolicy:
    """The host's policy: its `connect_retries` data, else NETVAL_CONNECT_RETRIES."""
    data = host.get("connect_retries")
    if data is not None:
        return RetryPolicy(_count(data, f"host {host.name!r}: connect_retries"))
    env = os.environ.get("NETVAL_CONNECT_RETRIES")
    if env is not None and env.strip():
        return RetryPolicy(_count(env, "NETVAL_CONNECT_RETRIES"))
    return RetryPolicy()
