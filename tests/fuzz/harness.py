"""The fuzz harness: hostile mutations of real inputs, and the one oracle every case obeys.

A case is a mutated input handed to one of netval's entry points in this process. The only
allowed outcomes are success and ``InputError``; anything else (an uncaught exception, more
than ``BOUND_SECONDS`` of wall time, running out of the memory headroom the fuzz conftest
leaves) fails the test with a reproducer: the seed, what was mutated and how.

Mutations work on bytes, so they reach the decoders too: byte flips and hostile bytes,
line deletion, duplication (up to a few hundred copies, for quadratic behaviour), swaps,
truncation, and token substitution with hostile values (addresses that ``ipaddress`` refuses,
numbers too large for their field, control and bidi characters, shell and regex payloads).
JSON inputs also get structural mutations: a value somewhere replaced by a hostile JSON value.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from netval.errors import InputError
from netval.report.escape import printable
from tests.conftest import ROOT

BOUND_SECONDS = 10.0
SCALE = float(os.environ.get("NETVAL_FUZZ_SCALE", "1"))

#: hostile words: addresses the parsers must refuse, numbers out of range, control bytes,
#: payloads for shells, regexes and format strings, and netval's own keywords out of place
HOSTILE_TOKENS: list[str] = [
    "10.10.\x00255.12",
    "2.1.1e309.1",
    "256.0.0.1",
    "1.2.3.4/33",
    "1.2.3.4/-1",
    "01.2.3.4",
    "\u0661.\u0662.\u0663.\u0664",
    "1.2.3",
    "0.0.0.0/0",
    "255.255.255.255",
    "::",
    "fe80::1%eth0",
    "2001:db8::/129",
    "0",
    "-1",
    "65536",
    "4294967296",
    "18446744073709551616",
    "9" * 5000,
    "\u00b2",
    "1e309",
    "NaN",
    "",
    "\t",
    "\x00",
    "\x1b[2J",
    "\x7f",
    "\u202e",
    "\ufeff",
    "\u00e9",
    "$(id>/tmp/netval-fuzz-canary)",
    "`id`",
    ";",
    "'",
    '"',
    "\\",
    "[",
    "(",
    "{",
    "*",
    "^(_?[0-9]+_?)*x$",
    "(a+)+$",
    "A" * 4096,
    "..",
    "../../etc/passwd",
    "%s%n{0}",
    "null",
    "permit",
    "deny",
    "any",
    "route-map",
    "neighbor",
    "interface",
    "!",
    "#",
    "exit",
    "vrrp",
    "1:2:3",
    "65000:1",
    "4294967295:65536",
]

#: hostile whole lines, mostly real syntax in the wrong place or with wrong values
HOSTILE_LINES: list[str] = [
    "frr version 8.4",
    "# ports.conf --",
    "# This file describes the network interfaces",
    "iface",
    "auto",
    "  address 10.10.\x00255.12/32",
    "  address 2.1.1e309.1/24",
    " bgp router-id 10.10.\x00255.12",
    "router bgp 4294967296",
    "router bgp 65000 vrf",
    " neighbor 2.1.1e309.1 remote-as 65000",
    " neighbor 10.0.0.1 remote-as \u00b2",
    " network 1.2.3.4/33",
    " vrrp 10 ip 2.1.1e309.1",
    " vrrp 10 ipv6 fe80::1",
    " vrrp 0 ip 10.0.0.1",
    " vrrp \u00b2 priority 100",
    "ip route 0.0.0.0/0 10.10.\x00255.12",
    "ip prefix-list X seq 5 permit 1.2.3.4/33 le 99",
    "ip prefix-list X seq 99999999999999999999 permit 10.0.0.0/8",
    "bgp as-path access-list A permit ^(_?[0-9]+_?)*x$",
    "bgp community-list standard C permit 4294967295:65536",
    "route-map R permit 99999999999999999999",
    " set as-path prepend 4294967296",
    " match ip address prefix-list",
    "interface",
    "hostname",
    "hostname ..",
    "router ospf",
    " ospf router-id 1.1e309.1.1",
    " network 10.0.0.0/8 area 1.2.3.4.5",
    "access-list 1 permit 2.1.1e309.1",
    " ip address 10.10.\x00255.12 255.255.255.0",
    " ip address 10.0.0.1 255.0.255.0",
    " standby 1 ip 2.1.1e309.1",
    "end",
    "",
]


HOSTILE_ADDRESSES = [
    "10.10.\x00255.12",
    "2.1.1e309.1",
    "256.0.0.1",
    "1.2.3.4/33",
    "1.2.3.4/-1",
    "01.2.3.4",
    "\u0661.\u0662.\u0663.\u0664",
    "1.2.3",
    "0.0.0.0",
    "0.0.0.0/0",
    "255.255.255.255",
    "224.0.0.1",
    "::",
    "fe80::1",
    "2001:db8::1/64",
    "10.0.0.1/24",
]
HOSTILE_NUMBERS = ["0", "-1", "65536", "4294967296", "18446744073709551616", "9" * 5000, "\u00b2"]
_ADDRESS = re.compile(rb"^\d+\.\d+\.\d+\.\d+(/\d+)?$")
_NUMBER = re.compile(rb"^\d+$")


def draw_hostile(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(HOSTILE_TOKENS))


def _replace_word(
    draw: st.DrawFn, lines: list[bytes], pattern: re.Pattern[bytes], values: list[str]
) -> bool:
    """Replace one word matching ``pattern`` (an address, a number) with a hostile value: where
    a parser takes a value is where a bad one does harm."""
    spots = [
        (i, j)
        for i, line in enumerate(lines)
        for j, word in enumerate(line.split(b" "))
        if pattern.match(word)
    ]
    if not spots:
        return False
    i, j = draw(st.sampled_from(spots))
    words = lines[i].split(b" ")
    words[j] = draw(st.sampled_from(values)).encode("utf-8")
    lines[i] = b" ".join(words)
    return True


@st.composite
def text_mutations(draw: st.DrawFn, data: bytes, max_ops: int = 4) -> bytes:
    """``data`` after 1..max_ops byte- and line-level mutations."""
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, max_ops))):
        if not lines:
            lines = [b""]
        op = draw(
            st.sampled_from(
                [
                    "flip",
                    "byte",
                    "delete",
                    "dup",
                    "swap",
                    "token",
                    "address",
                    "address",
                    "number",
                    "line",
                    "truncate",
                    "indent",
                    "copy",
                ]
            )
        )
        i = draw(st.integers(0, len(lines) - 1))
        if op == "flip":
            line = bytearray(lines[i] or b" ")
            j = draw(st.integers(0, len(line) - 1))
            line[j] ^= draw(st.integers(1, 255))
            lines[i] = bytes(line)
        elif op == "byte":
            j = draw(st.integers(0, len(lines[i])))
            hostile = draw(
                st.sampled_from(
                    [
                        b"\x00",
                        b"\xff",
                        b"\xfe",
                        b"\x1b",
                        b"\r",
                        b"\x0b",
                        b"\x85",
                        b"\xc0",
                        b"\xe2\x80\xae",
                    ]
                )
            )
            lines[i] = lines[i][:j] + hostile + lines[i][j:]
        elif op == "delete":
            del lines[i]
        elif op == "dup":
            times = draw(st.sampled_from([1, 2, 10, 300]))
            lines[i:i] = [lines[i]] * times
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op in ("token", "address", "number"):
            if op == "address" and _replace_word(draw, lines, _ADDRESS, HOSTILE_ADDRESSES):
                continue
            if op == "number" and _replace_word(draw, lines, _NUMBER, HOSTILE_NUMBERS):
                continue
            words = lines[i].split(b" ")
            j = draw(st.integers(0, len(words) - 1))
            words[j] = draw_hostile(draw).encode("utf-8")
            lines[i] = b" ".join(words)
        elif op == "line":
            lines.insert(i, draw(st.sampled_from(HOSTILE_LINES)).encode("utf-8"))
        elif op == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif op == "indent":
            lines[i] = draw(st.sampled_from([b" ", b"  ", b"\t"])) + lines[i].lstrip()
        else:
            j = draw(st.integers(0, len(lines)))
            lines.insert(j, lines[i])
    return b"\n".join(lines)


#: hostile JSON values: wrong types, huge or odd numbers, deep nesting, control characters
JSON_HOSTILE: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            0,
            -1,
            167772161,
            10**30,
            1e309,
            0.5,
            "",
            "10.10.\x00255.12",
            "2.1.1e309.1",
            "10.0.0.1/33",
            "2001:db8::1/64",
            "\x1b[2J",
            "..",
            "a\nb",
            [],
            {},
            ["10.0.0.1/24"],
            {"prefix": "10.0.0.1/24"},
        ]
    ),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=6), children, max_size=3)
        ),
        max_leaves=8,
    ),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


@st.composite
def json_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` (JSON) with a value replaced, a key removed or renamed, or text mutations."""
    kind = draw(st.sampled_from(["replace", "replace", "delete", "rename", "deep", "text"]))
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):  # already mutated past JSON
        kind = "text"
    if kind == "text":
        return draw(text_mutations(data))
    if kind == "deep":
        depth = draw(st.sampled_from([70, 1500, 20000]))
        return b'{"hostname": "h", "edges": ' + b"[" * depth + b"]" * depth + b"}"
    paths = list(_paths(doc))
    path = draw(st.sampled_from(paths))
    if not path:
        return json.dumps(draw(JSON_HOSTILE)).encode()
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if kind == "delete":
        del parent[last]
    elif kind == "rename" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["", "\x00", "hostname", "prefix", "x"]))] = parent.pop(last)
    else:
        parent[last] = draw(JSON_HOSTILE)
    return json.dumps(doc).encode()


