"""pytest-xdist: each device logged in to once, however many workers run.

Every worker collects the same items but logs in to no device while it does. netval's
scheduler, which replaces xdist's ``load`` family (``-n N`` alone, ``--dist load``,
``loadscope``, ``loadfile``, ``loadgroup``, ``worksteal``), hands each part of
``netval.partition`` (the items that share devices) whole to one worker; the worker collects
from the part's devices when the part's first item runs. Workers send each result on its
report, and at their end the items planned, the collection time and the state they saw; the
controller writes the JSON, HTML, markdown and JUnit reports. ``--dist each`` runs every item
on every worker, and so logs in once per worker: it is left as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from netval.pytest_plugin import RunContext

_PARTS_DIR = "netval_parts_dir"
#: the modes whose scheduling netval's replaces: all hand out items by load
REPLACED = frozenset({"load", "loadscope", "loadfile", "loadgroup", "worksteal"})


def publish_parts(session: pytest.Session, parts: dict[str, str]) -> None:
    """A worker writes node id -> part for the controller's scheduler, before xdist tells
    the controller its collection is done."""
    workerinput = getattr(session.config, "workerinput", {})
    folder = workerinput.get(_PARTS_DIR)
    if not folder:
        return
    by_nodeid = {
        item.nodeid: parts[key]
        for item in session.items
        if (key := getattr(getattr(item, "target", None), "key", None)) in parts
    }
    path = Path(folder) / f"{workerinput['workerid']}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(by_nodeid))
    os.replace(tmp, path)


def send_summary(config: pytest.Config, ctx: RunContext) -> None:
    """What the controller's reports need from a worker besides the results."""
    from netval.report import json_report
    from netval.report.run import run_info

    state = ctx.state
    config.workeroutput["netval"] = {  # type: ignore[attr-defined]
        "planned": ctx.planned_count,
        "collect_seconds": ctx.collect_seconds,
        "description": ctx.description,
        "interrupted": json_report.INTERRUPTED,
        "catalogs": run_info(ctx).catalogs,
        "state": state.model_dump(mode="json") if state is not None else None,
        "shard": ctx.shard_info,
    }


class XdistHooks:
    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.folder: Path | None = None
        if ctx.controller:
            self.folder = Path(tempfile.mkdtemp(prefix="netval-xdist-"))

    def parts(self) -> dict[str, str]:
        """Node id -> part, as the first worker wrote it (all collect the same items)."""
        if self.folder is None:
            return {}
        for path in sorted(self.folder.glob("*.json")):
            loaded: dict[str, str] = json.loads(path.read_text())
            return loaded
        return {}

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        if self.folder is not None:
            node.workerinput[_PARTS_DIR] = str(self.folder)

    @pytest.hookimpl(optionalhook=True, tryfirst=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getvalue("dist") not in REPLACED:
            return None
        from xdist.scheduler import LoadScopeScheduling

        parts = self.parts

        class PartScheduling(LoadScopeScheduling):  # type: ignore[misc]
            """Whole parts to one worker each; other tests (a user's own) by module, as
            ``--dist loadscope`` does."""

            _table: dict[str, str] | None = None

            def _split_scope(self, nodeid: str) -> str:
                if self._table is None:
                    self._table = parts()
                part = self._table.get(nodeid)
                return part if part is not None else str(super()._split_scope(nodeid))

        return PartScheduling(config, log)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        out = getattr(node, "workeroutput", {}).get("netval")
        if out is not None:
            self.ctx.remote.append(out)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
