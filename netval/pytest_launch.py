"""What the pytest run that netval starts loads, and what it leaves out.

pytest loads every installed plugin by default, and a test extra brings heavy ones: the
hypothesis plugin alone imports hypothesis (about a second) into every ``netval check``. A
netval run turns autoloading off and loads its own plugin, plus the installed plugins whose
options the run uses (``--html`` needs pytest-html, ``-n`` needs xdist, ``--timeout``
pytest-timeout). Any other plugin is named with ``-p NAME`` as in any pytest run.

The run also spares the garbage collector the objects that outlive it: the modules, the
catalog and the inventory made before it starts.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

from netval.errors import InputError

AUTOLOAD = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"

#: (options, the pytest11 entry points that define them, the distribution to install); an
#: option here stands for its family too: --timeout for --timeout-method, --cov for --cov-report
_NEEDS: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        ("--html", "--self-contained-html", "--css"),
        ("html", "html_fixtures", "metadata"),
        "pytest-html",
    ),
    (
        ("-n", "--numprocesses", "--maxprocesses", "--dist", "--max-worker-restart", "--tx"),
        ("xdist", "xdist.looponfail"),
        "pytest-xdist",
    ),
    (("--timeout",), ("timeout",), "pytest-timeout"),
    (("--metadata",), ("metadata",), "pytest-metadata"),
    (("--reruns", "--only-rerun", "--rerun-except"), ("rerunfailures",), "pytest-rerunfailures"),
    (("--cov", "--no-cov"), ("pytest_cov",), "pytest-cov"),
)


def _uses(arg: str, option: str) -> bool:
    if not option.startswith("--"):  # a short option, maybe with its value attached: -n4
        return arg.startswith(option) and not arg.startswith("--")
    name = arg.partition("=")[0]
    return name == option or name.startswith(option + "-")


def plugin_args(args: list[str]) -> list[str]:
    """``-p`` arguments for netval's plugin and the installed plugins ``args`` use.

    An option whose plugin is not installed is an input error that names the package.
    """
    from importlib.metadata import entry_points

    installed = {entry.name for entry in entry_points(group="pytest11")}
    out = ["-p", "netval" if "netval" in installed else "netval.pytest_plugin"]
    # pytest's unraisable-exception report runs full garbage collections at the end of the
    # session, to find __del__ errors of test code; a netval run has no test code
    out += ["-p", "no:unraisableexception"]
    options = [a for a in args if a.startswith("-")]
    for names, plugins, package in _NEEDS:
        used = next((a for a in options for name in names if _uses(a, name)), None)
        if used is None:
            continue
        present = [p for p in plugins if p in installed]
        if not present:
            raise InputError(
                f"{used.partition('=')[0]} is an option of {package}, which is not installed",
                hint=f"pip install {package}, or leave the option out",
            )
        for plugin in present:
            out += ["-p", plugin]
    return out


@contextmanager
def lean_session() -> Iterator[None]:
    """pytest loads no installed plugin by itself while this holds, and the garbage
    collector leaves alone what exists when it starts (modules, catalog, inventory).

    Those objects live to the end of the process anyway; scanning them again in every full
    collection cost a 50-router check a fifth of its CPU.
    """
    before = os.environ.get(AUTOLOAD)
    os.environ[AUTOLOAD] = "1"
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if before is None:
            os.environ.pop(AUTOLOAD, None)
        else:
            os.environ[AUTOLOAD] = before
