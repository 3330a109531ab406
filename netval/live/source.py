"""The live StateSource: a Nornir inventory, collected with Scrapli."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from netval.live.collect import collect
from netval.live.inventory import open_nornir
from netval.runner import Progress
from netval.state import Domain, NodeState, State


class LiveSource:
    def __init__(
        self, inventory: Path | None = None, lab: str | None = None, workers: int = 32
    ) -> None:
        self.nr = open_nornir(inventory, lab, workers)
        self.description = f"lab {lab}" if lab else f"inventory {inventory or 'inventory'}"

    def hosts(self) -> dict[str, Any]:
        return dict(self.nr.inventory.hosts)

    def collect(self, needs: dict[str, set[Domain]], progress: Progress | None) -> State:
        lock = threading.Lock()
        done = [0]
        total = len([d for d in needs.values() if d])

        def on_done(name: str, _: NodeState) -> None:
            with lock:
                done[0] += 1
                if progress is not None:
                    progress(name, done[0], total)

        return collect(self.nr, needs, on_host_done=on_done, origin=self.description)
