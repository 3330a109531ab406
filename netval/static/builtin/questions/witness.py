"""Strings that match a regular expression, for searching AS paths and communities.

searchRoutePolicies needs concrete AS paths and community sets that reach each entry of an
as-path or community list. Walking the parsed expression and taking either the first or the
last alternative (and the fewest or one more repetition) yields a few matching strings per
expression; each is checked against the expression before use.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from netval.static.builtin import regexes


def _parser_module() -> Any:
    # re's parser is private and moved in Python 3.11 (sre_parse before); both have parse().
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover
        return importlib.import_module("sre_parse")


_sre_parse = _parser_module()
_MAX_REPEAT = 3


def witnesses(vendor_regex: str) -> list[str]:
    """Up to two strings matching ``vendor_regex`` (as the vendor reads it)."""
    pattern = regexes.compile_vendor(vendor_regex)
    if pattern is None:
        return []
    try:
        parsed: Any = _sre_parse.parse(regexes.translate(vendor_regex))
    except (re.error, RecursionError):
        return []
    out: list[str] = []
    for last in (False, True):
        try:
            text = _gen(list(parsed), last)
        except (ValueError, RecursionError):
            continue
        if pattern.search(text) and text not in out:
            out.append(text)
    return out


def _gen(items: list[Any], last: bool) -> str:
    parts: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            parts.append(chr(arg))
        elif name == "NOT_LITERAL":
            parts.append("0" if chr(arg) != "0" else "1")
        elif name == "ANY":
            parts.append("1")
        elif name == "IN":
            parts.append(_in(arg, last))
        elif name == "BRANCH":
            branches = arg[1]
            parts.append(_gen(list(branches[-1 if last else 0]), last))
        elif name == "SUBPATTERN":
            parts.append(_gen(list(arg[-1]), last))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            count = low if not last else min(max(low, 1), high if high is not None else _MAX_REPEAT)
            count = min(count, _MAX_REPEAT) if low <= _MAX_REPEAT else low
            parts.append("".join(_gen(list(sub), last) for _ in range(count)))
        elif name in ("AT", "ASSERT", "ASSERT_NOT") or name == "GROUPREF":
            continue
        else:
            raise ValueError(f"unsupported regex element {name}")
    return "".join(parts)


def _in(items: list[Any], last: bool) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    choices: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            choices.append(chr(arg))
        elif name == "RANGE":
            choices.append(chr(arg[1] if last else arg[0]))
        elif name == "CATEGORY":
            choices.append("0" if "DIGIT" in str(arg) and "NOT" not in str(arg) else " ")
    if negate:
        for c in "0123456789 :":
            if c not in choices:
                return c
        raise ValueError("negated class covers the alphabet")
    if not choices:
        raise ValueError("empty class")
    # Prefer a digit: AS paths and communities are digits, colons and spaces.
    digits = [c for c in choices if c.isdigit()]
    pool = digits or choices
    return pool[-1] if last else pool[0]


def as_paths_from(text: str) -> tuple[int, ...] | None:
    """An AS path from a witness string, or None when it is not one."""
    tokens = re.split(r"[ ,{}()]+", text.strip(" ,{}()"))
    if tokens == [""]:
        return ()
    if not all(t.isdigit() and int(t) < 2**32 for t in tokens):
        return None
    return tuple(int(t) for t in tokens)


def communities_from(text: str) -> frozenset[str] | None:
    tokens = [t for t in re.split(r"\s+", text.strip()) if t]
    out = set()
    for t in tokens:
        m = re.fullmatch(r"(\d+):(\d+)", t)
        if not m or int(m.group(1)) > 65535 or int(m.group(2)) > 65535:
            return None
        out.add(t)
    return frozenset(out)
