"""`netval verify` on a Batfish service that many pipelines share, against Batfish's recorded
answers: runs at once must not collide, each run removes what it uploaded (also after a
failed check or Ctrl-C), and the service settings (API key, TLS) reach the service.

The replay serves Batfish's real `routes` answer for dc-as-reuse and nothing else; its
record of uploads and deletes is what the service saw, independent of netval's own account.
"""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pybatfish.client.session import Session

from netval.testing.batfish_replay import Fault, ReplayServer
from tests.conftest import ROOT
from tests.integration.batfish_dc import (
    CLI,
    DC,
    DC_ROUTES,
    ecmp_entries,
    replay_env,
    serve_dc_routes,
)


@pytest.fixture
def catalog(tmp_path: Path) -> tuple[Path, str, str]:
    text, wide, narrow = ecmp_entries()
    path = tmp_path / "cat.yaml"
    path.write_text("checks:\n" + text)
    return path, wide, narrow


def _verify_cmd(catalog: Path, report: Path, *extra: str) -> list[str]:
    return [
        *CLI,
        "verify",
        str(DC),
        "--engine",
        "batfish",
        "-c",
        str(catalog),
        "--json",
        str(report),
        *extra,
    ]


def _statuses(report: Path) -> dict[str, str]:
    return {r["id"]: r["status"] for r in json.loads(report.read_text())["results"]}


def _snapshot_events(server: ReplayServer, network: str) -> tuple[list[str], list[str]]:
    uploads = [name for net, name in server.uploaded if net == network]
    deletes = [e[2] for e in server.deleted if e[0] == "delete snapshot" and e[1] == network]
    return uploads, deletes


@pytest.fixture
def slow_routes() -> Iterator[ReplayServer]:
    # Batfish takes 4 s for routes: two runs started together are both on the service at the
    # same time, even when a loaded machine starts one of them a few seconds late.
    server, _port = serve_dc_routes(faults={"routes": Fault("slow", seconds=4.0)})
    yield server
    server.stop()


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    server, _port = serve_dc_routes()
    yield server
    server.stop()


