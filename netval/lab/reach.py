"""One-shot reachability probes inside a lab: ping, then traceroute for the path, run in
the source router's or host's own namespace, so the packets never leave the lab."""

from __future__ import annotations

import ipaddress
import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

from netval.lab import manager
from netval.state import Probe

_TOTALS = re.compile(r"(\d+) packets transmitted, (\d+) received")
_RTT = re.compile(r"rtt min/avg/max/mdev = [\d.]+/([\d.]+)/")
_HOP = re.compile(r"^\s*(\d+)\s+(\S+)")
_NO_ROUTE = ("Network is unreachable", "No route to host")
#: traceroute's hop limit and per-probe wait: a lab path is short and answers at once
MAX_HOPS = 12


def parse_ping(source: str, destination: str, text: str) -> Probe:
    """`ping -q` output: its totals and average round trip, or why it could not send."""
    totals = _TOTALS.search(text)
    if totals is None:
        for words in _NO_ROUTE:
            if words in text:
                return Probe(
                    source=source, destination=destination, sent=0, received=0,
                    no_route=f"{source} has no route to {destination} ({words.lower()})",
                )  # fmt: skip
        return Probe(
            source=source, destination=destination,
            error=f"ping gave no totals: {text.strip()[-200:] or 'no output'}",
        )  # fmt: skip
    rtt = _RTT.search(text)
    return Probe(
        source=source,
        destination=destination,
        sent=int(totals.group(1)),
        received=int(totals.group(2)),
        rtt_avg_ms=float(rtt.group(1)) if rtt else None,
    )


def parse_traceroute(text: str) -> list[str | None]:
    """`traceroute -n -q 1`: the address that answered each hop, None for no answer."""
    hops: list[str | None] = []
    for line in text.splitlines():
        m = _HOP.match(line)
        if not m:
            continue
        word = m.group(2)
        try:
            hops.append(str(ipaddress.ip_address(word)))
        except ValueError:
            hops.append(None)
    # trailing silent hops say only "lost from here on": keep the first of them
    while len(hops) > 1 and hops[-1] is None and hops[-2] is None:
        hops.pop()
    return hops


def _run(namespace: str, argv: list[str], timeout: float) -> str:
    try:
        proc = subprocess.run(
            ["ip", "netns", "exec", namespace, *argv],
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout if isinstance(exc.stdout, str) else ""
        return out + "\n(timed out)"
    return proc.stdout + proc.stderr


def loopback_address(namespace: str, version: int) -> str | None:
    """The router's first loopback address of the family: what an operator pings from,
    since fabric links are seldom announced and a reply to one would find no way back."""
    try:
        text = _run(namespace, ["ip", "-j", f"-{version}", "addr", "show", "dev", "lo"], 5)
        entries = json.loads(text.strip() or "[]")
    except ValueError:
        return None
    for entry in entries:
        for info in entry.get("addr_info", []):
            address = ipaddress.ip_address(info.get("local", "::1"))
            if not address.is_loopback and not address.is_link_local:
                return str(address)
    return None


def probe(
    namespace: str, source: str, destination: str, count: int, from_address: str | None = None
) -> Probe:
    family = f"-{ipaddress.ip_address(destination).version}"
    bind = ["-I", from_address] if from_address else []
    ping = _run(
        namespace,
        ["ping", family, "-n", "-q", "-c", str(count), "-i", "0.2", "-W", "1", *bind,
         destination],
        timeout=count * 0.2 + 5,
    )  # fmt: skip
    result = parse_ping(source, destination, ping)
    if result.error or result.no_route:
        return result
    trace = _run(
        namespace,
        [
            "traceroute",
            family,
            "-n",
            "-q",
            "1",
            "-w",
            "1",
            "-m",
            str(MAX_HOPS),
            *(["-s", from_address] if from_address else []),
            destination,
        ],
        timeout=MAX_HOPS + 5,
    )
    result.hops = parse_traceroute(trace)
    result.reached = bool(result.hops) and result.hops[-1] == destination
    result.from_address = from_address
    return result


def run(lab_id: str, requests: list[tuple[str, str, int]]) -> list[Probe]:
    """Probe (source, destination, count) for each request, all at once."""
    rec = manager.require(lab_id)

    def one(request: tuple[str, str, int]) -> Probe:
        source, destination, count = request
        node = rec.node(source)
        if node is None:
            return Probe(
                source=source, destination=destination,
                error=f"lab {lab_id} has no router or host {source!r}",
            )  # fmt: skip
        version = ipaddress.ip_address(destination).version
        bound = loopback_address(node.namespace, version) if node.kind == "router" else None
        return probe(node.namespace, source, destination, count, bound)

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, requests))