# --- the oracle ----------------------------------------------------------------------------


class OverBound(BaseException):
    """The case ran longer than BOUND_SECONDS (a BaseException: no `except Exception` in the
    code under test can hide it)."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise OverBound


@dataclass
class Tally:
    """Cases run per entry point, and the slowest one (for docs/benchmarks.md)."""

    cases: dict[str, int] = field(default_factory=dict)
    slowest: float = 0.0

    def total(self) -> int:
        return sum(self.cases.values())


TALLY = Tally()


@contextmanager
def _time_bound() -> Iterator[None]:
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _alarm)
    # pytest-timeout may be using the same timer for the whole test: give it back afterwards
    outer, interval = signal.setitimer(signal.ITIMER_REAL, BOUND_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            left = max(outer - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, interval)


def run_case(entry: str, case: Callable[[], object], reproducer: Callable[[], str]) -> None:
    """Run one case under the bounds; anything but success or InputError fails the test."""
    TALLY.cases[entry] = TALLY.cases.get(entry, 0) + 1
    started = time.perf_counter()
    problem: str | None = None
    try:
        with _time_bound():
            case()
    except InputError:
        pass
    except OverBound:
        problem = f"over the time bound of {BOUND_SECONDS:g} s"
    except MemoryError:
        problem = "over the memory bound"
    except Exception:
        problem = "uncaught exception:\n" + traceback.format_exc(limit=-8)
    TALLY.slowest = max(TALLY.slowest, time.perf_counter() - started)
    if problem is not None:
        raise AssertionError(f"{entry}: {problem}\nreproducer:\n{reproducer()}")


def _clip(line: str, width: int = 300) -> str:
    return line if len(line) <= width else f"{line[:width]}... ({len(line)} characters)"


def diff(name: str, before: bytes, after: bytes) -> str:
    """The mutation as a unified diff (bytes shown with backslash escapes)."""
    a = before.decode("utf-8", "backslashreplace").split("\n")
    b = after.decode("utf-8", "backslashreplace").split("\n")
    lines = difflib.unified_diff(a, b, name, f"{name} (mutated)", lineterm="", n=1)
    text = "\n".join(_clip(printable(x, lines=False)) for x in lines)
    return text[:6000] + ("\n..." if len(text) > 6000 else "")


def fuzz_settings(examples: int) -> settings:
    """Deterministic runs (same cases every time): the harness is a CI gate, not a search.

    NETVAL_FUZZ_SCALE multiplies the case counts; NETVAL_FUZZ_EXPLORE=1 draws new cases on
    every run (with pytest's --hypothesis-seed to repeat one), to look for new faults.
    """
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        derandomize=os.environ.get("NETVAL_FUZZ_EXPLORE") != "1",
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))
