"""Reading ping's output into loss and outage (a real capture of `ping -n -D -i 0.1`, and
the same capture with replies taken out, as a lossy path would leave it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from netval.lab import traffic

CAPTURE = (Path(__file__).parents[1] / "data" / "ping" / "lo_0.1s_11.txt").read_text()


def _read(text: str) -> traffic.ProbeResult:
    probes = traffic.Probes.__new__(traffic.Probes)
    probes.interval = 0.1
    return probes._read(traffic.ProbeSpec("h1", "127.0.0.1"), text)


def _without(seqs: set[int], received: int) -> str:
    lines = [
        line for line in CAPTURE.splitlines() if not any(f"icmp_seq={s} " in line for s in seqs)
    ]
    return "\n".join(lines).replace("11 received", f"{received} received")


def test_a_clean_run_has_no_loss_and_no_outage() -> None:
    r = _read(CAPTURE)
    assert (r.sent, r.received, r.lost, r.longest_outage) == (11, 11, 0, 0.0)


def test_lost_replies_in_the_middle_give_the_outage_between_the_replies_around_them() -> None:
    r = _read(_without({4, 5, 6}, 8))
    assert r.lost == 3
    # seq 3 at .805914, seq 7 at 1.221858: 0.416 s apart, less one interval
    assert r.longest_outage == pytest.approx(0.316, abs=0.001)


def test_the_packet_in_flight_when_the_probe_stopped_is_not_lost() -> None:
    r = _read(_without({11}, 10))
    assert (r.sent, r.lost, r.longest_outage) == (10, 0, 0.0)


def test_loss_until_the_end_counts_as_outage() -> None:
    r = _read(_without({8, 9, 10, 11}, 7))
    assert r.lost == 3 and r.longest_outage == pytest.approx(0.3)


def test_no_totals_is_an_error_not_a_clean_run() -> None:
    r = _read("ping: connect: Network is unreachable\n")
    assert r.error and "Network is unreachable" in r.error and r.sent == 0


def test_probe_arguments_are_checked(tmp_path: Path) -> None:
    from netval.errors import InputError
    from netval.snapshot import load_snapshot

    snap = load_snapshot(Path(__file__).parents[2] / "snapshots" / "base")
    assert traffic.parse_probe("server1:10.10.3.10", snap, "10.255.0.0/16").destination == (
        "10.10.3.10"
    )
    for bad in ("nohost:10.10.3.10", "server1:not-an-ip", "server1:10.255.0.1", "server1"):
        with pytest.raises(InputError):
            traffic.parse_probe(bad, snap, "10.255.0.0/16")
    pairs = [p.label for p in traffic.default_probes(snap)]
    assert pairs == ["server1->10.10.3.10", "server3->10.0.100.10"]
