"""The fuzz harness's memory bound: the whole module runs under an address-space limit."""

from __future__ import annotations

import resource
from collections.abc import Iterator

import pytest

#: room above what the process already maps; a case that needs more gets MemoryError
HEADROOM = 3 << 30


def _mapped() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


@pytest.fixture(autouse=True)
def memory_bound() -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _mapped() + HEADROOM
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With NETVAL_FUZZ_REPORT=FILE, write the cases run per entry point (bench/fuzz_inputs.py)."""
    import json
    import os

    from tests.fuzz.harness import TALLY

    path = os.environ.get("NETVAL_FUZZ_REPORT")
    if path and TALLY.cases:
        report = {"cases": TALLY.cases, "total": TALLY.total(), "slowest_case_s": TALLY.slowest}
        with open(path, "w") as out:
            json.dump(report, out, indent=2)
