"""A user's own pytest file next to a catalog, with netval's fixtures, in the static gate:
`netval verify` and plain pytest run it, and its failures and errors count."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import SNAPSHOTS
from tests.verifytools import CLI, plain_pytest

USER_TEST = """
import re
from pathlib import Path

SNAPSHOT = Path({snapshot!r})


def configured_peers(device):
    text = (SNAPSHOT / "configs" / device).read_text()
    return set(re.findall(r"^ neighbor (\\S+) remote-as", text, re.M))


def test_every_configured_peer_is_predicted(netval_state):
    for name in ("leaf1", "spine1", "border1"):
        assert {{p.peer for p in netval_state.nodes[name].bgp_peers}} == configured_peers(name)


def test_the_engine_knows_every_config(netval_engine):
    assert sorted(netval_engine.nodes()) == sorted(p.name for p in (SNAPSHOT / "configs").iterdir())


def test_a_wrong_expectation_fails(netval_state):
    assert netval_state.nodes["leaf1"].bgp_peers == []


def test_nornir_is_the_live_gates(netval_nornir):
    pass
"""


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "test_my_network.py"
    path.write_text(USER_TEST.format(snapshot=str(SNAPSHOTS / "base")))
    (tmp_path / "catalog.yaml").write_text("checks:\n  - kind: parse\n")
    return path


def _outcomes(junit: Path) -> dict[str, str]:
    import xml.etree.ElementTree as ET

    out = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        kinds = [c.tag for c in case if c.tag in ("failure", "error", "skipped")]
        out[case.get("name", "")] = kinds[0] if kinds else "passed"
    return out


WANT = {
    "parse": "passed",
    "test_every_configured_peer_is_predicted": "passed",
    "test_the_engine_knows_every_config": "passed",
    "test_a_wrong_expectation_fails": "failure",
    "test_nornir_is_the_live_gates": "error",
}


def test_user_tests_run_with_netval_verify(tmp_path: Path) -> None:
    user = _write(tmp_path)
    command = [*CLI, "verify", str(SNAPSHOTS / "base"), "--engine", "builtin"]
    command += ["-c", "catalog.yaml", "--junitxml", "out.xml", "--json", "r.json", user.name]
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert _outcomes(tmp_path / "out.xml") == WANT
    assert "netval_nornir needs the live gate" in proc.stdout
    # the netval report holds the catalog's checks; the user's tests are pytest's
    assert [r["id"] for r in json.loads((tmp_path / "r.json").read_text())["results"]] == ["parse"]


def test_user_tests_run_with_plain_pytest(tmp_path: Path) -> None:
    user = _write(tmp_path)
    proc = plain_pytest(
        tmp_path, "--junitxml", "out.xml", "--netval", "static", "--netval-snapshot",
        str(SNAPSHOTS / "base"), "--netval-engine", "builtin", "catalog.yaml", user.name,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert _outcomes(tmp_path / "out.xml") == WANT


def test_without_a_netval_run_the_fixtures_say_what_they_need(tmp_path: Path) -> None:
    user = _write(tmp_path)
    proc = plain_pytest(tmp_path, user.name, "-k", "configured_peer")
    assert proc.returncode == 1
    assert "the netval fixtures need a netval run: pytest --netval live" in proc.stdout
