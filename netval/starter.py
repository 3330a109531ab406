"""`netval init`: the example network, written where a user can run it.

The package carries the example as data (``netval/examples``): three snapshots of one
network (base, a good and a bad candidate), the catalogs, the Nornir inventory with the
devices' roles, and the two pipeline templates. After ``pip install netval`` there is no
source checkout to copy them from.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from netval.errors import InputError

#: what goes where: the package's example folder -> the user's folder
LAYOUT = {
    "snapshots": "snapshots",
    "checks": "checks",
    "inventory": "inventory",
    "workflows": ".github/workflows",
}


@dataclass
class Written:
    root: Path
    files: list[Path]


def _walk(node: Traversable, rel: Path) -> list[tuple[Traversable, Path]]:
    if node.is_file():
        return [(node, rel)]
    found: list[tuple[Traversable, Path]] = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.name.startswith(".") or child.name == "__pycache__":
            continue
        found += _walk(child, rel / child.name)
    return found


def example_files() -> list[tuple[Traversable, Path]]:
    """(packaged file, path relative to the target folder) for every file of the example."""
    base = resources.files("netval") / "examples"
    files: list[tuple[Traversable, Path]] = []
    for source, target in LAYOUT.items():
        files += _walk(base / source, Path(target))
    return files


def write_example(dest: Path, *, force: bool = False) -> Written:
    files = example_files()
    if dest.exists() and not dest.is_dir():
        raise InputError(f"{dest} is a file", hint="name a folder (it is created if missing)")
    clashes = [rel for _, rel in files if (dest / rel).exists()]
    if clashes and not force:
        shown = ", ".join(str(c) for c in clashes[:3]) + (" ..." if len(clashes) > 3 else "")
        raise InputError(
            f"{dest} already holds {len(clashes)} file(s) of the example ({shown})",
            hint="pick a new or empty folder, or pass --force to overwrite them",
        )
    written = []
    try:
        for source, rel in files:
            path = dest / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(source.read_bytes())
            written.append(path)
    except OSError as exc:
        raise InputError(
            f"cannot write the example into {dest}: {exc.strerror or exc}",
            hint="pick a folder you can write to",
        ) from exc
    return Written(dest, written)
