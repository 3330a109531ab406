"""A stand-in Batfish service that replays answers Batfish really produced.

Batfish needs a JVM (or its container), which CI and developer machines often lack. This module
serves the part of Batfish's HTTP v2 API that pybatfish uses, so the Batfish engine can be tested
through real pybatfish calls. It never computes anything: it only returns recorded answers
(`.ref` files, Batfish's own answer elements) and refuses everything else with an HTTP error.

Rule: an answer is served only for the snapshot and the exact question Batfish answered.

* A snapshot is identified by its content (relative path and sha256 of every file), never by its
  name, so a recording cannot be served for configs that have since changed. Top-level `*.ref`
  files are not part of that identity: recorded answers are kept next to the snapshot they answer,
  and they are not Batfish input.
* A question is identified by what Batfish computes it from: class, placeholders, each
  variable's type and value, exclusions, assertion (not its name or descriptions, which
  pybatfish rewrites). A recording stands for its template's question with exactly the
  parameters Batfish was asked with (`RecordedAnswer.parameters`; none for a plain
  `{question: ref}` entry) and, for a differential question, the reference snapshot it was
  compared with (identified by content too).
* Anything else (another snapshot, other parameters, another or no reference snapshot, data
  plane work, extra processing options) gets HTTP 404 with an explanation. pybatfish raises that as
  `requests.HTTPError`, so callers see an error, never an empty or made-up answer.

Use from pytest::

    server, port = start_replay([("tests/data/batfish/dc-as-reuse",
                                  {"routes": "tests/data/batfish/dc-as-reuse/routes.ref"})])
    bf = Session(host="127.0.0.1", port=port)
    ...
    server.stop()

An answer Batfish gave to a question with parameters, or against a reference snapshot, is a
`RecordedAnswer`::

    start_replay([("tests/data/batfish/example/live-with-bgp-announcements",
                   [RecordedAnswer("routes", "tests/data/batfish/example/refs/routes-diff.ref",
                                   reference="tests/data/batfish/example/candidate")])])

or from a shell (default-parameter recordings only)::

    python -m netval.testing.batfish_replay --port 9996 \\
        --recording tests/data/batfish/dc-as-reuse=routes:tests/data/batfish/dc-as-reuse/routes.ref
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import os
import ssl
import sys
import threading
import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = [
    "DEFAULT_QUESTIONS_DIR",
    "Fault",
    "QuestionTemplate",
    "RecordedAnswer",
    "RecordedSnapshot",
    "RecordingSpec",
    "ReplayConfigError",
    "ReplayServer",
    "load_recordings",
    "load_templates",
    "main",
    "snapshot_files_from_dir",
    "snapshot_files_from_zip",
    "start_replay",
]

log = logging.getLogger(__name__)

# Question templates are served by the Batfish service, not shipped with pybatfish, so the replay
# must serve real ones; the repository keeps them with the test data.
DEFAULT_QUESTIONS_DIR = (
    Path(__file__).resolve().parents[2] / "tests" / "data" / "batfish" / "questions"
)

# Reported as the "Batfish" component version, so nobody mistakes the replay for a real service.
REPLAY_VERSION = "netval-replay"

# The v2 API prefix pybatfish puts in front of every path (CoordConsts.SVC_CFG_WORK_MGR2).
_API_PREFIX = "/v2"

# A guard against a runaway client, far above any test snapshot.
_MAX_BODY_BYTES = 256 * 1024 * 1024

# Work item request parameters (pybatfish workhelper) for the two kinds of work replayed.
_PARSE_PARAMS = frozenset({"testrig", "sv", "si", "initinfo"})
_ANSWER_PARAMS = frozenset({"testrig", "answer", "questionname"})
_DIFFERENTIAL_PARAMS = frozenset({"deltatestrig", "differential"})

JsonObject = dict[str, Any]
# the content identity of a snapshot: (relative path, sha256) of each input file
SnapshotFiles = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class RecordedAnswer:
    """One answer Batfish gave: to template `question` with the variables in `parameters`
    (name -> value, as JSON in Batfish's question) set and the others at their defaults, and
    for a differential question against the snapshot in directory `reference`."""

    question: str
    ref: str | os.PathLike[str]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    reference: str | os.PathLike[str] | None = None

    @property
    def label(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in sorted(self.parameters.items()))
        against = f" against reference {self.reference}" if self.reference is not None else ""
        return f"{self.question}({params}){against}"


# (snapshot directory, {question template name: .ref path} for answers to questions asked
# with default parameters, or RecordedAnswers)
RecordingSpec = tuple[
    str | os.PathLike[str],
    Mapping[str, str | os.PathLike[str]] | Sequence[RecordedAnswer],
]


class ReplayConfigError(ValueError):
    """The recordings or question templates given to the replay service are unusable."""


@dataclass(frozen=True)
class Fault:
    """A failure to inject for one question, so clients can be tested against a service that
    fails; none of them makes up an answer.

    * ``error``: queueing the question's work gets HTTP ``status`` (an overloaded or broken
      service);
    * ``slow``: the work stays ASSIGNED for ``seconds`` and then ends with the recorded answer,
      or abnormally with the reason there is none (Batfish still computing);
    * ``hang``: the request queueing the work gets no response for ``seconds`` (a service that
      stopped responding).
    """

    kind: Literal["error", "slow", "hang"]
    seconds: float = 0.0
    status: int = 500


# --------------------------------------------------------------------------------------------
# Snapshot identity


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_recorded_answer(relpath: str) -> bool:
    # Only top-level .ref files: a .ref inside configs/ would be Batfish input like any other file.
    return "/" not in relpath and relpath.endswith(".ref")


def snapshot_files_from_dir(directory: str | os.PathLike[str]) -> dict[str, str]:
    """Map each input file of a snapshot directory (relative POSIX path) to its sha256."""
    root = Path(directory)
    if not root.is_dir():
        raise ReplayConfigError(f"snapshot directory {root} does not exist")
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if not _is_recorded_answer(rel):
            files[rel] = _sha256(path.read_bytes())
    if not files:
        raise ReplayConfigError(f"snapshot directory {root} holds no files")
    return files


def snapshot_files_from_zip(data: bytes) -> dict[str, str]:
    """Map each input file of an uploaded snapshot zip to its sha256.

    The zip must hold one top-level folder (what pybatfish's zip_dir writes and what Batfish
    requires); paths are taken relative to it, so the folder's name does not matter.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise ValueError(f"upload is not a zip file: {e}") from e
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if not entries:
            raise ValueError("snapshot zip holds no files")
        parts = [info.filename.replace("\\", "/").split("/", 1) for info in entries]
        tops = {p[0] for p in parts}
        if len(tops) != 1 or any(len(p) == 1 for p in parts):
            raise ValueError(
                "unexpected packaging of snapshot: the zip must hold exactly one top-level "
                f"folder with the snapshot in it, found {sorted(tops)}"
            )
        files: dict[str, str] = {}
        for info, (_top, rel) in zip(entries, parts, strict=True):
            if not _is_recorded_answer(rel):
                files[rel] = _sha256(archive.read(info))
    return files


