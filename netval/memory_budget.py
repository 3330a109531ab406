"""A memory budget for `netval verify`: a snapshot too big for the built-in engine stops the
run with an error that names its size, instead of the kernel's OOM killer ending it.

The built-in engine runs inside the verify process, so the budget is that process's resident
memory, read from /proc/self/statm by a watcher thread. When it is over the budget, the
watcher prints the error and ends the process with exit code 2.

Why not ``resource.setrlimit``: with RLIMIT_DATA at a budget the predicted State's
conversion reaches, the allocation fails inside pydantic-core (Rust), which does not raise
MemoryError but aborts or, as measured, hangs on a lock forever. A limit must not depend on
where the allocation that crosses it happens.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from netval.errors import InputError

#: share of the memory available at start (MemAvailable) that verify may use by default:
#: the rest stays for the machine, so the watcher stops the run before the OOM killer would
DEFAULT_SHARE = 0.8
#: how often the watcher reads the resident size. Measured peak RSS past the budget: 6 MiB
#: at 100M on a 100-device fabric, 2 MiB at 600M on a 300-device one
INTERVAL = 0.02
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
OFF = ("off", "none", "0")


def parse_size(text: str, option: str = "--max-memory") -> int | None:
    """Bytes of '512M', '2G', '1.5GiB', '800MB'; None for 'off'."""
    if text.strip().lower() in OFF:
        return None
    m = _SIZE.match(text)
    if m is None or not m.group(2):
        raise InputError(
            f"{option} {text!r} is not a size",
            hint=f"give a size with its unit, e.g. {option} 4G or {option} 800M "
            f"({option} off: no budget)",
        )
    size = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    if size < 64 * 2**20:
        raise InputError(
            f"{option} {text}: below 64 MiB, netval itself does not start",
            hint=f"give at least {option} 64M",
        )
    return size


def available() -> int | None:
    """MemAvailable from /proc/meminfo in bytes, or None where there is no such file."""
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    m = re.search(r"^MemAvailable:\s+(\d+) kB", text, re.MULTILINE)
    return int(m.group(1)) * 1024 if m else None


def default_budget() -> int | None:
    free = available()
    return int(free * DEFAULT_SHARE) if free is not None else None


def resident() -> int | None:
    """This process's resident set size in bytes."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def shown(size: float) -> str:
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size / 2**10:.0f} KiB"


def watch(budget: int, message: Callable[[int], str]) -> threading.Thread:
    """Start the watcher: once this process's resident size is over ``budget``, it writes
    ``message(resident bytes)`` to stderr and ends the process with exit code 2."""

    def run() -> None:
        stop = threading.Event()
        while not stop.wait(INTERVAL):
            rss = resident()
            if rss is None:
                return  # no /proc: nothing to watch
            if rss > budget:
                try:
                    sys.stderr.write("\n" + message(rss) + "\n")
                    sys.stderr.flush()
                finally:
                    # from a thread: sys.exit would end only this thread, and the main thread
                    # may be deep in the engine's fixed point
                    os._exit(2)

    thread = threading.Thread(target=run, name="netval-memory-budget", daemon=True)
    thread.start()
    return thread
