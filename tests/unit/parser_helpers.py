"""Shared helpers for the parser tests: fixture loading and robustness properties.

Fixtures are real device captures (see tests/data/parsers/SOURCES.md). The fuzzing
strategies below start from those captures and damage them, so the parsers meet
output that is almost right, which is where a parser crashes instead of failing well.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from netval.live.parsers.base import ParseError, PlatformParser
from netval.state import Domain

DATA = Path(__file__).resolve().parent.parent / "data" / "parsers"

GARBAGE = [
    "",
    "   \n\t\n",
    "% Invalid input detected at '^' marker.",
    "              ^\n% Invalid input detected at '^' marker.\n",
    "% Incomplete command.",
    '% Ambiguous command:  "show ip"',
    "error: syntax error, expecting <command>: bgpp",
    "unknown command.",
    "Connection closed by foreign host.",
    "<html><body>502 Bad Gateway</body></html>",
]


def fixture(relative: str) -> str:
    return (DATA / relative).read_text()


def assert_parse_error_mentions_command(
    parser: PlatformParser, domain: Domain, output: str
) -> ParseError:
    """Parsing must fail with a ParseError that names the command and shows the output."""
    try:
        parser.parse(domain, output)
    except ParseError as exc:
        message = str(exc)
        assert parser.commands[domain] in message, message
        return exc
    raise AssertionError(f"{domain} parse of {output[:60]!r} did not raise ParseError")


def parse_or_parse_error(parser: PlatformParser, domain: Domain, output: str) -> None:
    """The robustness property: a list of State objects, or ParseError, nothing else."""
    try:
        result = parser.parse(domain, output)
    except ParseError:
        return
    assert isinstance(result, list)


JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            paths.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths.extend(_paths(value, (*prefix, index)))
    return paths


def _replace(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {k: (_replace(v, rest, value) if k == head else v) for k, v in node.items()}
    return [(_replace(v, rest, value) if i == head else v) for i, v in enumerate(node)]


@st.composite
def damaged_json(draw: st.DrawFn, text: str) -> str:
    """A real JSON capture with one subtree replaced by an arbitrary JSON value."""
    document = json.loads(text)
    paths = _paths(document)
    path = paths[draw(st.integers(min_value=0, max_value=len(paths) - 1))]
    return json.dumps(_replace(document, path, draw(JSON_VALUE)))


@st.composite
def damaged_text(draw: st.DrawFn, text: str) -> str:
    """A real text capture with lines dropped, replaced or cut short."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if not lines:
            break
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["drop", "replace", "cut"]))
        if action == "drop":
            del lines[index]
        elif action == "replace":
            lines[index] = draw(st.text(max_size=40).filter(lambda s: "\n" not in s))
        else:
            lines[index] = lines[index][: draw(st.integers(min_value=0, max_value=20))]
    return "\n".join(lines)
