"""The one parser of ACL address operands, for every vendor's access-lists.

An operand is ``any``, ``host A.B.C.D``, ``A.B.C.D/LEN`` or ``A.B.C.D WILDCARD`` (a bare
address is a host). A malformed address, or an operand the engine does not model (an
object-group, say), is a finding on its line: treating it as ``any`` would let a route-map
``match ip address`` permit what the router denies.
"""

from __future__ import annotations

import ipaddress

from netval.static.builtin.model import AclLine
from netval.static.builtin.vendors.common.syntax import InvalidLine

Operand = tuple[int, int] | None  # (address, wildcard) as ints; None = any
_PORT_OPERATORS = ("eq", "neq", "gt", "lt", "range")


def _ip(word: str) -> int | None:
    try:
        return int(ipaddress.IPv4Address(word))
    except ValueError:
        return None


def endpoint(w: list[str], i: int) -> tuple[Operand, int]:
    """The operand at ``w[i]`` and the index after it."""
    if i >= len(w):
        return None, i
    word = w[i]
    if word == "any":
        return None, i + 1
    if word == "host":
        address = _ip(w[i + 1]) if i + 1 < len(w) else None
        if address is None:
            raise InvalidLine("'host' needs an IPv4 address")
        return (address, 0), i + 2
    if "/" in word:
        try:
            net = ipaddress.IPv4Network(word, strict=False)
        except ValueError:
            raise InvalidLine(f"{word!r} is not an IPv4 prefix") from None
        return (int(net.network_address), int(net.hostmask)), i + 1
    address = _ip(word)
    if address is not None:
        wildcard = _ip(w[i + 1]) if i + 1 < len(w) else None
        if wildcard is not None:
            return (address, wildcard), i + 2
        return (address, 0), i + 1
    if "." in word and word.replace(".", "").isdigit():
        raise InvalidLine(f"{word!r} is not an IPv4 address")
    raise InvalidLine(
        f"the built-in engine does not model the ACL operand {word!r}: a route-map matching "
        "this access-list is predicted without this line"
    )


def acl_line(w: list[str], number: int, kind: str) -> AclLine:
    """``permit|deny ...`` of a standard or extended IPv4 access-list."""
    action = w[0]
    if kind == "standard":
        src, _ = endpoint(w, 1)
        return AclLine(action, number, " ".join(w), src=src)
    # extended: action protocol src [ports] dst ...
    src, i = endpoint(w, 2)
    while i < len(w) and w[i] in _PORT_OPERATORS:
        i += 3 if w[i] == "range" else 2
    dst, _ = endpoint(w, i)
    return AclLine(action, number, " ".join(w), src=src, dst=dst)
