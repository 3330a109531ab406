"""A Nornir built from the user's own ``config.yaml``, through nornir's ``InitNornir``.

Any inventory plugin, transform function and runner plugin that is installed works, with the
options the file gives, exactly as in the user's own nornir scripts (relative paths in the
file are taken from the working directory, as nornir takes them). The file is validated
first, so that a wrong key, a plugin that is not installed or an inventory source that does
not answer is an input error naming the file, the line and the key (or the source), never a
traceback out of nornir.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from netval.errors import EnvironmentProblem, InputError
from netval.places import key_path, line_of, plain
from netval.userfiles import load_yaml, read_text

HINT = "see https://nornir.readthedocs.io/en/latest/configuration/ for the keys of config.yaml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InventorySection(_Section):
    plugin: str = "SimpleInventory"
    options: dict[str, Any] = {}
    transform_function: str | None = None
    transform_function_options: dict[str, Any] | None = None


class RunnerSection(_Section):
    plugin: str = "threaded"
    options: dict[str, Any] = {}


class SshSection(_Section):
    config_file: str | None = None


class LoggingSection(_Section):
    enabled: bool | None = None
    level: str | None = None
    log_file: str | None = None
    format: str | None = None
    to_console: bool | None = None
    loggers: list[str] | None = None


class CoreSection(_Section):
    raise_on_error: bool | None = None


class NornirConfigFile(_Section):
    """The sections nornir's ``Config.from_file`` reads; any other key is a mistake."""

    inventory: InventorySection = InventorySection()
    runner: RunnerSection = RunnerSection()
    ssh: SshSection = SshSection()
    logging: LoggingSection = LoggingSection()
    core: CoreSection = CoreSection()
    user_defined: dict[str, Any] = {}


Stage = Literal["inventory", "transform_function", "runner", "config"]


def _validated(path: Path) -> tuple[NornirConfigFile, Any]:
    text = read_text(path, "nornir config", "pass --nornir-config the path of a nornir config.yaml")
    data = load_yaml(
        path, text, "fix the YAML syntax (indentation, colons, quotes)", round_trip=True
    )
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{path}:1: a nornir config is a mapping of sections", hint=HINT)
    try:
        return NornirConfigFile.model_validate(plain(data)), data
    except ValidationError as exc:
        lines = []
        for err in exc.errors()[:8]:
            loc = tuple(err["loc"])
            what = (
                f"unknown key {loc[-1]!r}"
                if err["type"] == "extra_forbidden"
                else str(err["msg"]) + (f" (got {err['input']!r})" if "input" in err else "")
            )
            lines.append(f"{path}:{line_of(data, loc)}: {key_path(loc, data)}: {what}")
        raise InputError("invalid nornir config:\n  " + "\n  ".join(lines), hint=HINT) from exc


GROUPS = {
    "inventory plugin": "nornir.plugins.inventory",
    "transform function": "nornir.plugins.transform_function",
    "runner plugin": "nornir.plugins.runners",
    "connection plugin": "nornir.plugins.connections",
}


def _installed(what: str, register: Any) -> set[str]:
    """Names of one kind of plugin: those installed packages declare, and those registered in
    code (nornir's registers share one dict, so other kinds' declared names are left out)."""
    from importlib import metadata

    declared = {
        kind: {e.name for e in metadata.entry_points(group=g)} for kind, g in GROUPS.items()
    }
    others = set().union(*(names for kind, names in declared.items() if kind != what))
    return declared[what] | (set(register.available) - others)


def _register_all(register: Any, what: str) -> None:
    """Load every installed plugin of one kind; one that cannot be imported is named."""
    from importlib import metadata

    for entry in metadata.entry_points(group=GROUPS[what]):
        try:
            register.register(entry.name, entry.load())
        except Exception as exc:
            dist = getattr(entry.dist, "name", "?")
            raise EnvironmentProblem(
                f"the installed {what} {entry.name!r} (package {dist}) cannot be loaded: "
                f"{type(exc).__name__}: {exc}",
                hint=f"repair or uninstall {dist}",
            ) from exc


def _require_plugin(
    path: Path, data: Any, loc: tuple[str, ...], name: str, register: Any, what: str
) -> None:
    installed = _installed(what, register)
    if name in installed:
        return
    raise InputError(
        f"{path}:{line_of(data, loc)}: {'.'.join(loc)}: no {what} {name!r} is installed "
        f"(installed: {', '.join(sorted(installed)) or 'none'})",
        hint="fix the name, or pip install the package that provides it "
        "(e.g. nornir-netbox for NetBoxInventory2)",
    )