def test_two_concurrent_verifies_on_one_service(
    slow_routes: ReplayServer, catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, wide, narrow = catalog
    network = f"shared-{uuid.uuid4().hex[:6]}"
    env = replay_env(slow_routes.port, BATFISH_NETWORK=network)
    reports = [tmp_path / "a.json", tmp_path / "b.json"]
    procs = [
        subprocess.Popen(
            _verify_cmd(cat, report),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for report in reports
    ]
    outputs = [p.communicate(timeout=180)[0] for p in procs]

    for proc, output, report in zip(procs, outputs, reports, strict=True):
        assert proc.returncode == 1, output
        # each run judged on Batfish's routes for its own snapshot
        assert _statuses(report) == {wide: "pass", narrow: "fail"}, output
        assert "could not clean up" not in output
    uploads, deletes = _snapshot_events(slow_routes, network)
    assert len(uploads) == 2 and len(set(uploads)) == 2, slow_routes.events
    # both were on the service at once: the second upload came before the first delete
    events = slow_routes.events
    first_delete = next(i for i, e in enumerate(events) if e[0] == "delete snapshot")
    assert max(i for i, e in enumerate(events) if e[0] == "upload") < first_delete
    # each asked routes of its own snapshot, and deleted exactly its own
    asked = {e[2] for e in events if e[0] == "ask" and e[3] == "routes"}
    assert asked == set(uploads)
    assert sorted(deletes) == sorted(uploads)
    assert slow_routes.snapshot_names(network) == []
    if ("delete network", network) in events:
        # only once nothing of the other run was left in it
        assert events.index(("delete network", network)) > max(
            i for i, e in enumerate(events) if e[0] == "delete snapshot"
        )


def test_a_failing_run_deletes_its_snapshot_and_the_network_it_created(
    replay: ReplayServer, catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, _wide, narrow = catalog
    network = f"run-{uuid.uuid4().hex[:6]}"
    report = tmp_path / "r.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATFISH_")}
    # the settings as options this time, with nothing in the environment
    proc = subprocess.run(
        _verify_cmd(
            cat,
            report,
            "--batfish-host",
            "127.0.0.1",
            "--batfish-port",
            str(replay.port),
            "--batfish-network",
            network,
        ),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert _statuses(report)[narrow] == "fail"
    (uploaded,) = [name for net, name in replay.uploaded if net == network]
    assert replay.deleted == [
        ("delete snapshot", network, uploaded),
        ("delete network", network),
    ]
    assert network not in replay.network_names()


def test_keep_snapshots_leaves_them_on_the_service(
    replay: ReplayServer, catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, _wide, _narrow = catalog
    network = f"keep-{uuid.uuid4().hex[:6]}"
    proc = subprocess.run(
        _verify_cmd(cat, tmp_path / "r.json", "--keep-snapshots"),
        cwd=ROOT,
        env=replay_env(replay.port, BATFISH_NETWORK=network),
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert proc.returncode == 1, proc.stdout + proc.stderr
    (uploaded,) = [name for net, name in replay.uploaded if net == network]
    assert replay.deleted == []
    assert replay.snapshot_names(network) == [uploaded]
    # the user is told where to find them
    said = " ".join(proc.stderr.split())
    assert f"kept on Batfish at 127.0.0.1:{replay.port}, network {network}: {uploaded}" in said


def test_a_network_that_existed_is_kept(
    replay: ReplayServer, catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, _wide, _narrow = catalog
    network = f"team-{uuid.uuid4().hex[:6]}"
    Session(host="127.0.0.1", port=replay.port).set_network(network)
    proc = subprocess.run(
        _verify_cmd(cat, tmp_path / "r.json"),
        cwd=ROOT,
        env=replay_env(replay.port, BATFISH_NETWORK=network),
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert proc.returncode == 1, proc.stdout + proc.stderr
    uploads, deletes = _snapshot_events(replay, network)
    assert deletes == uploads and len(uploads) == 1
    assert ("delete network", network) not in replay.deleted
    assert network in replay.network_names()


def test_ctrl_c_while_batfish_works_still_deletes_the_snapshot(
    catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, _wide, _narrow = catalog
    server, port = serve_dc_routes(faults={"routes": Fault("slow", seconds=120.0)})
    network = f"cc-{uuid.uuid4().hex[:6]}"
    report = tmp_path / "r.json"
    try:
        proc = subprocess.Popen(
            _verify_cmd(cat, report),
            cwd=ROOT,
            env=replay_env(port, BATFISH_NETWORK=network),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 120
        while not any(e[0] == "ask" and e[3] == "routes" for e in server.events):
            assert proc.poll() is None and time.monotonic() < deadline, server.events
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=60)[0]

        assert proc.returncode == 130, output
        assert report.is_file(), output  # every report is still written
        uploads, deletes = _snapshot_events(server, network)
        assert len(uploads) == 1 and deletes == uploads, server.events
        assert network not in server.network_names()
    finally:
        server.stop()


def test_the_api_key_reaches_every_request_and_no_report(
    replay: ReplayServer, catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, _wide, _narrow = catalog
    key = f"key-{uuid.uuid4().hex}"
    report = tmp_path / "r.json"
    junit = tmp_path / "r.xml"
    proc = subprocess.run(
        _verify_cmd(cat, report, "--junitxml", str(junit)),
        cwd=ROOT,
        env=replay_env(
            replay.port, BATFISH_API_KEY=key, BATFISH_NETWORK=f"k-{uuid.uuid4().hex[:6]}"
        ),
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert replay.api_keys and set(replay.api_keys) == {key}
    assert any(e[0] == "delete snapshot" for e in replay.deleted)
    for text in (proc.stdout, proc.stderr, report.read_text(), junit.read_text()):
        assert key not in text


@pytest.fixture(scope="module")
def tls_replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplayServer]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server, _port = serve_dc_routes(tls=context)
    yield server
    server.stop()


def test_tls_service_with_a_self_signed_certificate(
    tls_replay: ReplayServer, catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, wide, narrow = catalog
    report = tmp_path / "r.json"
    checked = subprocess.run(
        _verify_cmd(cat, report, "--batfish-ssl"),
        cwd=ROOT,
        env=replay_env(tls_replay.port),
        capture_output=True,
        text=True,
        timeout=180,
    )
    # the certificate is checked by default, and this one is nobody's
    assert checked.returncode == 2, checked.stdout + checked.stderr
    message = " ".join(checked.stderr.split())
    assert "TLS with Batfish at 127.0.0.1" in message and "BATFISH_VERIFY_CERTS" in message
    assert "Traceback" not in checked.stderr

    accepted = subprocess.run(
        _verify_cmd(cat, report),
        cwd=ROOT,
        env=replay_env(tls_replay.port, BATFISH_SSL="1", BATFISH_VERIFY_CERTS="0"),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert accepted.returncode == 1, accepted.stdout + accepted.stderr
    assert _statuses(report) == {wide: "pass", narrow: "fail"}


def _copy_with_change(tmp_path: Path) -> Path:
    """dc-as-reuse with one config changed: another snapshot, as a base is."""
    copy = tmp_path / "dc-base"
    for path in DC.rglob("*"):
        if path.is_file() and path.suffix != ".ref":
            target = copy / path.relative_to(DC)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    leaf = copy / "configs" / "pod_0_leaf_0"
    leaf.write_text(leaf.read_text() + "\n! changed\n")
    return copy


def test_a_run_with_a_base_deletes_both_snapshots(
    replay: ReplayServer, catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, wide, _narrow = catalog
    cat.write_text(cat.read_text() + "  - kind: differential\n")
    base = _copy_with_change(tmp_path)
    network = f"diff-{uuid.uuid4().hex[:6]}"
    report = tmp_path / "r.json"
    proc = subprocess.run(
        _verify_cmd(cat, report, "--base", str(base)),
        cwd=ROOT,
        env=replay_env(replay.port, BATFISH_NETWORK=network),
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert proc.returncode == 1, proc.stdout + proc.stderr
    statuses = _statuses(report)
    # the replay has no differential answers: an error, after the base was uploaded
    assert statuses["differential"] == "error" and statuses[wide] == "pass"
    uploads, deletes = _snapshot_events(replay, network)
    assert len(uploads) == 2 and uploads[1].startswith("dc-base-"), uploads
    assert sorted(deletes) == sorted(uploads)
    assert network not in replay.network_names()


def test_ask_prints_batfish_s_answer_and_deletes_its_snapshot(replay: ReplayServer) -> None:
    network = f"ask-{uuid.uuid4().hex[:6]}"
    proc = subprocess.run(
        [*CLI, "ask", str(DC), "routes", "--engine", "batfish", "--format", "json"],
        cwd=ROOT,
        env=replay_env(replay.port, BATFISH_NETWORK=network),
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == json.loads(DC_ROUTES.read_text())[0]["rows"]
    uploads, deletes = _snapshot_events(replay, network)
    assert len(uploads) == 1 and deletes == uploads
    assert network not in replay.network_names()


def test_plain_pytest_run_deletes_its_snapshot(
    replay: ReplayServer, catalog: tuple[Path, str, str], tmp_path: Path
) -> None:
    cat, _wide, _narrow = catalog
    network = f"pt-{uuid.uuid4().hex[:6]}"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(cat),
            "--netval",
            "static",
            "--netval-snapshot",
            str(DC),
            "--netval-engine",
            "batfish",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        env=replay_env(replay.port, BATFISH_NETWORK=network),
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert proc.returncode == 1, proc.stdout + proc.stderr
    uploads, deletes = _snapshot_events(replay, network)
    assert len(uploads) == 1 and deletes == uploads, proc.stdout + proc.stderr
