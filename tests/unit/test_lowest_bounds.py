""".ci/lowest's pins: every lower bound of the package and its extras is tested at that bound,
or at a higher one that says why; pytest and nornir at exactly theirs."""

from __future__ import annotations

import importlib.util
import tomllib
from types import ModuleType

from packaging.requirements import Requirement
from packaging.version import Version

from tests.conftest import ROOT


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "lowest_bounds", ROOT / ".ci" / "lowest_bounds.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bounds() -> dict[str, Version]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [
        r for extra in ("batfish", "napalm") for r in project["optional-dependencies"][extra]
    ]
    out = {}
    for text in reqs:
        req = Requirement(text)
        lows = [Version(s.version) for s in req.specifier if s.operator == ">="]
        if lows:
            out[req.name] = max(lows)
    return out


def test_every_lower_bound_is_pinned_or_says_why_not() -> None:
    lowest = _module()
    pins = lowest.lower_bounds(ROOT / "pyproject.toml")
    for name, bound in _bounds().items():
        if name in lowest.UNPINNED:
            continue
        assert name in pins, f"{name}>={bound} is not tested at its bound"
        pinned = Version(pins[name].removesuffix(".*"))
        if pinned != bound:
            raised, why = lowest.RAISED[name]
            assert Version(raised) == pinned > bound and why


def test_pytest_and_nornir_are_tested_at_their_bounds() -> None:
    pins = _module().lower_bounds(ROOT / "pyproject.toml")
    bounds = _bounds()
    assert Version(pins["pytest"]) == bounds["pytest"] == Version("8.0")
    assert Version(pins["nornir"]) == bounds["nornir"]


def test_ci_runs_the_lowest_step() -> None:
    assert ".ci/lowest" in (ROOT / ".ci" / "run").read_text()
    assert '.ci/lowest "$RUNNER_TEMP/lowest"' in (ROOT / ".github/workflows/ci.yml").read_text()