def _describe_difference(uploaded: Mapping[str, str], recorded: Mapping[str, str]) -> str:
    changed = sorted(p for p in uploaded.keys() & recorded.keys() if uploaded[p] != recorded[p])
    missing = sorted(recorded.keys() - uploaded.keys())
    extra = sorted(uploaded.keys() - recorded.keys())

    def some(paths: list[str]) -> str:
        shown = ", ".join(paths[:5])
        return shown + (f" (+{len(paths) - 5} more)" if len(paths) > 5 else "")

    parts = []
    if changed:
        parts.append(f"content differs in {some(changed)}")
    if missing:
        parts.append(f"missing {some(missing)}")
    if extra:
        parts.append(f"extra {some(extra)}")
    return "; ".join(parts)


# --------------------------------------------------------------------------------------------
# Questions


@dataclass(frozen=True)
class QuestionTemplate:
    """A Batfish question template, served verbatim to pybatfish."""

    name: str
    text: str
    # _question_key of the template as written, i.e. the question with no parameter changed
    key: str


def _question_key(question: Mapping[str, Any]) -> str:
    """Canonical form of what Batfish computes a question from, to compare it with a template.

    That is every top-level field (class, `${var}` placeholders, differential, exclusions,
    assertion) and each variable's type and value. The instance's descriptive fields are left
    out: pybatfish rewrites them (it renames each asked question `__routes_<uuid>` and adds full
    stops to variable descriptions). An explicit null value is not treated as an absent one:
    strictness here can only turn a would-be answer into an error, never the other way round.
    """
    fields = {k: v for k, v in question.items() if k != "instance"}
    instance = question.get("instance") or {}
    variables = {
        name: {k: _without_null_fields(var[k]) for k in ("type", "value") if k in var}
        for name, var in (instance.get("variables") or {}).items()
        if isinstance(var, dict)
    }
    return json.dumps({"fields": fields, "variables": variables}, sort_keys=True)


def _without_null_fields(value: Any) -> Any:
    # An object-valued parameter (headerConstraint, pathConstraint) is read by Batfish's JSON
    # creators, for which a null field and an absent one are the same constraint; pybatfish
    # writes every field, null or not, while Batfish's own test client wrote only those set.
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None}
    return value


