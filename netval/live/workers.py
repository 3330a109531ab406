"""A Nornir runner that stops at once when the run is interrupted.

Nornir's ThreadedRunner submits every host to a ThreadPoolExecutor and leaves its ``with``
block on Ctrl-C, which waits for the running hosts and then starts every queued one: a hung
device holds the exit for its whole timeout and queued hosts keep logging in. Here the
workers are daemon threads that take the next host only while the run goes on; on an
interrupt the queue is dropped and hosts still in flight are abandoned (their sessions end
with the process), so no new login starts and the command exits promptly.

Scrapli's system transport waits for a device in a thread of its own that the interpreter
joins at exit; ending the ``ssh`` processes this process started lets those threads end.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nornir.core.task import AggregatedResult, MultiResult, Task


class StoppableRunner:
    def __init__(self, num_workers: int = 20, poll: float = 0.2) -> None:
        self.num_workers = max(1, num_workers)
        self.poll = poll
        self.stopped = threading.Event()
        self.in_flight: set[str] = set()

    def run(self, task: Task, hosts: list[Any]) -> AggregatedResult:
        from nornir.core.task import AggregatedResult

        result = AggregatedResult(task.name)
        todo: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for host in hosts:
            todo.put(host)
        done: dict[str, MultiResult] = {}
        changed = threading.Condition()

        def work() -> None:
            while not self.stopped.is_set():
                try:
                    host = todo.get_nowait()
                except queue.Empty:
                    return
                with changed:
                    if self.stopped.is_set():
                        return
                    self.in_flight.add(host.name)
                outcome: MultiResult | None = None
                try:
                    outcome = task.copy().start(host)
                finally:
                    with changed:
                        self.in_flight.discard(host.name)
                        if outcome is not None:
                            done[host.name] = outcome
                        changed.notify_all()

        workers = [
            threading.Thread(target=work, name=f"netval-collect-{n}", daemon=True)
            for n in range(min(self.num_workers, len(hosts)))
        ]
        for worker in workers:
            worker.start()
        try:
            with changed:
                while len(done) < len(hosts):
                    # a timeout keeps the main thread responsive to signals on every platform
                    changed.wait(self.poll)
                    if not any(w.is_alive() for w in workers) and len(done) < len(hosts):
                        break  # a worker died outside nornir's own error handling
        except BaseException:
            self.stopped.set()
            end_own_ssh_sessions()
            raise
        for host in hosts:
            if host.name in done:
                result[host.name] = done[host.name]
        return result


def end_own_ssh_sessions() -> int:
    """Stop the ssh clients this process started (scrapli's system transport); a count."""
    me = os.getpid()
    ended = 0
    proc = Path("/proc")
    if not proc.is_dir():
        return 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        parent = int(stat[stat.rfind(")") + 2 :].split()[1])
        if parent == me and name == "ssh":
            try:
                os.kill(int(entry.name), signal.SIGTERM)
                ended += 1
            except OSError:
                pass
    return ended
