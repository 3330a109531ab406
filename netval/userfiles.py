"""Reading the files users write (snapshots, catalogs, inventories, state files), bounded.

Whatever a file holds, reading it either succeeds or raises ``InputError`` naming the file
and, where there is one, the line:

- text must be UTF-8; a bad byte is reported with its line;
- JSON and YAML may nest at most ``MAX_DEPTH`` levels (deeper input would exhaust Python's
  stack in the parsers or in the code that walks the result);
- YAML aliases may add at most ``ALIAS_NODES`` nodes (or as many as the document itself
  has, when that is more): an "alias bomb" of a few lines otherwise expands to gigabytes,
  and an alias inside its own anchor makes a cycle.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer as RuamelComposer
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.error import YAMLError as RuamelYAMLError
from ruamel.yaml.events import AliasEvent as RuamelAlias
from ruamel.yaml.reader import ReaderError as RuamelReaderError

from netval.errors import InputError

MAX_DEPTH = 64
ALIAS_NODES = 10_000
MAX_DIGITS = 1000
_DECIMAL = re.compile(r"[-+]?[0-9][0-9_:.eE+-]*")


def _line_at(text: str | bytes, offset: int) -> int:
    if isinstance(text, bytes):
        return text.count(b"\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1


def read_text(path: Path, what: str, hint: str | None = None) -> str:
    """The file's text (UTF-8); a missing, unreadable or non-UTF-8 file is an InputError."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{what} {path} is a folder, not a file", hint=hint)
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):  # /dev/zero would be read forever
            raise InputError(f"{what} {path} is a device, not a file", hint=hint)
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{what} {path} does not exist", hint=hint) from exc
    except OSError as exc:
        raise InputError(f"{what} {path} cannot be read: {exc.strerror or exc}", hint=hint) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}:{_line_at(data, exc.start)}: not a text file "
            f"(byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8)",
            hint=f"save the {what} as UTF-8 text",
        ) from exc


