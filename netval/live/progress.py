"""Collection progress as a Nornir Processor: what netval's own runs report through, and
what a user's Nornir script can attach to its own `nr.run(task=netval_collect)`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from netval.state import NodeState

#: (device, its NodeState, devices done, devices in the run)
HostDone = Callable[[str, NodeState, int, int], None]


class HostProgress:
    """Calls ``on_done`` once per device when its collection task ends, from the worker
    that ran it (so a Ctrl-C keeps every device already reported)."""

    def __init__(self, on_done: HostDone) -> None:
        self.on_done = on_done
        self._lock = threading.Lock()
        self._done = 0
        self._total = 0

    def task_started(self, task: Any) -> None:
        self._total = len(task.nornir.inventory.hosts)

    def task_completed(self, task: Any, result: Any) -> None:
        pass

    def task_instance_started(self, task: Any, host: Any) -> None:
        pass

    def task_instance_completed(self, task: Any, host: Any, result: Any) -> None:
        value = result[0].result if len(result) else None
        if not isinstance(value, NodeState):
            return
        with self._lock:
            self._done += 1
            done = self._done
        self.on_done(host.name, value, done, self._total)

    def subtask_instance_started(self, task: Any, host: Any) -> None:
        pass

    def subtask_instance_completed(self, task: Any, host: Any, result: Any) -> None:
        pass
