"""The hand-written baseline of bench/live_overhead.py: what a team without netval runs.

    python bench/plain_nornir.py INVENTORY_DIR PLAN.json [--workers 32]

InitNornir on a SimpleInventory folder, the threaded runner, and nornir_scrapli's
``send_commands`` with the show commands PLAN.json lists per host; each output is read as
JSON (the commands ask for it). Prints one JSON line: hosts, commands and failures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nornir import InitNornir
from nornir_scrapli.tasks import send_commands


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("inventory", type=Path)
    parser.add_argument("plan", type=Path)
    parser.add_argument("--workers", type=int, default=32)
    args = parser.parse_args()
    plan: dict[str, list[str]] = json.loads(args.plan.read_text())
    options = {"host_file": str(args.inventory / "hosts.yaml")}
    for key, name in (("group_file", "groups.yaml"), ("defaults_file", "defaults.yaml")):
        if (args.inventory / name).is_file():
            options[key] = str(args.inventory / name)
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": args.workers}},
        inventory={"plugin": "SimpleInventory", "options": options},
        logging={"enabled": False},
    )

    def show(task: Any) -> None:
        task.run(task=send_commands, commands=plan[task.host.name])

    results = nr.filter(filter_func=lambda h: h.name in plan).run(task=show)
    nr.close_connections()
    failed = sorted(name for name, multi in results.items() if multi.failed)
    outputs = 0
    for name, multi in results.items():
        if name in failed:
            continue
        for response in multi[1].scrapli_response:
            json.loads(response.result)
            outputs += 1
    print(json.dumps({"hosts": len(results), "outputs": outputs, "failed": failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
