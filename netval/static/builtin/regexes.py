"""AS-path and community regular expressions as Cisco, Arista and FRR read them.

All three use POSIX-like expressions plus Cisco's ``_``, which matches a delimiter: the
start or end of the string, a space, a comma, a brace or a parenthesis (FRR's
``(^|[,{}() ]|$)``; Batfish's own translation leaves out the parentheses, which only appear
in confederation paths). The translation only rewrites ``_`` (outside bracket expressions).

Expressions are matched with RE2, whose time is linear in the text whatever the
expression, because the expressions come from the snapshot under test: with a backtracking
matcher one line such as ``^(_?[0-9]+_?)*x$`` stalls a run for minutes. Three outcomes:

* RE2 compiles it: it is evaluated.
* Python's ``re`` does not compile it: the device rejects the line, so the entry never
  matches (the parsers also report the line).
* Python's ``re`` compiles it but RE2 does not (a back-reference, a repetition count over
  1000, an automaton over RE2's memory bound): the device accepts the line and nothing here
  can evaluate it in bounded time, so matching it raises ``UnevaluableRegex``; a route
  decided by such an entry is an error, never a guess.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import re2

from netval.errors import InputError

_UNDERSCORE = r"(?:^|$|[ ,{}()])"

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a rejected expression is reported by the caller, not on stderr


class Matcher(Protocol):
    def search(self, text: str) -> object | None: ...


class UnevaluableRegex(InputError):
    """A valid expression the linear-time matcher cannot run."""


@dataclass(frozen=True)
class Compiled:
    matcher: Matcher | None  # None: not evaluable (see ``invalid`` for why)
    invalid: bool  # not a regular expression at all: the device rejects the line
    reason: str = ""


def translate(vendor_regex: str) -> str:
    out: list[str] = []
    in_bracket = False
    i = 0
    while i < len(vendor_regex):
        c = vendor_regex[i]
        if c == "\\" and i + 1 < len(vendor_regex):
            out.append(vendor_regex[i : i + 2])
            i += 2
            continue
        if c == "[" and not in_bracket:
            in_bracket = True
        elif c == "]" and in_bracket:
            in_bracket = False
        out.append(_UNDERSCORE if c == "_" and not in_bracket else c)
        i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def compiled(vendor_regex: str) -> Compiled:
    """The expression compiled for matching, or why it cannot be."""
    text = translate(vendor_regex)
    # Python's parser decides validity (compiling is linear; only its matching backtracks),
    # so exactly the expressions that were valid before are valid now
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" and the like
            re.compile(text)
    except (re.error, RecursionError, OverflowError) as exc:
        return Compiled(None, True, f"not a regular expression: {exc}")
    try:
        return Compiled(re2.compile(text, _OPTIONS), False)
    except re2.error as exc:
        return Compiled(None, False, f"the linear-time matcher cannot run it ({_reason(exc)})")


def _reason(exc: Exception) -> str:
    arg = exc.args[0] if exc.args else exc
    return arg.decode(errors="replace") if isinstance(arg, bytes) else str(arg)


def compile_vendor(vendor_regex: str) -> Matcher | None:
    """The compiled expression, or None when it cannot be evaluated."""
    return compiled(vendor_regex).matcher


def problem(vendor_regex: str) -> str | None:
    """Why an expression cannot be evaluated, or None when it can."""
    c = compiled(vendor_regex)
    return None if c.matcher is not None else c.reason


def search(vendor_regex: str, text: str) -> bool:
    """Whether the expression matches somewhere in ``text``; raises ``UnevaluableRegex``
    for an expression that is valid but cannot be evaluated."""
    c = compiled(vendor_regex)
    if c.matcher is not None:
        return c.matcher.search(text) is not None
    if c.invalid:
        return False
    raise UnevaluableRegex(
        f"regular expression '{vendor_regex}' cannot be evaluated: {c.reason}",
        hint="rewrite it without back-references and with repetition counts up to 1000",
    )