# --- JSON ----------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def _too_deep_line(text: str) -> int:
    """The line where JSON text first nests deeper than MAX_DEPTH (strings skipped)."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _line_at(text, m.start())
        elif token in "]}":
            depth -= 1
    return 1


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def load_json(path: Path, what: str, hint: str | None = None) -> Any:
    """Parsed JSON of a user file; bad text, bad JSON or too deep nesting is an InputError."""
    text = read_text(path, what, hint)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})", hint=hint) from exc
    except RecursionError:
        value = None
        deep = True
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise InputError(f"{path}: not valid JSON ({exc})", hint=hint) from exc
    else:
        deep = isinstance(value, dict | list) and _depth_exceeds(value, MAX_DEPTH)
    if deep:
        raise InputError(
            f"{path}:{_too_deep_line(text)}: JSON nested deeper than {MAX_DEPTH} levels",
            hint=hint,
        )
    return value


# --- YAML ----------------------------------------------------------------------------------


class YamlLimit(Exception):
    """Input beyond the bounds above; ``mark`` is where (a YAML mark with ``line``)."""

    def __init__(self, message: str, mark: Any, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.hint = hint or (
            "write the values out instead of nesting them deeply or through large aliases"
        )


class _Bounds:
    """Depth and alias accounting, shared by the composers of both YAML libraries."""

    def __init__(self) -> None:
        self.depth = 0
        self.nodes = 0  # composed from the text
        self.added = 0  # added by aliases: each use counts the aliased subtree again
        self.open: list[Any] = []  # anchors of the nodes being composed
        self._shape: dict[int, tuple[int, int]] = {}  # id(node) -> (size, height)

    def shape(self, node: Any) -> tuple[int, int]:
        """(nodes, levels) of a finished node with aliases expanded, memoized by identity."""
        known = self._shape.get(id(node))
        if known is not None:
            return known
        size, height = 1, 0
        value = node.value
        if isinstance(value, list):
            for item in value:
                for child in item if isinstance(item, tuple) else (item,):
                    s, h = self.shape(child)
                    size += s
                    height = max(height, h)
        self._shape[id(node)] = (size, height + 1)
        return size, height + 1

    def enter(self, event: Any, alias: bool, anchors: dict[Any, Any]) -> None:
        if alias:
            if event.anchor in self.open:
                raise YamlLimit(
                    f"alias *{event.anchor} is inside the node it refers to", event.start_mark
                )
            target = anchors.get(event.anchor)
            if target is None:
                return  # the library reports the undefined alias
            size, height = self.shape(target)
            if self.depth + height > MAX_DEPTH:
                raise YamlLimit(
                    f"alias *{event.anchor} nests the document deeper than {MAX_DEPTH} levels",
                    event.start_mark,
                )
            self.added += size
            if self.added > max(ALIAS_NODES, self.nodes):
                raise YamlLimit(
                    f"aliases expand the document by more than {max(ALIAS_NODES, self.nodes)} "
                    f"nodes (at *{event.anchor})",
                    event.start_mark,
                )
            return
        if self.depth >= MAX_DEPTH:
            raise YamlLimit(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        value = getattr(event, "value", None)
        plain = getattr(event, "style", None) is None  # quoted text is never made a number
        if (
            plain
            and isinstance(value, str)
            and len(value) > MAX_DIGITS
            and _DECIMAL.fullmatch(value)
        ):
            # Python converts at most 4300 decimal digits to an int and raises past that
            raise YamlLimit(
                f"a number of {len(value)} digits",
                event.start_mark,
                f"no value here needs more than {MAX_DIGITS} digits",
            )
        self.nodes += 1


class _RuamelComposer(RuamelComposer):
    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.bounds = _Bounds()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        alias = isinstance(event, RuamelAlias)
        b = self.bounds
        b.enter(event, alias, self.anchors)
        if alias:
            return super().compose_node(parent, index)
        b.depth += 1
        b.open.append(event.anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            b.open.pop()
            b.depth -= 1


class _SafeLoader(yaml.SafeLoader):
    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.bounds = _Bounds()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        alias = isinstance(event, yaml.AliasEvent)
        b = self.bounds
        b.enter(event, alias, self.anchors)
        if alias:
            return super().compose_node(parent, index)
        b.depth += 1
        b.open.append(event.anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            b.open.pop()
            b.depth -= 1


def _yaml_error(path: Path, text: str, exc: Exception, hint: str | None) -> InputError:
    if isinstance(exc, YamlLimit):
        line = getattr(exc.mark, "line", 0) + 1
        return InputError(f"{path}:{line}: {exc.message}", hint=exc.hint)
    if isinstance(exc, RuamelReaderError | yaml.reader.ReaderError):
        char = exc.character
        shown = f"0x{char:02x}" if isinstance(char, int) else repr(char)
        return InputError(
            f"{path}:{_line_at(text, exc.position)}: character {shown} is not allowed in YAML",
            hint="remove control characters from the file",
        )
    if isinstance(exc, MarkedYAMLError | yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        lines = text.splitlines()
        line = lines[mark.line] if mark and mark.line < len(lines) else ""
        if "::" in line or re.search(r"[0-9a-fA-F]+:[0-9a-fA-F]*:", line):
            # `peer: 2001:db8::` is a mapping inside a mapping to YAML
            hint = 'quote IPv6 addresses and prefixes, e.g. peer: "2001:db8::1"'
        return InputError(f"{where}: invalid YAML: {exc.problem or exc.context}", hint=hint)
    return InputError(f"{path}: invalid YAML: {exc}", hint=hint)


def load_yaml(path: Path, text: str, hint: str | None = None, *, round_trip: bool = False) -> Any:
    """Parsed YAML within the bounds (round_trip: ruamel's tree, with line numbers)."""
    try:
        if round_trip:
            loader = YAML(typ="rt")
            loader.Composer = _RuamelComposer
            return loader.load(text)
        return yaml.load(text, Loader=_SafeLoader)  # a SafeLoader subclass
    except (YamlLimit, RuamelYAMLError, yaml.YAMLError) as exc:
        raise _yaml_error(path, text, exc, hint) from exc
    except RecursionError as exc:  # a bound above was not enough for this Python's stack
        raise InputError(f"{path}: nested too deeply", hint=hint) from exc
    except ValueError as exc:  # a constructor refused a value the parser accepted
        raise InputError(f"{path}: a value cannot be read: {exc}", hint=hint) from exc


def load_yaml_file(path: Path, what: str, hint: str | None = None) -> Any:
    return load_yaml(path, read_text(path, what, hint), hint)
