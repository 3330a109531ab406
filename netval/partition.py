"""Split a run's items into parts that each log in to a device set of their own.

Two items that read data from one device belong to one part, and so do the devices of an
item that needs several (a VRRP group's routers, an anycast check's devices, a baseline's
group). A part is logged in to once, wherever it runs: on one pytest-xdist worker, or in one
CI shard. An item that reads no device's data (a reachability probe, a check of another
gate) is a part on its own.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from netval.errors import InputError
from netval.runner import Target


def login_devices(target: Target, gate: str) -> list[str]:
    """The devices whose data the item reads in this gate."""
    spec = target.spec
    if gate not in spec.gates:
        return []  # skipped without data
    if gate == "static":
        # a prediction logs in nowhere; a network-wide question is answered by the engine
        return [] if spec.scope == "network" else list(target.devices)
    return [d for d, domains in target.needs().items() if domains]


def groups(targets: list[Target], gate: str) -> dict[str, str]:
    """Item key -> the name of its part (stable: the same targets give the same names)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for t in targets:
        devices = login_devices(t, gate)
        for d in devices:
            parent.setdefault(d, d)
        for d in devices[1:]:
            a, b = find(devices[0]), find(d)
            if a != b:
                parent[max(a, b)] = min(a, b)  # the smallest name roots a part
    out: dict[str, str] = {}
    for t in targets:
        devices = login_devices(t, gate)
        out[t.key] = f"devices:{find(devices[0])}" if devices else f"item:{t.key}"
    return out


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as users write it
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str, option: str = "--shard") -> Shard:
    match = _SHARD.match(text)
    hint = f"{option} takes INDEX/COUNT with 1 <= INDEX <= COUNT, e.g. {option} 2/4"
    if match is None:
        raise InputError(f"{option} {text!r} is not INDEX/COUNT", hint=hint)
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise InputError(f"{option} {text}: index {index} is out of range 1..{count}", hint=hint)
    return Shard(index, count)


def assign(targets: list[Target], gate: str, count: int) -> dict[str, int]:
    """Item key -> its shard (1-based). Parts go whole to one shard, the largest first to
    the least loaded (by devices, then items); ties are broken by a hash of the part's
    name, so the split depends only on the items and devices, not on their order."""
    members: dict[str, list[str]] = {}
    devices: dict[str, set[str]] = {}
    parts = groups(targets, gate)
    for t in targets:
        members.setdefault(parts[t.key], []).append(t.key)
        devices.setdefault(parts[t.key], set()).update(login_devices(t, gate))

    def order(name: str) -> tuple[int, int, str]:
        return (-len(devices[name]), -len(members[name]), hashlib.sha256(name.encode()).hexdigest())

    load = [(0, 0)] * count
    out: dict[str, int] = {}
    for name in sorted(members, key=order):
        shard = min(range(count), key=lambda i: (load[i], i))
        d, n = load[shard]
        load[shard] = (d + len(devices[name]), n + len(members[name]))
        for key in members[name]:
            out[key] = shard + 1
    return out
