"""Named structures and the references to them, with their file lines (Batfish's
undefinedReferences / unusedStructures answers are about lines)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StructureDef:
    """A named structure; ``lines`` grows when the structure is continued elsewhere."""

    type: str
    name: str
    lines: list[int] = field(default_factory=list)
    # the same lines as a set: a list of 150k entries is one structure continued 150k times
    _seen: set[int] = field(default_factory=set, init=False, repr=False, compare=False)

    def add_line(self, line: int) -> None:
        if line not in self._seen:
            self._seen.add(line)
            self.lines.append(line)


@dataclass(frozen=True)
class Reference:
    """A use of a named structure.

    ``type`` is what Batfish prints as Struct_Type for an undefined reference (often an
    abstract type such as ``ipv4 acl``); ``satisfied_by`` lists the concrete structure types
    whose definition makes the reference defined (and the structure used).
    """

    type: str
    name: str
    context: str
    line: int
    satisfied_by: tuple[str, ...]
