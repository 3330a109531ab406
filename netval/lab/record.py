"""A lab's record on disk: what was created, so ``down`` and ``status`` can find it.

The record is written *before* anything is created, so a lab whose ``up`` failed halfway
(or was killed) is still found and removed by ``down``.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, Field

from netval.lab import naming


class NodeRecord(BaseModel):
    name: str
    kind: str
    namespace: str
    mgmt_ip: str = ""
    mgmt_root_ifname: str = ""
    vrrp_interfaces: list[str] = Field(default_factory=list)


class LabRecord(BaseModel):
    lab_id: str
    slot: int
    mgmt_net: str
    snapshot: str
    state: str = "starting"  # starting, up, failed, partial (an apply did not finish)
    username: str = ""
    nodes: list[NodeRecord] = Field(default_factory=list)
    created_at: float = 0.0
    mgmt_block: str = ""
    #: how many changes `lab apply` made: names the cabling each one added
    generation: int = 0
    #: after an apply that did not finish: the candidate, and the routers that run it
    partial_snapshot: str = ""
    partial_devices: list[str] = Field(default_factory=list)
    #: whether that apply finished its cabling and addresses
    partial_wired: bool = False

    def block(self) -> str:
        """The lab's share of the management network (older records knew only the slot)."""
        return self.mgmt_block or str(naming.slot_network(self.mgmt_net, self.slot))

    def router_names(self) -> list[str]:
        return [n.name for n in self.nodes if n.kind == "router"]

    def node(self, name: str) -> NodeRecord | None:
        return next((n for n in self.nodes if n.name == name), None)


@contextmanager
def lock() -> Iterator[None]:
    """Serialize `up`s on this machine (id check, slot choice, record)."""
    root = run_root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_root() -> Path:
    return Path(naming.RUN_ROOT)


def lab_dir(lab_id: str) -> Path:
    return run_root() / lab_id


def inventory_dir(lab_id: str) -> Path:
    return lab_dir(lab_id) / "inventory"


def save(record: LabRecord) -> None:
    path = lab_dir(record.lab_id)
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)
    tmp = path / "lab.json.tmp"
    tmp.write_text(record.model_dump_json(indent=2))
    tmp.replace(path / "lab.json")


def load(lab_id: str) -> LabRecord | None:
    path = lab_dir(lab_id) / "lab.json"
    try:
        return LabRecord.model_validate(json.loads(path.read_text()))
    except (OSError, ValueError):
        return None


def all_records() -> list[LabRecord]:
    root = run_root()
    if not root.is_dir():
        return []
    out = []
    for d in sorted(root.iterdir()):
        if not d.is_dir():
            continue
        rec = load(d.name)
        if rec is not None:
            out.append(rec)
    return out
