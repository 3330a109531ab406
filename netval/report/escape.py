"""Text bound for a terminal or a report, made safe to show.

Device output, config lines, catalog values and file names may hold control characters: an
escape sequence printed raw can rewrite the screen, hide lines or change the terminal's
settings. They are shown as escapes (``\\x1b``) instead.
"""

from __future__ import annotations

import re

# C0 and C1 controls (but newline and tab), DEL, the bidirectional overrides that reorder what a
# terminal shows, and lone surrogates (the bytes of a file name that is not UTF-8)
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, lines: bool = True) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), for a terminal.

    ``lines=False`` escapes newlines and tabs too, for names that must stay on one line.
    """
    text = _CONTROL.sub(_escape, text)
    if not lines:
        text = text.replace("\n", "\\n").replace("\t", "\\t")
    return text
