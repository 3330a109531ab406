"""AS-path and community regular expressions as Cisco, Arista and FRR read them.

All three use POSIX-like expressions plus Cisco's ``_``, which matches a delimiter: the
start or end of the string, a space, a comma, a brace or a parenthesis. Python's ``re``
understands the rest, so the translation only rewrites ``_`` (outside bracket expressions).
"""

from __future__ import annotations

import re
from functools import lru_cache

_UNDERSCORE = r"(?:^|$|[ ,{}()])"


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
def compile_vendor(vendor_regex: str) -> re.Pattern[str] | None:
    """The compiled expression, or None when the vendor's text is not a valid regex."""
    try:
        return re.compile(translate(vendor_regex))
    except re.error:
        return None


def search(vendor_regex: str, text: str) -> bool:
    pattern = compile_vendor(vendor_regex)
    return pattern is not None and pattern.search(text) is not None
