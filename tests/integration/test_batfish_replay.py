"""Real pybatfish calls against the Batfish replay service.

The replay must give pybatfish exactly what Batfish recorded, and must refuse (with an error
pybatfish raises) every snapshot or question Batfish did not answer.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import requests
from pybatfish.client.session import Session
from pybatfish.datamodel.answer import TableAnswer

from netval.testing.batfish_replay import RecordedAnswer, ReplayConfigError, start_replay

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "batfish"
DC = DATA / "dc-as-reuse"
DC_ROUTES = DC / "routes.ref"
UNIT = DATA / "parsing-unit-tests"
UNIT_UNDEFINED = UNIT / "unit-tests-undefined.ref"

RECORDINGS = [(DC, {"routes": DC_ROUTES}), (UNIT, {"undefinedReferences": UNIT_UNDEFINED})]


def ref_frame(path: Path) -> pd.DataFrame:
    """The recorded answer, read without the replay service."""
    with path.open(encoding="utf-8") as f:
        return TableAnswer({"answerElements": json.load(f)}).frame()


@pytest.fixture(scope="module")
def replay_port() -> Iterator[int]:
    server, port = start_replay(RECORDINGS)
    yield port
    server.stop()


@pytest.fixture
def bf(replay_port: int) -> Session:
    session = Session(host="127.0.0.1", port=replay_port)
    # A network per test keeps snapshot names from colliding across tests on the shared server.
    session.set_network(f"netval-{uuid.uuid4().hex[:8]}")
    return session


def test_routes_are_the_answer_batfish_recorded(bf: Session) -> None:
    assert bf.init_snapshot(str(DC), name="dc") == "dc"

    got = bf.q.routes().answer().frame()
    expected = ref_frame(DC_ROUTES)

    assert len(got) == len(expected) == 198
    for column in ("Node", "VRF", "Network", "Next_Hop", "Protocol", "Metric", "Admin_Distance"):
        assert got[column].tolist() == expected[column].tolist(), column
    pd.testing.assert_frame_equal(got, expected)


def test_undefined_references_on_parsing_unit_tests(bf: Session) -> None:
    bf.init_snapshot(str(UNIT), name="unit-tests")

    got = bf.q.undefinedReferences().answer().frame()

    pd.testing.assert_frame_equal(got, ref_frame(UNIT_UNDEFINED))
    assert len(got) == 366
    peer_group = got[
        (got["File_Name"] == "configs/arista_bgp") & (got["Ref_Name"] == "UNDEFINED_PEER_GROUP")
    ]
    assert peer_group["Struct_Type"].tolist() == ["bgp peer-group"]


def test_question_not_recorded_for_snapshot_is_an_error(bf: Session) -> None:
    bf.init_snapshot(str(DC), name="dc")

    # undefinedReferences is recorded, but for the other snapshot only.
    with pytest.raises(requests.HTTPError) as excinfo:
        bf.q.undefinedReferences().answer()

    assert excinfo.value.response is not None
    assert excinfo.value.response.status_code == 404
    assert "no recorded Batfish answer for undefinedReferences()" in str(excinfo.value)
    assert "on snapshot 'dc'" in str(excinfo.value)


def test_question_with_other_parameters_is_an_error(bf: Session) -> None:
    bf.init_snapshot(str(DC), name="dc")

    # Filtering the recorded rows might look right, but it is not what Batfish answered.
    with pytest.raises(requests.HTTPError, match=r"routes\(nodes='pod_0_leaf_0'\)"):
        bf.q.routes(nodes="pod_0_leaf_0").answer()


def test_differential_question_without_recording_is_an_error(bf: Session) -> None:
    bf.init_snapshot(str(DC), name="dc")

    # the plain routes answer is recorded, but not one against a reference snapshot
    with pytest.raises(requests.HTTPError, match=r"routes\(\) against reference snapshot 'dc'"):
        bf.q.routes().answer(snapshot="dc", reference_snapshot="dc")


def test_recording_with_a_parameter_the_question_lacks_is_refused() -> None:
    with pytest.raises(ReplayConfigError, match="noSuchParameter"):
        start_replay([(DC, [RecordedAnswer("routes", DC_ROUTES, {"noSuchParameter": 1})])])


def test_answers_follow_snapshot_content_not_its_name(bf: Session, tmp_path: Path) -> None:
    copy = tmp_path / "some-other-name"
    shutil.copytree(DC / "configs", copy / "configs")

    bf.init_snapshot(str(copy), name="renamed")

    assert len(bf.q.routes().answer().frame()) == 198


def _change_config(snapshot: Path) -> str:
    path = snapshot / "configs" / "pod_0_leaf_0"
    path.write_text(path.read_text() + "\n! changed\n")
    return "content differs in configs/pod_0_leaf_0"


def _remove_config(snapshot: Path) -> str:
    (snapshot / "configs" / "pod_1_tor_1").unlink()
    return "missing configs/pod_1_tor_1"


def _add_topology(snapshot: Path) -> str:
    (snapshot / "batfish").mkdir()
    (snapshot / "batfish" / "layer1_topology.json").write_text('{"edges": []}\n')
    return "extra batfish/layer1_topology.json"


@pytest.mark.parametrize("mutate", [_change_config, _remove_config, _add_topology])
def test_changed_snapshot_gets_no_answers(
    bf: Session, tmp_path: Path, mutate: Callable[[Path], str]
) -> None:
    snapshot = tmp_path / "dc-as-reuse"
    shutil.copytree(DC / "configs", snapshot / "configs")
    difference = mutate(snapshot)

    # Uploading and initializing succeed: Batfish accepts any well-formed snapshot.
    bf.init_snapshot(str(snapshot), name="changed")

    with pytest.raises(requests.HTTPError) as excinfo:
        bf.q.routes().answer()
    assert "matches no recording" in str(excinfo.value)
    assert difference in str(excinfo.value)


def test_answer_endpoint_and_snapshot_lifecycle(bf: Session) -> None:
    bf.init_snapshot(str(DC), name="dc")
    bf.q.routes(question_name="netval_routes").answer()

    # The v2 answer resource, fetched on its own as pybatfish does for background questions.
    assert len(bf.get_answer("netval_routes", "dc").frame()) == 198

    assert bf.list_snapshots() == ["dc"]
    assert bf.set_snapshot("dc") == "dc"
    assert bf.network in bf.list_networks()

    bf.delete_snapshot("dc")
    assert bf.list_snapshots() == []
    with pytest.raises(requests.HTTPError):
        bf.get_answer("netval_routes", "dc")

    network = bf.network
    assert network is not None
    bf.delete_network(network)
    assert network not in bf.list_networks()


def test_background_answer(bf: Session) -> None:
    bf.init_snapshot(str(DC), name="dc")

    work_id = bf.q.routes(question_name="bg_routes").answer(background=True)

    assert isinstance(work_id, str)
    assert len(bf.get_answer("bg_routes", "dc").frame()) == 198


def test_recording_for_unknown_question_is_rejected() -> None:
    with pytest.raises(ReplayConfigError, match="no template"):
        start_replay([(DC, {"noSuchQuestion": DC_ROUTES})])


def test_recording_for_missing_snapshot_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ReplayConfigError, match="does not exist"):
        start_replay([(tmp_path / "absent", {"routes": DC_ROUTES})])


def test_command_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    stderr_path = tmp_path / "stderr.log"
    with stderr_path.open("w") as stderr:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "netval.testing.batfish_replay",
                "--port",
                "0",
                "--recording",
                f"{DC}=routes:{DC_ROUTES}",
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        assert proc.stdout is not None
        first_line = proc.stdout.readline()
        if "listening on http://127.0.0.1:" not in first_line:
            proc.terminate()
            proc.wait(timeout=10)
            pytest.fail(f"replay did not start: {first_line!r}\n{stderr_path.read_text()}")
        port = int(first_line.rsplit(":", 1)[1])

        bf = Session(host="127.0.0.1", port=port)
        bf.set_network("cli")
        bf.init_snapshot(str(DC), name="dc")
        assert len(bf.q.routes().answer().frame()) == 198
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_a_fault_for_a_question_without_template_is_refused() -> None:
    from netval.testing.batfish_replay import Fault

    with pytest.raises(ReplayConfigError, match="noSuchQuestion"):
        start_replay(RECORDINGS, faults={"noSuchQuestion": Fault("error")})


@pytest.mark.parametrize("spec", ["routes", "routes=slow", "routes=sleep:3", "routes=error:x"])
def test_a_malformed_fault_is_a_usage_error(spec: str, capsys: pytest.CaptureFixture[str]) -> None:
    from netval.testing.batfish_replay import main

    with pytest.raises(SystemExit) as exited:
        main(["--recording", f"{DC}=routes:{DC_ROUTES}", "--fault", spec])
    assert exited.value.code == 2
    assert "expected QUESTION=error[:STATUS]" in capsys.readouterr().err
