"""Where in a user's YAML file a pydantic error points: its line, and the key path as written."""

from __future__ import annotations

import contextlib
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq


def line_of(data: Any, loc: tuple[int | str, ...]) -> int:
    """Best line (1-based) for a pydantic error location, walking the ruamel tree."""
    node = data
    line = 1
    found = False
    for part in loc:
        if isinstance(node, CommentedMap) and isinstance(part, str):
            if part in node:
                with contextlib.suppress(KeyError, TypeError):
                    line = node.lc.key(part)[0] + 1
                    found = True
                node = node[part]
                continue
            if part == "from_" and "from" in node:
                line = node.lc.key("from")[0] + 1
                found = True
                node = node["from"]
            # a discriminator tag or a missing key: stay on the enclosing mapping
            continue
        if isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            with contextlib.suppress(KeyError, TypeError):
                line = node.lc.item(part)[0] + 1
                found = True
            node = node[part]
            continue
    if isinstance(node, CommentedMap | CommentedSeq) and not found:
        line = node.lc.line + 1
    return line


def key_path(loc: tuple[int | str, ...], data: Any) -> str:
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
        elif isinstance(node, dict) and (part in node or part == "from_"):
            key = "from" if part == "from_" and "from" in node else part
            out += f".{key}" if out else key
            node = node.get(key)
        elif isinstance(node, dict) and "kind" in node and part == node.get("kind"):
            continue  # the union's tag, not a key the user wrote
        else:
            out += f".{part}" if out else str(part)
            node = None
    return out


def plain(node: Any) -> Any:
    """ruamel's tree as plain dicts and lists with string keys, for pydantic."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node
