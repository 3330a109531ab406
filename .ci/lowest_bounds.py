"""Print pip constraints that pin every lower bound of pyproject.toml (the package's
dependencies and its optional extras, not the test tools): `name==lowest`.

CI installs the package with them into a second venv and runs the unit suite there, so a
lower bound that no longer works fails CI instead of a user's install.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

#: lower bounds that cannot install beside the rest: tested at the lowest that can, and why
RAISED: dict[str, tuple[str, str]] = {
    "PyYAML": ("6.0.2", "6.0 has no Python 3.11 wheel and netmiko (under napalm) needs 6.0.2"),
    "rich": ("13.8.0", "netmiko, under the napalm extra, needs 13.8"),
    "textfsm": ("1.1.3", "netmiko, under the napalm extra, needs 1.1.3"),
    "ruamel.yaml": ("0.18.7", "check-jsonschema (the workflow tests' validator) pins it"),
}
#: left to the resolver: nornir-napalm 0.4 pulls napalm 4.0, whose textfsm<=1.1.2 no netmiko
#: release accepts
UNPINNED = frozenset({"nornir-napalm"})
#: test tools held back to work beside the lowest versions (not bounds of netval's own)
TEST_TOOLS: dict[str, tuple[str, str]] = {
    "check-jsonschema": (
        "0.31.0",
        "later releases subscript click.ParamType: not in click<8.2, typer 0.15.4's cap",
    ),
}
#: releases that carry a build number after the version the bound names (2024.7.10.1530)
PREFIX_PINS = frozenset({"pybatfish"})


def lower_bounds(pyproject: Path) -> dict[str, str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    requirements = list(project["dependencies"])
    extras = project.get("optional-dependencies", {})
    for name in ("batfish", "napalm"):
        requirements += extras.get(name, [])
    pins: dict[str, str] = {}
    for req in requirements:
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*[^;]*?>=\s*([\w.]+)", req)
        if match and match.group(1) not in UNPINNED:
            name, version = match.group(1), match.group(2)
            version = RAISED.get(name, (version, ""))[0]
            pins[name] = f"{version}.*" if name in PREFIX_PINS else version
    return pins


def main() -> None:
    root = Path(__file__).resolve().parents[1]
    for name, version in sorted(lower_bounds(root / "pyproject.toml").items()):
        sys.stdout.write(f"{name}=={version}\n")
    for name, (version, _) in sorted(TEST_TOOLS.items()):
        sys.stdout.write(f"{name}=={version}\n")
    for name, (version, why) in sorted(RAISED.items()):
        sys.stderr.write(f"{name} is tested at {version}, not its lower bound: {why}\n")
    for name, (version, why) in sorted(TEST_TOOLS.items()):
        sys.stderr.write(f"test tool {name} is held at {version}: {why}\n")


if __name__ == "__main__":
    main()
