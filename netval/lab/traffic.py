"""Traffic probes inside a lab: continuous pings between hosts while a change is applied.

Each probe is `ping -D` run in the source host's namespace (so its packets never leave the
lab). Loss and the longest outage come from the replies' own timestamps.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import signal
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from netval.errors import InputError
from netval.lab import record
from netval.snapshot import Snapshot

_REPLY = re.compile(r"^\[(\d+\.\d+)\] .*icmp_seq=(\d+)")
_SENT = re.compile(r"(\d+) packets transmitted, (\d+) received")


@dataclass
class ProbeSpec:
    source: str  # a host of the snapshot
    destination: str  # an address

    @property
    def label(self) -> str:
        return f"{self.source}->{self.destination}"


@dataclass
class ProbeResult:
    source: str
    destination: str
    sent: int
    received: int
    #: the longest time without a reply while the probe ran, in seconds
    longest_outage: float
    interval: float
    error: str = ""

    @property
    def lost(self) -> int:
        return max(0, self.sent - self.received)

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "lost": self.lost}


def default_probes(snapshot: Snapshot) -> list[ProbeSpec]:
    """Every host to every other host's first address."""
    hosts = sorted(snapshot.hosts.items())
    out = []
    for src, _ in hosts:
        for dst, spec in hosts:
            if dst == src or not spec.interfaces:
                continue
            first = next(iter(spec.interfaces.values()))
            out.append(ProbeSpec(src, str(ipaddress.ip_interface(first.prefix).ip)))
    return out


def parse_probe(text: str, snapshot: Snapshot, mgmt_net: str) -> ProbeSpec:
    """'HOST:ADDRESS' from the command line."""
    src, sep, dst = text.rpartition(":") if text.count(":") == 1 else text.partition(":")
    if not sep or src not in snapshot.hosts:
        raise InputError(
            f"--probe {text!r}: expected HOST:ADDRESS with HOST one of the snapshot's hosts "
            f"({', '.join(sorted(snapshot.hosts)) or 'none'})",
            hint="e.g. --probe server1:10.10.3.10",
        )
    try:
        address = ipaddress.ip_address(dst)
    except ValueError:
        raise InputError(
            f"--probe {text!r}: {dst!r} is not an IP address", hint="e.g. server1:10.10.3.10"
        ) from None
    if address in ipaddress.ip_network(mgmt_net):
        raise InputError(
            f"--probe {text!r}: {address} is in the lab's management network",
            hint="probe the snapshot's addresses",
        )
    return ProbeSpec(src, str(address))


class Probes:
    """Running pings; ``stop`` ends them and reads their results."""

    def __init__(self, rec: record.LabRecord, specs: list[ProbeSpec], interval: float) -> None:
        self.interval = interval
        self.specs = specs
        self._dir = Path(tempfile.mkdtemp(prefix="netval-probes-"))
        self._procs: list[tuple[ProbeSpec, subprocess.Popen[bytes], Path]] = []
        for index, spec in enumerate(specs):
            node = rec.node(spec.source)
            if node is None or node.kind != "host":
                raise InputError(f"lab {rec.lab_id} has no host {spec.source!r}")
            log = self._dir / f"{index}.txt"
            version = ipaddress.ip_address(spec.destination).version
            with log.open("wb") as handle:
                proc = subprocess.Popen(
                    [
                        "ip",
                        "netns",
                        "exec",
                        node.namespace,
                        "ping",
                        f"-{version}",
                        "-n",
                        "-D",
                        "-W",
                        "1",
                        "-i",
                        f"{interval:g}",
                        spec.destination,
                    ],
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            self._procs.append((spec, proc, log))

    def stop(self) -> list[ProbeResult]:
        for _, proc, _ in self._procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # ping prints its totals on SIGINT
        results = []
        for spec, proc, log in self._procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            results.append(self._read(spec, log.read_text(errors="replace")))
        for _, _, log in self._procs:
            log.unlink(missing_ok=True)
        self._dir.rmdir()
        return results

    def _read(self, spec: ProbeSpec, text: str) -> ProbeResult:
        replies = sorted(
            (int(m.group(2)), float(m.group(1))) for m in map(_REPLY.match, text.splitlines()) if m
        )
        answered = {seq for seq, _ in replies}
        totals = _SENT.search(text)
        if totals is None:
            return ProbeResult(
                spec.source,
                spec.destination,
                0,
                0,
                0.0,
                self.interval,
                error=f"ping gave no totals: {text.strip()[-300:] or 'no output'}",
            )
        # an outage runs from the last reply before lost packets to the first one after,
        # less the one interval that always separates two replies (jitter is no outage);
        # never less than the lost packets' own intervals (ping may catch up after a stall)
        outage = max(
            (
                max(tb - ta - self.interval, (sb - sa - 1) * self.interval)
                for (sa, ta), (sb, tb) in itertools.pairwise(replies)
                if sb - sa > 1
            ),
            default=0.0,
        )
        sent, received = int(totals.group(1)), int(totals.group(2))
        if sent and sent not in answered:
            sent -= 1  # still in flight when the probe stopped: neither lost nor answered
        if replies:
            # lost from the first packet on, or until the probe stopped
            edges = (replies[0][0] - 1, sent - replies[-1][0])
            outage = max(outage, *(n * self.interval for n in edges))
        else:
            outage = sent * self.interval
        return ProbeResult(spec.source, spec.destination, sent, received, outage, self.interval)