def _changed_variables(question: Mapping[str, Any], template_text: str | None) -> dict[str, Any]:
    asked = (question.get("instance") or {}).get("variables") or {}
    default: Mapping[str, Any] = {}
    if template_text is not None:
        default = json.loads(template_text).get("instance", {}).get("variables") or {}
    changed: dict[str, Any] = {}
    for name, var in asked.items():
        if not isinstance(var, dict):
            continue
        base = default.get(name) or {}
        if var.get("value", ...) != base.get("value", ...):
            changed[name] = var.get("value")
    return changed


def load_templates(
    questions_dir: str | os.PathLike[str] | None = None,
) -> dict[str, QuestionTemplate]:
    """Read Batfish question templates (`*.json`), keyed by their instance name."""
    directory = Path(questions_dir) if questions_dir is not None else DEFAULT_QUESTIONS_DIR
    if not directory.is_dir():
        raise ReplayConfigError(f"question template directory {directory} does not exist")
    templates: dict[str, QuestionTemplate] = {}
    for path in sorted(directory.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        try:
            parsed = json.loads(text)
            name = str(parsed["instance"]["instanceName"])
        except (ValueError, KeyError, TypeError) as e:
            raise ReplayConfigError(f"{path} is not a Batfish question template: {e}") from e
        if name in templates:
            raise ReplayConfigError(f"question template {name!r} is defined twice ({path})")
        templates[name] = QuestionTemplate(name=name, text=text, key=_question_key(parsed))
    if not templates:
        raise ReplayConfigError(f"no question templates (*.json) in {directory}")
    return templates


# --------------------------------------------------------------------------------------------
# Recordings


@dataclass(frozen=True)
class RecordedSnapshot:
    """A snapshot Batfish analysed, and the answers it gave for it."""

    directories: tuple[Path, ...]
    files: Mapping[str, str]
    # RecordedAnswer.label -> answer elements as Batfish wrote them
    answers: Mapping[str, list[Any]]
    ref_paths: Mapping[str, Path]
    # (question key, reference snapshot's files or None) -> label, to look an asked question up
    by_question: Mapping[tuple[str, SnapshotFiles | None], str]

    @property
    def label(self) -> str:
        return ", ".join(str(d) for d in self.directories)


def _load_ref(path: Path) -> list[Any]:
    try:
        elements = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ReplayConfigError(f"cannot read recorded answer {path}: {e}") from e
    if (
        not isinstance(elements, list)
        or not elements
        or not all(isinstance(e, dict) and "class" in e for e in elements)
    ):
        raise ReplayConfigError(
            f"{path} is not a recorded Batfish answer (a JSON list of answer elements)"
        )
    return elements


@dataclass
class _RecordingGroup:
    files: dict[str, str]
    directories: list[Path] = field(default_factory=list)
    answers: dict[str, list[Any]] = field(default_factory=dict)
    refs: dict[str, Path] = field(default_factory=dict)
    keys: dict[tuple[str, SnapshotFiles | None], str] = field(default_factory=dict)


def _asked_key(template: QuestionTemplate, recorded: RecordedAnswer) -> str:
    """The question key of `template` asked with `recorded.parameters`."""
    if not recorded.parameters:
        return template.key
    question = json.loads(template.text)
    variables = (question.get("instance") or {}).get("variables") or {}
    for name, value in recorded.parameters.items():
        if name not in variables:
            raise ReplayConfigError(
                f"recording {recorded.ref} sets parameter {name!r}, which question "
                f"{template.name!r} does not have; it has: {', '.join(sorted(variables))}"
            )
        variables[name]["value"] = value
    return _question_key(question)


def _as_recorded_answers(
    answers: Mapping[str, str | os.PathLike[str]] | Sequence[RecordedAnswer],
) -> list[RecordedAnswer]:
    if isinstance(answers, Mapping):
        return [RecordedAnswer(question, ref) for question, ref in answers.items()]
    return list(answers)


def load_recordings(
    recordings: Iterable[RecordingSpec], templates: Mapping[str, QuestionTemplate]
) -> list[RecordedSnapshot]:
    """Read and check recordings; entries whose snapshots have the same content are merged."""
    groups: dict[frozenset[tuple[str, str]], _RecordingGroup] = {}
    for directory, answers in recordings:
        snapshot_dir = Path(directory)
        files = snapshot_files_from_dir(snapshot_dir)
        group = groups.setdefault(frozenset(files.items()), _RecordingGroup(files))
        if snapshot_dir not in group.directories:
            group.directories.append(snapshot_dir)
        for recorded in _as_recorded_answers(answers):
            question, ref_path = recorded.question, Path(recorded.ref)
            if question not in templates:
                raise ReplayConfigError(
                    f"recording {ref_path} is for question {question!r}, which has no "
                    f"template; known: {', '.join(sorted(templates))}"
                )
            reference = (
                None
                if recorded.reference is None
                else frozenset(snapshot_files_from_dir(recorded.reference).items())
            )
            key = (_asked_key(templates[question], recorded), reference)
            label = recorded.label
            known = group.keys.get(key)
            if known is not None and group.refs[known] != ref_path:
                raise ReplayConfigError(
                    f"question {label} is recorded twice for the same snapshot content: "
                    f"{group.refs[known]} and {ref_path}"
                )
            group.keys[key] = label
            group.refs[label] = ref_path
            group.answers[label] = _load_ref(ref_path)
    return [
        RecordedSnapshot(
            directories=tuple(g.directories),
            files=g.files,
            answers=g.answers,
            ref_paths=g.refs,
            by_question=dict(g.keys),
        )
        for g in groups.values()
    ]


# --------------------------------------------------------------------------------------------
# Server state


@dataclass
class _Snapshot:
    name: str
    files: dict[str, str]
    recording: RecordedSnapshot | None
    # why no recording matched, for error messages
    mismatch: str = ""


@dataclass
class _Work:
    snapshot: str
    status: str
    log: str
    # time.monotonic() from which the work reports its status (slow fault)
    ready_at: float = 0.0


@dataclass
class _Network:
    name: str
    snapshots: dict[str, _Snapshot] = field(default_factory=dict)
    questions: dict[str, JsonObject] = field(default_factory=dict)
    # (question name, snapshot name, reference snapshot name or "") -> answer body
    answers: dict[tuple[str, str, str], JsonObject] = field(default_factory=dict)
    work: dict[str, _Work] = field(default_factory=dict)


class _HttpError(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _no_recording(message: str) -> _HttpError:
    # 404 rather than 5xx: pybatfish retries 5xx responses with a long backoff, and a missing
    # recording will not appear by asking again.
    return _HttpError(HTTPStatus.NOT_FOUND, f"netval batfish replay: {message}")


@dataclass(frozen=True)
class _Response:
    body: bytes = b""
    content_type: str = "application/json"
    status: HTTPStatus = HTTPStatus.OK


def _json_response(value: Any) -> _Response:
    return _Response(json.dumps(value).encode("utf-8"))


def _error_response(status: HTTPStatus, message: str) -> _Response:
    return _Response((message + "\n").encode("utf-8"), "text/plain; charset=utf-8", status)


def _parse_json_body(body: bytes, what: str) -> JsonObject:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise _HttpError(HTTPStatus.BAD_REQUEST, f"{what} is not JSON: {e}") from e
    if not isinstance(value, dict):
        raise _HttpError(HTTPStatus.BAD_REQUEST, f"{what} is not a JSON object")
    return value


class ReplayServer(ThreadingHTTPServer):
    """HTTP server answering pybatfish from recordings; see the module docstring."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        recordings: Sequence[RecordedSnapshot],
        templates: Mapping[str, QuestionTemplate],
        faults: Mapping[str, Fault] | None = None,
    ) -> None:
        unknown = set(faults or {}) - set(templates)
        if unknown:
            raise ReplayConfigError(
                f"faults for questions without a template: {', '.join(sorted(unknown))}"
            )
        super().__init__(address, _Handler)
        self.recordings = list(recordings)
        self.templates = dict(templates)
        self._by_files = {frozenset(r.files.items()): r for r in self.recordings}
        self._lock = threading.Lock()
        self._networks: dict[str, _Network] = {}
        self._thread: threading.Thread | None = None
        # What clients did, for tests to read: deletes are not answers, but whether a client
        # cleaned up after itself is only visible here.
        #: ("upload", network, snapshot), ("ask", network, snapshot, question template),
        #: ("delete snapshot", network, snapshot) and ("delete network", network), in the
        #: order they came
        self.events: list[tuple[str, ...]] = []
        #: the X-Batfish-Apikey header of every request
        self.api_keys: list[str] = []
        self.faults: dict[str, Fault] = dict(faults or {})

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        host = self.server_address[0]
        return f"http://{host!s}:{self.port}"

    def start(self) -> None:
        """Serve from a background thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, name=f"batfish-replay:{self.port}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()

    # ---- request handling (called by _Handler)

    @property
    def deleted(self) -> list[tuple[str, ...]]:
        """The delete events, in order."""
        with self._lock:
            return [e for e in self.events if e[0].startswith("delete")]

    @property
    def uploaded(self) -> list[tuple[str, str]]:
        """(network, snapshot) of every upload, in order."""
        with self._lock:
            return [(e[1], e[2]) for e in self.events if e[0] == "upload"]

    def network_names(self) -> list[str]:
        with self._lock:
            return list(self._networks)

    def snapshot_names(self, network: str) -> list[str]:
        with self._lock:
            known = self._networks.get(network)
            return list(known.snapshots) if known else []

    def handle_request_for(
        self,
        method: str,
        segments: list[str],
        query: Mapping[str, str],
        body: bytes,
        api_key: str | None = None,
    ) -> _Response:
        with self._lock:
            if api_key is not None:
                self.api_keys.append(api_key)
            fault = self._fault_for(method, segments, body)
        if fault is not None and fault.kind == "hang":
            # outside the lock: a hung question must not hold up other clients' requests
            log.info("injected fault: holding the request for %s s", fault.seconds)
            time.sleep(fault.seconds)
        with self._lock:
            return self._route(method, segments, query, body)

    def _fault_for(self, method: str, segments: list[str], body: bytes) -> Fault | None:
        """The fault injected into this request: only queueing an answer for a question
        with a fault has one."""
        if not self.faults or method != "POST" or len(segments) != 3 or segments[2] != "work":
            return None
        network = self._networks.get(segments[1])
        try:
            params = json.loads(body.decode("utf-8")).get("requestParams") or {}
        except (UnicodeDecodeError, ValueError, AttributeError):
            return None
        if network is None or "answer" not in params:
            return None
        question = network.questions.get(str(params.get("questionname", "")))
        name = self._template_name(question) if question is not None else None
        return self.faults.get(name) if name else None

    def _template_name(self, question: Mapping[str, Any]) -> str | None:
        cls = question.get("class")
        return next(
            (t.name for t in self.templates.values() if json.loads(t.text).get("class") == cls),
            None,
        )

    def _route(
        self, method: str, segments: list[str], query: Mapping[str, str], body: bytes
    ) -> _Response:
        match (method, segments):
            case ("GET", ["version"]):
                return _json_response({"Batfish": REPLAY_VERSION})
            case ("GET", ["question_templates"]):
                return _json_response({t.name: t.text for t in self.templates.values()})
            case ("GET", ["networks"]):
                return _json_response([{"name": n} for n in self._networks])
            case ("POST", ["networks"]):
                return self._create_network(query.get("name", ""))
            case ("GET", ["networks", net]):
                return _json_response({"name": self._network(net).name})
            case ("DELETE", ["networks", net]):
                self._network(net)
                del self._networks[net]
                self.events.append(("delete network", net))
                log.info("network %s deleted", net)
                return _Response()
            case ("GET", ["networks", net, "snapshots"]):
                return self._list_snapshots(net, query.get("verbose", "").lower() == "true")
            case ("POST", ["networks", net, "snapshots", snapshot]):
                return self._upload_snapshot(net, snapshot, body)
            case ("DELETE", ["networks", net, "snapshots", snapshot]):
                return self._delete_snapshot(net, snapshot)
            case ("PUT", ["networks", net, "questions", question]):
                return self._upload_question(net, question, body)
            case ("GET", ["networks", net, "questions", question, "answer"]):
                return self._get_answer(net, question, query)
            case ("POST", ["networks", net, "work"]):
                return self._queue_work(net, body)
            case ("GET", ["networks", net, "work"]):
                # Work finishes while it is queued, so nothing is ever incomplete.
                self._network(net)
                return _json_response([])
            case ("GET", ["networks", net, "work", work_id]):
                work = self._work(net, work_id)
                # a slow question's work stays assigned until its time has come
                status = "ASSIGNED" if time.monotonic() < work.ready_at else work.status
                return _json_response({"workstatuscode": status, "task": {"batches": []}})
            case ("GET", ["networks", net, "snapshots", _snapshot, "worklog", work_id]):
                work = self._work(net, work_id)
                return _Response(work.log.encode("utf-8"), "text/plain; charset=utf-8")
        raise _HttpError(
            HTTPStatus.NOT_IMPLEMENTED,
            f"netval batfish replay does not implement {method} {_API_PREFIX}/"
            + "/".join(segments),
        )

    def _network(self, name: str) -> _Network:
        network = self._networks.get(name)
        if network is None:
            raise _HttpError(HTTPStatus.NOT_FOUND, f"Network '{name}' does not exist")
        return network

    def _snapshot(self, network: _Network, name: str) -> _Snapshot:
        snapshot = network.snapshots.get(name)
        if snapshot is None:
            raise _HttpError(
                HTTPStatus.NOT_FOUND,
                f"Snapshot '{name}' does not exist in network '{network.name}'",
            )
        return snapshot

    def _work(self, net: str, work_id: str) -> _Work:
        work = self._network(net).work.get(work_id)
        if work is None:
            raise _HttpError(HTTPStatus.NOT_FOUND, f"Work item '{work_id}' does not exist")
        return work

    def _create_network(self, name: str) -> _Response:
        if not name:
            raise _HttpError(HTTPStatus.BAD_REQUEST, "query parameter 'name' is required")
        if name in self._networks:
            raise _HttpError(HTTPStatus.BAD_REQUEST, f"Network '{name}' already exists")
        self._networks[name] = _Network(name)
        return _Response()

    def _list_snapshots(self, net: str, verbose: bool) -> _Response:
        network = self._network(net)
        if not verbose:
            return _json_response(list(network.snapshots))
        return _json_response(
            [
                {
                    "name": s.name,
                    "netvalReplay": {
                        "recording": s.recording.label if s.recording else None,
                        "mismatch": s.mismatch or None,
                    },
                }
                for s in network.snapshots.values()
            ]
        )

    def _upload_snapshot(self, net: str, name: str, body: bytes) -> _Response:
        network = self._network(net)
        if name in network.snapshots:
            raise _HttpError(
                HTTPStatus.BAD_REQUEST, f"Snapshot '{name}' already exists in network '{net}'"
            )
        try:
            files = snapshot_files_from_zip(body)
        except ValueError as e:
            raise _HttpError(HTTPStatus.BAD_REQUEST, str(e)) from e
        recording = self._by_files.get(frozenset(files.items()))
        mismatch = ""
        if recording is None:
            mismatch = self._closest_mismatch(files)
            log.info("snapshot %s/%s matches no recording: %s", net, name, mismatch)
        else:
            log.info("snapshot %s/%s matches recording %s", net, name, recording.label)
        network.snapshots[name] = _Snapshot(name, files, recording, mismatch)
        self.events.append(("upload", net, name))
        return _Response()

    def _closest_mismatch(self, files: Mapping[str, str]) -> str:
        if not self.recordings:
            return "no recordings are loaded"
        best = min(
            self.recordings,
            key=lambda r: len(set(files.items()).symmetric_difference(r.files.items())),
        )
        return f"closest recording {best.label}: {_describe_difference(files, best.files)}"

    def _delete_snapshot(self, net: str, name: str) -> _Response:
        network = self._network(net)
        self._snapshot(network, name)
        del network.snapshots[name]
        for key in [k for k in network.answers if name in (k[1], k[2])]:
            del network.answers[key]
        self.events.append(("delete snapshot", net, name))
        log.info("snapshot %s/%s deleted", net, name)
        return _Response()

    def _upload_question(self, net: str, name: str, body: bytes) -> _Response:
        network = self._network(net)
        question = _parse_json_body(body, "question")
        if not isinstance(question.get("instance"), dict):
            raise _HttpError(HTTPStatus.BAD_REQUEST, "question has no 'instance' object")
        network.questions[name] = question
        # An answer kept under this name belongs to the question it replaces; serving it for the
        # new one would hand out an answer to a different question.
        for key in [k for k in network.answers if k[0] == name]:
            del network.answers[key]
        return _Response()

    def _queue_work(self, net: str, body: bytes) -> _Response:
        network = self._network(net)
        item = _parse_json_body(body, "work item")
        work_id = item.get("id")
        params = item.get("requestParams")
        if not isinstance(work_id, str) or not work_id or not isinstance(params, dict):
            raise _HttpError(
                HTTPStatus.BAD_REQUEST, "work item needs a string 'id' and 'requestParams'"
            )
        if work_id in network.work:
            raise _HttpError(HTTPStatus.BAD_REQUEST, f"work item '{work_id}' already exists")
        snapshot = self._snapshot(network, str(params.get("testrig", "")))
        keys = set(params)

        if "answer" in keys:
            question = network.questions.get(str(params.get("questionname", "")))
            name = self._template_name(question) if question is not None else None
            self.events.append(("ask", net, snapshot.name, name or "?"))
            fault = self.faults.get(name) if name else None
            if fault is not None and fault.kind == "error":
                raise _HttpError(
                    HTTPStatus(fault.status),
                    f"netval batfish replay: injected fault: HTTP {fault.status} for {name}",
                )
            if fault is not None and fault.kind == "slow":
                try:
                    work = self._answer(network, snapshot, params)
                except _HttpError as e:
                    # Batfish queues first and fails later: the refusal comes at the end,
                    # as the work's log, never as an answer
                    work = _Work(snapshot.name, "TERMINATEDABNORMALLY", e.message + "\n")
                work.ready_at = time.monotonic() + fault.seconds
            else:
                work = self._answer(network, snapshot, params)
            network.work[work_id] = work
        elif keys & {"sv", "si", "initinfo"}:
            if keys - _PARSE_PARAMS:
                # Options such as ignoremanagementinterfaces change what Batfish builds from
                # the configs, and with it every later answer.
                raise _no_recording(
                    f"snapshot initialization with options {sorted(keys - _PARSE_PARAMS)} was "
                    "never recorded"
                )
            network.work[work_id] = _Work(
                snapshot.name,
                "TERMINATEDNORMALLY",
                (
                    "netval batfish replay: snapshot content matches recording "
                    f"{snapshot.recording.label}\n"
                    if snapshot.recording
                    else "netval batfish replay: snapshot content matches no recording "
                    f"({snapshot.mismatch}); every question on it will fail\n"
                ),
            )
        else:
            # e.g. generate_dataplane ("dp"): its result is not an answer anyone recorded.
            raise _no_recording(
                f"work with parameters {sorted(keys)} was never recorded (only snapshot "
                "initialization and recorded questions are replayed)"
            )
        return _Response()

    def _answer(self, network: _Network, snapshot: _Snapshot, params: JsonObject) -> _Work:
        keys = set(params)
        if keys - _ANSWER_PARAMS - _DIFFERENTIAL_PARAMS:
            raise _no_recording(
                "answers with extra parameters "
                f"{sorted(keys - _ANSWER_PARAMS - _DIFFERENTIAL_PARAMS)} are not recorded"
            )
        reference: _Snapshot | None = None
        if keys & _DIFFERENTIAL_PARAMS:
            reference = self._snapshot(network, str(params.get("deltatestrig", "")))
        question_name = str(params.get("questionname", ""))
        question = network.questions.get(question_name)
        if question is None:
            raise _HttpError(HTTPStatus.NOT_FOUND, f"Question '{question_name}' was not uploaded")
        asked = self._describe_question(question)
        if reference is not None:
            asked += f" against reference snapshot '{reference.name}'"
        recording = snapshot.recording
        if recording is None:
            raise _no_recording(
                f"no recorded Batfish answer for {asked} on snapshot '{snapshot.name}': its "
                f"content matches no recording ({snapshot.mismatch})"
            )
        reference_files = None if reference is None else frozenset(reference.files.items())
        template_name = recording.by_question.get((_question_key(question), reference_files))
        if template_name is None:
            recorded = "; ".join(sorted(recording.answers)) or "nothing"
            raise _no_recording(
                f"no recorded Batfish answer for {asked} on snapshot '{snapshot.name}' "
                f"(recording {recording.label} has: {recorded})"
            )
        elements = recording.answers[template_name]
        summary = elements[0].get("summary", {})
        reference_name = reference.name if reference is not None else ""
        network.answers[(question_name, snapshot.name, reference_name)] = {
            "answerElements": elements,
            "question": question,
            "status": "SUCCESS",
            "summary": summary,
        }
        return _Work(
            snapshot.name,
            "TERMINATEDNORMALLY",
            f"netval batfish replay: answered {template_name} from "
            f"{recording.ref_paths[template_name]}\n",
        )

    def _describe_question(self, question: Mapping[str, Any]) -> str:
        cls = question.get("class")
        template = next(
            (t for t in self.templates.values() if json.loads(t.text).get("class") == cls),
            None,
        )
        name = template.name if template else f"question of class {cls}"
        changed = _changed_variables(question, template.text if template else None)
        extras = [k for k in ("exclusions", "assertion") if question.get(k)]
        details = [f"{k}={v!r}" for k, v in changed.items()] + [f"with {k}" for k in extras]
        return f"{name}({', '.join(details)})"

    def _get_answer(self, net: str, question: str, query: Mapping[str, str]) -> _Response:
        network = self._network(net)
        snapshot = query.get("snapshot", "")
        if not snapshot:
            raise _HttpError(HTTPStatus.BAD_REQUEST, "query parameter 'snapshot' is required")
        reference = query.get("referenceSnapshot", "")
        answer = network.answers.get((question, snapshot, reference))
        if answer is None:
            against = f" against reference snapshot '{reference}'" if reference else ""
            raise _no_recording(
                f"no answer for question '{question}' on snapshot '{snapshot}'{against} (it "
                "was never answered from a recording)"
            )
        return _json_response(answer)


class _Handler(BaseHTTPRequestHandler):
    server_version = "netval-batfish-replay"

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        try:
            # Read the body before anything can fail: answering while a large upload is still
            # arriving makes the client see a reset connection instead of the error.
            body = self._read_body()
            url = urlsplit(self.path)
            if not (url.path == _API_PREFIX or url.path.startswith(_API_PREFIX + "/")):
                raise _HttpError(HTTPStatus.NOT_FOUND, f"no such resource: {url.path}")
            segments = [unquote(s) for s in url.path[len(_API_PREFIX) :].split("/") if s]
            query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            server = cast(ReplayServer, self.server)
            response = server.handle_request_for(
                method, segments, query, body, self.headers.get("X-Batfish-Apikey")
            )
        except _HttpError as e:
            response = _error_response(e.status, e.message)
        except Exception as e:
            log.exception("netval batfish replay failed on %s %s", method, self.path)
            # Not 500: pybatfish retries 5xx for minutes, and a replay bug will not go away.
            response = _error_response(
                HTTPStatus.NOT_IMPLEMENTED, f"internal error in netval batfish replay: {e!r}"
            )
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            # the client gave up waiting (a hang fault past its timeout): nobody to answer
            log.info("client left before the response to %s %s", method, self.path)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as e:
            raise _HttpError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from e
        if length > _MAX_BODY_BYTES:
            raise _HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks = io.BytesIO()
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                # trailer lines up to the blank line
                while self.rfile.readline().strip():
                    pass
                return chunks.getvalue()
            if chunks.tell() + size > _MAX_BODY_BYTES:
                raise _HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
            chunks.write(self.rfile.read(size))
            self.rfile.readline()

    def log_message(self, format: str, *args: Any) -> None:
        # Every request would otherwise go to stderr, drowning test output.
        log.debug("%s - " + format, self.address_string(), *args)


# --------------------------------------------------------------------------------------------
# Entry points


def start_replay(
    recordings: Iterable[RecordingSpec],
    port: int = 0,
    *,
    host: str = "127.0.0.1",
    questions_dir: str | os.PathLike[str] | None = None,
    faults: Mapping[str, Fault] | None = None,
    tls: ssl.SSLContext | None = None,
) -> tuple[ReplayServer, int]:
    """Start a replay service in a background thread; return it and the port it listens on.

    `port=0` picks a free port; `faults` makes questions fail (see `Fault`); `tls` serves
    https. Point pybatfish at it with
    `Session(host="127.0.0.1", port=port)`. Call `server.stop()` when done.
    """
    templates = load_templates(questions_dir)
    server = ReplayServer((host, port), load_recordings(recordings, templates), templates, faults)
    if tls is not None:
        # https, for clients that must be tested with TLS (a server-side context with its
        # certificate loaded)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.start()
    return server, server.port


def _parse_recording_arg(text: str) -> tuple[str, str, str]:
    directory, sep, rest = text.partition("=")
    question, sep2, ref = rest.partition(":")
    if not (sep and sep2 and directory and question and ref):
        raise argparse.ArgumentTypeError(f"expected DIR=QUESTION:REF, got {text!r}")
    return directory, question, ref


def _parse_fault_arg(text: str) -> tuple[str, Fault]:
    question, sep, rest = text.partition("=")
    kind, _sep2, value = rest.partition(":")
    try:
        if sep and question and kind == "error":
            return question, Fault("error", status=int(value or 500))
        if sep and question and kind in ("slow", "hang") and value:
            return question, Fault("slow" if kind == "slow" else "hang", seconds=float(value))
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(
        f"expected QUESTION=error[:STATUS], QUESTION=slow:SECONDS or QUESTION=hang:SECONDS, "
        f"got {text!r}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m netval.testing.batfish_replay",
        description="Serve recorded Batfish answers to pybatfish (Batfish HTTP v2 API subset).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    parser.add_argument(
        "--port", type=int, default=9996, help="port to listen on, 0 for any (default %(default)s)"
    )
    parser.add_argument(
        "--questions",
        default=str(DEFAULT_QUESTIONS_DIR),
        help="directory of Batfish question templates (default %(default)s)",
    )
    parser.add_argument(
        "--recording",
        action="append",
        type=_parse_recording_arg,
        required=True,
        metavar="DIR=QUESTION:REF",
        help="answer QUESTION on snapshots whose content equals DIR with the answer in REF; "
        "repeat for more questions or snapshots",
    )
    parser.add_argument(
        "--fault",
        action="append",
        type=_parse_fault_arg,
        default=[],
        metavar="QUESTION=KIND[:VALUE]",
        help="make QUESTION fail: error[:STATUS] (HTTP error, default 500), slow:SECONDS "
        "(work stays assigned that long) or hang:SECONDS (no response that long); repeatable",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    by_dir: dict[str, dict[str, str | os.PathLike[str]]] = {}
    for directory, question, ref in args.recording:
        by_dir.setdefault(directory, {})[question] = ref
    try:
        server, _port = start_replay(
            list(by_dir.items()),
            args.port,
            host=args.host,
            questions_dir=args.questions,
            faults=dict(args.fault),
        )
    except (ReplayConfigError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"netval batfish replay listening on {server.base_url}", flush=True)
    for recording in server.recordings:
        print(f"  {recording.label}: {', '.join(sorted(recording.answers))}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
