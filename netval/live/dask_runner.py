"""A Nornir runner on Dask distributed: each host's task runs on a Dask worker.

Select it in a nornir config (``pip install 'netval[dask]'``)::

    runner:
      plugin: dask
      options:
        scheduler_address: tcp://10.0.0.5:8786   # a running cluster; or, without it,
        n_workers: 2                              # a LocalCluster of this many processes
        threads_per_worker: 16                    # devices each process logs in to at once

Every host's task is shipped to a worker and its result comes back: the task, the host and
its result must pickle (netval's collection does; a task that closes over a lock does not).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netval.errors import require_extra

if TYPE_CHECKING:
    from nornir.core.inventory import Host
    from nornir.core.task import AggregatedResult, MultiResult, Task


def _run_host(task: Task, host: Host) -> MultiResult:
    from netval.live.collect import register_connections

    # a worker process starts with nornir's registers empty
    register_connections([host])
    return task.copy().start(host)


class DaskRunner:
    #: collect() ships a task with no callbacks or locks to this runner
    ships_tasks = True

    def __init__(
        self,
        scheduler_address: str | None = None,
        n_workers: int = 2,
        threads_per_worker: int = 16,
        num_workers: int | None = None,
    ) -> None:
        require_extra("dask", "distributed", "runner plugin 'dask'")
        self.scheduler_address = scheduler_address
        self.n_workers = n_workers
        # --workers gives num_workers: devices at once over the whole local cluster
        if num_workers is not None:
            threads_per_worker = max(1, num_workers // max(1, n_workers))
        self.threads_per_worker = threads_per_worker
        self.num_workers = n_workers * threads_per_worker
        self._client: Any = None
        self._cluster: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # the task carries its nornir object, and with it this runner: never the client
        return {**self.__dict__, "_client": None, "_cluster": None}

    def client(self) -> Any:
        if self._client is None:
            import distributed

            # distributed's constructors are untyped
            Client: Any = distributed.Client
            LocalCluster: Any = distributed.LocalCluster

            if self.scheduler_address:
                self._client = Client(self.scheduler_address)
            else:
                self._cluster = LocalCluster(
                    n_workers=self.n_workers,
                    threads_per_worker=self.threads_per_worker,
                    processes=True,
                    dashboard_address=None,
                )
                self._client = Client(self._cluster)
        return self._client

    def run(self, task: Task, hosts: list[Host]) -> AggregatedResult:
        from nornir.core.task import AggregatedResult

        client = self.client()
        result = AggregatedResult(task.name)
        if not hosts:
            return result
        futures = client.map(_run_host, [task] * len(hosts), hosts, pure=False)
        for host, future in zip(hosts, futures, strict=True):
            result[host.name] = future.result()
        return result

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None