def check_plugins(path: Path, model: NornirConfigFile, data: Any) -> None:
    """Every plugin the file names is installed (an input error naming the key if not)."""
    from nornir.core.plugins.inventory import InventoryPluginRegister, TransformFunctionRegister
    from nornir.core.plugins.runners import RunnersPluginRegister

    inv = model.inventory
    _register_all(InventoryPluginRegister, "inventory plugin")
    _require_plugin(
        path, data, ("inventory", "plugin"), inv.plugin, InventoryPluginRegister, "inventory plugin"
    )
    if inv.transform_function:
        _register_all(TransformFunctionRegister, "transform function")
        _require_plugin(
            path,
            data,
            ("inventory", "transform_function"),
            inv.transform_function,
            TransformFunctionRegister,
            "transform function",
        )
    _register_all(RunnersPluginRegister, "runner plugin")
    _require_plugin(
        path,
        data,
        ("runner", "plugin"),
        model.runner.plugin,
        RunnersPluginRegister,
        "runner plugin",
    )


def _stage(exc: BaseException) -> Stage:
    """Which step of InitNornir failed, from the frames it went through."""
    names = [frame.f_code.co_name for frame, _ in traceback.walk_tb(exc.__traceback__)]
    if "load_runner" in names:
        return "runner"
    if "load_inventory" in names:
        for frame, _ in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_name == "load_inventory" and "h" in frame.f_locals:
                return "transform_function"  # the loop that transforms each host
        return "inventory"
    return "config"


_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")\]]+")


def short_reason(exc: BaseException) -> str:
    """One line for a user: an HTTP client's nested retry text comes down to its errno."""
    text = " ".join(str(exc).split())
    found = _ERRNO.search(text)
    if found and len(text) > 160:
        text = found.group(0).strip()
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__


def _sources(options: dict[str, Any]) -> str:
    """The options that say where an inventory comes from (URLs, files), as written."""
    shown = [
        f"{key}={value}"
        for key, value in sorted(options.items())
        if isinstance(value, str)
        and any(w in key.lower() for w in ("url", "file", "path", "host", "dir"))
        and "token" not in key.lower()
        and "pass" not in key.lower()
    ]
    return f" from {', '.join(shown)}" if shown else ""


def init_nornir(path: Path, workers: int | None = None) -> Any:
    """``InitNornir(config_file=path)``; ``workers`` replaces ``runner.options.num_workers``."""
    model, data = _validated(path)
    check_plugins(path, model, data)
    from nornir import InitNornir

    kwargs: dict[str, Any] = {}
    if workers is not None:
        # Config.from_file replaces a whole section with the one given: keep the file's options
        kwargs["runner"] = {
            "plugin": model.runner.plugin,
            "options": {**model.runner.options, "num_workers": workers},
        }
    inv = model.inventory
    try:
        nr = InitNornir(config_file=str(path), **kwargs)
    except Exception as exc:
        stage = _stage(exc)
        if stage == "inventory":
            message = (
                f"{path}:{line_of(data, ('inventory',))}: inventory: the {inv.plugin} plugin "
                f"cannot load the inventory{_sources(inv.options)}: {short_reason(exc)}"
            )
            hint = "check that the inventory source answers and that inventory.options are right"
            if isinstance(exc, KeyError):
                hint = (
                    f"{exc} is named but not defined: a group a host names must be in the "
                    "group file (inventory.options.group_file, default groups.yaml in the "
                    "working directory)"
                )
        elif stage == "transform_function":
            message = (
                f"{path}:{line_of(data, ('inventory', 'transform_function'))}: "
                f"inventory.transform_function: {inv.transform_function} failed: "
                f"{short_reason(exc)}"
            )
            hint = "check inventory.transform_function_options"
        elif stage == "runner":
            options = kwargs["runner"]["options"] if workers is not None else model.runner.options
            message = (
                f"{path}:{line_of(data, ('runner',))}: runner: the {model.runner.plugin} runner "
                f"does not take the options {options}: {short_reason(exc)}"
            )
            hint = "fix runner.options" + (" (--workers sets num_workers)" if workers else "")
        else:
            message = f"{path}: nornir cannot use this config: {short_reason(exc)}"
            hint = HINT
        raise InputError(message, hint=hint) from exc
    if not nr.inventory.hosts:
        raise InputError(
            f"{path}: the inventory ({inv.plugin}{_sources(inv.options)}) holds no host",
            hint="check the inventory source and its filters (inventory.options)",
        )
    return nr
