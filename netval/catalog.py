"""Load and validate intent catalogs (YAML).

Every problem is an ``InputError`` naming the file, the line and the key, e.g.
``checks/fabric.yaml:12: checks[2].min_paths: Input should be a valid integer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from netval.checks import CHECK_KINDS, CheckSpec
from netval.errors import InputError
from netval.places import key_path, line_of, plain
from netval.userfiles import load_yaml, read_text

AnyCheck = Annotated[
    Union[CHECK_KINDS],  # type: ignore[valid-type]  # noqa: UP007
    Field(discriminator="kind"),
]
KNOWN_KINDS = sorted(k.model_fields["kind"].annotation.__args__[0] for k in CHECK_KINDS)  # type: ignore[union-attr]


class CatalogModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str | None = None
    checks: list[AnyCheck] = Field(min_length=1)


@dataclass
class CatalogEntry:
    spec: CheckSpec
    file: Path
    line: int
    index: int


@dataclass
class Catalog:
    entries: list[CatalogEntry]
    files: list[Path]


def _message(err: Any, data: Any, loc: tuple[int | str, ...]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown key {loc[-1]!r}"
    if kind == "union_tag_invalid":
        tag = err.get("ctx", {}).get("tag")
        return f"unknown check kind {tag!r} (known kinds: {', '.join(KNOWN_KINDS)})"
    if kind == "union_tag_not_found":
        return f"a check needs a 'kind' (one of: {', '.join(KNOWN_KINDS)})"
    if kind == "missing":
        return f"missing required key {loc[-1]!r}"
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if "input" in err and kind not in ("model_type",):
        got = err["input"]
        if not isinstance(got, dict | list):
            msg += f" (got {got!r})"
    return msg


def load_catalog_file(path: Path) -> list[CatalogEntry]:
    text = read_text(path, "catalog", "pass a catalog with -c, e.g. -c checks/fabric.yaml")
    data = load_yaml(
        path, text, "fix the YAML syntax (indentation, colons, quotes)", round_trip=True
    )
    if data is None:
        raise InputError(f"{path}: the catalog is empty", hint="add a 'checks:' list")
    if not isinstance(data, dict):
        raise InputError(
            f"{path}:1: a catalog is a mapping with a 'checks:' list",
            hint="start the file with 'checks:'",
        )
    try:
        model = TypeAdapter(CatalogModel).validate_python(plain(data))
    except ValidationError as exc:
        lines = []
        for err in exc.errors()[:12]:
            loc = tuple(err["loc"])
            lines.append(
                f"{path}:{line_of(data, loc)}: {key_path(loc, data) or 'catalog'}: "
                f"{_message(err, data, loc)}"
            )
        more = exc.error_count() - len(lines)
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        raise InputError(
            "invalid catalog:\n  " + "\n  ".join(lines),
            hint="`netval kinds` lists the check kinds, `netval kinds KIND` the keys of one",
        ) from exc
    entries = []
    for index, spec in enumerate(model.checks):
        line = line_of(data, ("checks", index))
        entries.append(CatalogEntry(spec=spec, file=path, line=line, index=index))
    return entries


def load_catalogs(paths: list[Path]) -> Catalog:
    entries: list[CatalogEntry] = []
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise InputError(f"{path} holds no .yaml catalog", hint="pass a catalog file")
            for file in found:
                entries += load_catalog_file(file)
                files.append(file)
        else:
            entries += load_catalog_file(path)
            files.append(path)
    return Catalog(entries=entries, files=files)
