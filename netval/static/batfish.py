"""The Batfish engine: the static questions answered by a Batfish service through pybatfish.

Batfish runs as a service the user starts (``docker run -d -p 9996:9996 batfish/allinone``) or
one many pipelines share; ``BATFISH_HOST`` and the other settings in
``netval.static.batfish_settings`` point netval at it (docs/batfish.md).
Each answer is returned as Batfish gave it: the column names of its ``columnMetadata`` and its
raw JSON rows, so checks written against this engine read the same shapes as the built-in one.

pybatfish is untyped where it matters (questions are attributes made at run time from the
service's templates), so everything that touches it is ``Any`` and stays inside this module.
"""

from __future__ import annotations

import hashlib
import inspect
import ipaddress
import re
import secrets
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from netval.errors import EngineError, InputError
from netval.snapshot import ConfigFormat, detect_format
from netval.state import BgpPeer, BgpState, Interface, NextHop, Route, State, VrrpGroup, VrrpRole
from netval.static.batfish_settings import (
    DEFAULT_NETWORK,
    DEFAULT_PORT,
    MAX_NAME,
    START_HINT,
    BatfishSettings,
    safe_stem,
    valid_name,
)
from netval.static.engine import Answer, Headers, Needs, RouteInput, Row
from netval.static.resolve import resolve_routes
from netval.vendor_format import FRR_START as _FRR_START

__all__ = [
    "DEFAULT_NETWORK",
    "DEFAULT_PORT",
    "START_HINT",
    "BatfishEngine",
    "BatfishSettings",
    "answer_from_batfish",
    "bgp_to_state",
    "default_snapshot_name",
    "interfaces_to_state",
    "next_hop_from_batfish",
    "predicted_vrrp_master",
    "routes_to_state",
    "vrrp_to_state",
    "wrap_frr_config",
]

# Batfish checks the connection itself with retries and backoff (seconds of silence); a plain
# TCP connect first turns the common "nothing listens there" into an immediate, clear error.
_CONNECT_TIMEOUT = 5.0
# One delete request at clean-up waits at most this long (seconds).
_CLEANUP_TIMEOUT = 10.0
# pybatfish's WorkStatusCode values that end a work item.
_WORK_DONE = frozenset(
    {
        "ASSIGNMENTERROR",
        "REQUEUEFAILURE",
        "TERMINATEDABNORMALLY",
        "TERMINATEDBYUSER",
        "TERMINATEDNORMALLY",
    }
)
# A run's snapshots carry this many random hex digits, so that runs sharing a service never
# overwrite or delete each other's snapshots, even for the same configs.
_RUN_ID_DIGITS = 8
_HOSTNAME = re.compile(r"^hostname (\S+)\s*$", re.M)
# VRRP's default priority (RFC 5798), for groups whose priority Batfish leaves unset.
_VRRP_DEFAULT_PRIORITY = 100


# --------------------------------------------------------------------------------------------
# Snapshot preparation


def wrap_frr_config(text: str, fallback_hostname: str) -> str:
    """A bare frr.conf in Batfish's Cumulus-concatenated format.

    Batfish has no parser for a bare frr.conf; the concatenated format (hostname, interfaces
    file, ports.conf, frr.conf) is how it reads FRR. Addresses stay in the FRR part, which
    Batfish reads there too; only ``lo`` is declared in the interfaces part because Batfish
    creates every interface the FRR part names. Leading blank or ``!`` lines before
    ``frr version`` are dropped: between the ports.conf marker and the FRR part they would be
    read as ports.conf lines.
    """
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _FRR_START.match(line)), 0)
    frr = "\n".join(lines[start:]) + "\n"
    m = _HOSTNAME.search(frr)
    hostname = m.group(1) if m else fallback_hostname
    return (
        f"{hostname}\n"
        "# This file describes the network interfaces\n"
        "auto lo\n"
        "iface lo inet loopback\n"
        "\n"
        "# ports.conf --\n"
        f"{frr}"
    )


def _bare_frr_configs(snapshot: Path) -> list[Path]:
    configs = snapshot / "configs"
    if not configs.is_dir():
        return []
    found = []
    for path in sorted(configs.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            text = path.read_text()
        except (UnicodeDecodeError, OSError):
            continue  # not an FRR text file; Batfish reports what it makes of it
        if detect_format(text) is ConfigFormat.FRR:
            found.append(path)
    return found


def _snapshot_digest(snapshot: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in snapshot.rglob("*") if p.is_file()):
        digest.update(path.relative_to(snapshot).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def default_snapshot_name(snapshot: Path) -> str:
    """Folder name plus a content hash, so a person listing a service's snapshots can tell
    which configs each one holds; a run adds its own id (see ``BatfishEngine``)."""
    stem = safe_stem(snapshot.resolve().name) or "snapshot"
    room = MAX_NAME - 13 - (_RUN_ID_DIGITS + 1)
    return f"{stem[:room]}-{_snapshot_digest(snapshot)[:12]}"


def _check_snapshot_dir(snapshot: Path) -> None:
    if not snapshot.is_dir():
        raise InputError(
            f"snapshot {snapshot} is not a directory",
            hint="pass a snapshot folder such as snapshots/base (it holds configs/)",
        )


# --------------------------------------------------------------------------------------------
# Answers


def _failure_detail(element: Any) -> str:
    if not isinstance(element, dict):
        return ""
    for key in ("exception", "message", "answer"):
        value = element.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().splitlines()[0]
    lines = element.get("lines")
    if isinstance(lines, list) and lines:
        return str(lines[0]).strip()
    return ""


def answer_from_batfish(question: str, raw: Any) -> Answer:
    """Batfish's answer as an ``Answer``: columns from columnMetadata, rows as raw JSON rows.

    A failed answer is an ``EngineError``, never an empty table: an empty table would read as
    "Batfish found nothing", which passes checks such as undefined references.
    """
    if not isinstance(raw, Mapping):
        raise EngineError(f"Batfish question {question} returned no answer table ({raw!r:.200})")
    elements = raw.get("answerElements") or []
    first = elements[0] if elements else None
    status = raw.get("status")
    if status is not None and str(status).upper() != "SUCCESS":
        detail = _failure_detail(first)
        raise EngineError(
            f"Batfish question {question} failed with status {status}"
            + (f": {detail}" if detail else "")
        )
    if not isinstance(first, Mapping):
        raise EngineError(f"Batfish question {question} returned no answer table")
    metadata = first.get("metadata")
    if not isinstance(metadata, Mapping) or not isinstance(metadata.get("columnMetadata"), list):
        detail = _failure_detail(first)
        raise EngineError(
            f"Batfish question {question} returned no answer table"
            + (f": {detail}" if detail else "")
        )
    columns = [str(c["name"]) for c in metadata["columnMetadata"]]
    rows = [dict(r) for r in (first.get("rows") or [])]
    return Answer(question=question, columns=columns, rows=rows)


# --------------------------------------------------------------------------------------------
# Answers -> predicted State (pure functions, each testable on a recorded answer)


def _name(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("hostname") or "")
    return "" if value is None else str(value)


def _interface(value: Any) -> tuple[str, str]:
    if isinstance(value, Mapping):
        return str(value.get("hostname", "")), str(value.get("interface", ""))
    return "", "" if value is None else str(value)


def _ip_or_none(value: Any) -> str | None:
    """An IP from a cell, or None for Batfish's placeholders such as ``AUTO/NONE(-1l)``."""
    if isinstance(value, Mapping):  # SelfDescribing {"schema": "Ip", "value": ...}
        value = value.get("value")
    if value is None:
        return None
    text = str(value).split("/")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None  # AS ranges and lists stay unknown


def next_hop_from_batfish(value: Any) -> NextHop:
    """A routes answer's typed Next_Hop object as a NextHop."""
    if not isinstance(value, Mapping):
        raise EngineError(f"Batfish route has a next hop netval cannot read: {value!r}")
    kind = value.get("type")
    if kind == "discard":
        return NextHop(discard=True)
    if kind == "ip":
        return NextHop(ip=str(value["ip"]))
    if kind == "interface":
        ip = value.get("ip")
        return NextHop(interface=str(value["interface"]), ip=str(ip) if ip else None)
    if kind == "vrf":
        # The State has no next-hop VRF field; naming it keeps distinct VRF hops distinct.
        return NextHop(interface=f"vrf:{value.get('vrf')}")
    if kind == "vtep":
        return NextHop(ip=str(value.get("vtep")))
    raise EngineError(f"Batfish route has a next hop of unknown type {kind!r}: {value!r}")


_BATFISH_BGP_KINDS: dict[str, Literal["ebgp", "ibgp"]] = {"bgp": "ebgp", "ibgp": "ibgp"}


def _apply_routes(state: State, answer: Answer) -> None:
    if "Next_Hop" not in answer.columns:
        raise EngineError(
            f"Batfish's routes answer has no Next_Hop column (columns: {', '.join(answer.columns)})"
            "; this Batfish version is older than netval supports"
        )
    grouped: dict[tuple[str, str, str, str, Any, Any], list[NextHop]] = {}
    for row in answer.rows:
        key = (
            _name(row.get("Node")),
            str(row.get("VRF") or "default"),
            str(row.get("Network")),
            str(row.get("Protocol")),
            row.get("Admin_Distance"),
            row.get("Metric"),
        )
        grouped.setdefault(key, []).append(next_hop_from_batfish(row.get("Next_Hop")))
    for (node, vrf, network, protocol, admin, metric), hops in grouped.items():
        routes = state.node(node).routes
        if routes is None:
            routes = state.node(node).routes = []
        routes.append(
            Route(
                prefix=network,
                vrf=vrf,
                protocol=protocol,
                # Batfish names an eBGP route "bgp" and an iBGP one "ibgp"
                bgp_kind=_BATFISH_BGP_KINDS.get(protocol),
                next_hops=hops,
                admin_distance=_int_or_none(admin),
                metric=_int_or_none(metric),
                # Batfish's main RIB holds what the FIB would get.
                selected=True,
                fib=True,
            )
        )
    for node_state in state.nodes.values():
        if node_state.routes:
            resolve_routes(node_state.routes)


def routes_to_state(answer: Answer, origin: str = "") -> State:
    """A ``routes`` answer as a predicted State: one Route per (node, VRF, prefix, protocol,
    distance, metric), with one NextHop per row, so ECMP width is the number of rows."""
    state = State(source="predicted", origin=origin)
    _apply_routes(state, answer)
    return state


def _peer_key(row: Row) -> tuple[str, str, str]:
    node = _name(row.get("Node"))
    vrf = str(row.get("VRF") or "default")
    remote = row.get("Remote_IP")
    if isinstance(remote, Mapping) and remote.get("value") is not None:
        return node, vrf, str(remote["value"])
    _host, iface = _interface(row.get("Local_Interface"))
    return node, vrf, iface or "?"


def bgp_to_state(state: State, status: Answer, compatibility: Answer) -> None:
    """BGP peers from bgpSessionStatus (state) and bgpSessionCompatibility (AS, addresses).

    Compatibility gives each session's resolved remote AS; status says whether Batfish
    predicts it to come up. A peer only one of them lists is kept with what that one says.
    """
    peers: dict[tuple[str, str, str], BgpPeer] = {}
    for row in compatibility.rows:
        node, vrf, peer = key = _peer_key(row)
        peers[key] = BgpPeer(
            peer=peer,
            vrf=vrf,
            local_as=_int_or_none(row.get("Local_AS")),
            remote_as=_int_or_none(row.get("Remote_AS")),
            local_ip=_ip_or_none(row.get("Local_IP")),
            # Only bgpSessionStatus predicts establishment; without it, not established.
            state=BgpState.IDLE,
        )
    for row in status.rows:
        node, vrf, peer = key = _peer_key(row)
        established = str(row.get("Established_Status", "")).upper() == "ESTABLISHED"
        known = peers.get(key)
        peers[key] = BgpPeer(
            peer=peer,
            vrf=vrf,
            local_as=(
                known.local_as
                if known and known.local_as is not None
                else _int_or_none(row.get("Local_AS"))
            ),
            remote_as=(
                known.remote_as
                if known and known.remote_as is not None
                else _int_or_none(row.get("Remote_AS"))
            ),
            local_ip=(
                known.local_ip if known and known.local_ip else _ip_or_none(row.get("Local_IP"))
            ),
            state=BgpState.ESTABLISHED if established else BgpState.IDLE,
        )
    for (node, _vrf, _peer), bgp_peer in peers.items():
        node_state = state.node(node)
        if node_state.bgp_peers is None:
            node_state.bgp_peers = []
        node_state.bgp_peers.append(bgp_peer)


def predicted_vrrp_master(candidates: Mapping[str, tuple[int | None, str | None]]) -> str:
    """Which router wins a VRRP election: highest priority, then highest primary address
    (RFC 5798 §6.4.3). ``candidates`` maps a router to (priority, source address)."""

    def rank(item: tuple[str, tuple[int | None, str | None]]) -> tuple[int, int, str]:
        router, (priority, source) = item
        ip = _ip_or_none(source)
        return (
            _VRRP_DEFAULT_PRIORITY if priority is None else priority,
            int(ipaddress.ip_address(ip)) if ip else -1,
            router,
        )

    return max(candidates.items(), key=rank)[0]


def _vips(value: Any) -> list[str]:
    if isinstance(value, Mapping):  # older Batfish: virtual addresses keyed by interface
        return sorted({str(v) for vs in value.values() for v in (vs or [])})
    if isinstance(value, list):
        return sorted(str(v) for v in value)
    return [] if value is None else [str(value)]


def vrrp_to_state(state: State, answer: Answer) -> None:
    """VRRP groups from vrrpProperties, each router's role from a predicted election.

    Routers running the same group id with the same virtual addresses are taken as one group
    (Batfish does not say which segment an interface is on in this answer).
    """
    members: dict[tuple[int, tuple[str, ...]], dict[str, tuple[int | None, str | None]]] = {}
    entries: list[tuple[str, str, int, int | None, list[str]]] = []
    for row in answer.rows:
        node, iface = _interface(row.get("Interface"))
        vrid = _int_or_none(row.get("Group_Id"))
        if vrid is None:
            continue
        priority = _int_or_none(row.get("Priority"))
        vips = _vips(row.get("Virtual_Addresses"))
        source = row.get("Source_Address")
        members.setdefault((vrid, tuple(vips)), {})[node] = (
            priority,
            None if source is None else str(source),
        )
        entries.append((node, iface, vrid, priority, vips))
    masters = {group: predicted_vrrp_master(routers) for group, routers in members.items()}
    for node, iface, vrid, priority, vips in entries:
        node_state = state.node(node)
        if node_state.vrrp is None:
            node_state.vrrp = []
        master = masters[(vrid, tuple(vips))]
        node_state.vrrp.append(
            VrrpGroup(
                interface=iface,
                vrid=vrid,
                role=VrrpRole.MASTER if master == node else VrrpRole.BACKUP,
                priority=priority,
                vips=vips,
            )
        )


def interfaces_to_state(state: State, answer: Answer) -> None:
    """Interfaces from interfaceProperties: Admin_Up, Active (predicted oper state), prefixes."""
    for row in answer.rows:
        node, iface = _interface(row.get("Interface"))
        node_state = state.node(node)
        if node_state.interfaces is None:
            node_state.interfaces = []
        admin, active = row.get("Admin_Up"), row.get("Active")
        description = row.get("Description")
        node_state.interfaces.append(
            Interface(
                name=iface,
                admin_up=admin if isinstance(admin, bool) else None,
                oper_up=active if isinstance(active, bool) else None,
                addresses=[str(p) for p in row.get("All_Prefixes") or []],
                description=str(description) if description else None,
            )
        )


# --------------------------------------------------------------------------------------------
# The engine


def _unreachable(settings: BatfishSettings, reason: object) -> EngineError:
    return EngineError(f"cannot reach Batfish at {settings.address}: {reason}", hint=START_HINT)


def _pybatfish_version() -> str:
    import pybatfish

    return str(getattr(pybatfish, "__version__", "0"))


def _short(exc: BaseException, limit: int = 600) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class BatfishEngine:
    """Answers static questions with a Batfish service.

    Constructing one connects, sets the network and uploads the snapshot (bare frr.conf files
    wrapped, see ``wrap_frr_config``), so an unreachable service or an unusable snapshot fails
    here, before any check runs.

    A service may be shared by many pipelines at once, so every snapshot this engine uploads
    is named with the engine's own ``run_id``, and ``close()`` deletes them again (and the
    network, when this run created it and nothing else is left in it).
    """

    name = "batfish"

    def __init__(
        self,
        snapshot: Path | str,
        settings: BatfishSettings | None = None,
        *,
        snapshot_name: str | None = None,
    ) -> None:
        self.snapshot = Path(snapshot)
        _check_snapshot_dir(self.snapshot)
        self.settings = settings if settings is not None else BatfishSettings.from_env()
        if snapshot_name is not None and not valid_name(snapshot_name):
            raise InputError(
                f"{snapshot_name!r} is not a valid Batfish snapshot name",
                hint="use letters, digits, '-' and '_' only",
            )
        self.run_id = secrets.token_hex(_RUN_ID_DIGITS // 2)
        #: snapshots this run asked the service to create, in order (deleted by close())
        self.uploaded: list[str] = []
        self.created_network = False
        #: what close() left on the service because the settings keep it
        self.kept: list[str] = []
        self._closed = False
        self._references: dict[str, str] = {}
        self._cache: dict[str, Answer] = {}
        self._failed: dict[str, EngineError] = {}
        self._bf: Any = None
        try:
            self._bf = self._connect()
            self._digest = _snapshot_digest(self.snapshot)
            self.snapshot_name = self._upload(self.snapshot, snapshot_name)
        except BaseException:
            # an upload cut short (an error, Ctrl-C) must not leave a snapshot behind
            self.close()
            raise

    # ---- connection and upload

    def _session_args(self, session_class: Any) -> dict[str, Any]:
        settings = self.settings
        accepted = inspect.signature(session_class).parameters
        # pybatfish renamed port_v2 to port; both spell Batfish's v2 API port.
        args: dict[str, Any] = {
            "host": settings.host,
            "port" if "port" in accepted else "port_v2": settings.port,
            "ssl": settings.ssl,
            "verify_ssl_certs": settings.verify_certs,
        }
        if settings.api_key is not None:
            args["api_key"] = settings.api_key
        if "timeout" in accepted:
            args["timeout"] = settings.timeout
        elif "request_kwargs" in accepted and settings.timeout is not None:
            args["request_kwargs"] = {"timeout": settings.timeout}
        return args

    def _connect(self) -> Any:
        settings = self.settings
        try:
            with socket.create_connection((settings.host, settings.port), _CONNECT_TIMEOUT):
                pass
        except OSError as exc:
            raise _unreachable(settings, exc.strerror or exc) from exc

        import requests
        from pybatfish.client import session as pybatfish_session
        from pybatfish.exception import BatfishException

        session_class: Any = pybatfish_session.Session
        if not settings.verify_certs:
            import urllib3

            # the user turned verification off on purpose; a warning on every request would
            # bury the run's own output
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        try:
            bf: Any = session_class(**self._session_args(session_class))
            self._set_network(bf)
        except requests.exceptions.SSLError as exc:
            raise EngineError(
                f"TLS with Batfish at {settings.address} failed: {_short(exc)}",
                hint="check BATFISH_SSL (does the service speak https?) and the certificate; "
                "BATFISH_VERIFY_CERTS=0 accepts a self-signed one",
            ) from exc
        except requests.ConnectionError as exc:
            raise _unreachable(settings, _short(exc)) from exc
        except (requests.RequestException, BatfishException, ValueError) as exc:
            raise EngineError(
                f"the service at {settings.address} did not answer as Batfish: {_short(exc)}",
                hint=START_HINT,
            ) from exc
        return bf

    def _set_network(self, bf: Any) -> None:
        from pybatfish.client import restv2helper

        network = self.settings.network
        if network not in bf.list_networks():
            try:
                # Creating it here, not through set_network, tells this run whether it was
                # the one that created it when several start at once: only that one may
                # delete it later.
                restv2helper.init_network(bf, network)
                self.created_network = True
            except Exception:
                if network not in bf.list_networks():
                    raise
                # another run created it between the listing and ours: it is theirs
        bf.set_network(network)

    def _upload(self, snapshot: Path, name: str | None = None) -> str:
        import requests
        from pybatfish.exception import BatfishException

        name = name or f"{default_snapshot_name(snapshot)}-{self.run_id}"
        wrap = _bare_frr_configs(snapshot)
        with tempfile.TemporaryDirectory(prefix="netval-batfish-") as tmp:
            upload = snapshot
            if wrap:
                # Upload a copy: the user's snapshot stays as written.
                upload = Path(tmp) / snapshot.resolve().name
                shutil.copytree(snapshot, upload)
                for path in wrap:
                    target = upload / "configs" / path.name
                    target.write_text(wrap_frr_config(path.read_text(), path.name))
            # before the upload: one that fails half-way may still have created it
            self.uploaded.append(name)
            try:
                self._bf.init_snapshot(str(upload), name=name, overwrite=True)
            except requests.ConnectionError as exc:
                raise _unreachable(self.settings, _short(exc)) from exc
            except (requests.RequestException, BatfishException, ValueError) as exc:
                raise EngineError(
                    f"Batfish at {self.settings.address} could not initialize snapshot "
                    f"{snapshot} (as {name}): {_short(exc)}"
                ) from exc
        return name

    def _reference(self, reference: Path | str) -> str:
        path = Path(reference)
        _check_snapshot_dir(path)
        digest = _snapshot_digest(path)
        if digest == self._digest:
            # Comparing a snapshot with itself needs no second upload.
            return self.snapshot_name
        if digest not in self._references:
            self._references[digest] = self._upload(path)
        return self._references[digest]

    # ---- clean-up

    def close(self) -> list[str]:
        """Delete this run's snapshots, and the network if this run created it and nothing
        else is in it, unless the settings keep them. Returns what could not be deleted.

        Each delete is one request with a short timeout, never pybatfish's retries: clean-up
        runs after Ctrl-C too, and a hung service must not hold the user for minutes.
        """
        if self._closed:
            return []
        self._closed = True
        if self._bf is None:
            return []
        if self.settings.keep_snapshots:
            self.kept = list(dict.fromkeys(self.uploaded))
            return []
        problems: list[str] = []
        network = self.settings.network
        for name in dict.fromkeys(self.uploaded):
            problem = self._delete(f"/networks/{network}/snapshots/{name}")
            if problem:
                problems.append(f"snapshot {name} in network {network}: {problem}")
        if self.created_network and not problems:
            try:
                left = self._bf.list_snapshots()
            except Exception as exc:
                problems.append(f"network {network}: cannot list its snapshots: {_short(exc)}")
            else:
                if not left:
                    problem = self._delete(f"/networks/{network}")
                    if problem:
                        problems.append(f"network {network}: {problem}")
        return problems

    def _delete(self, path: str) -> str:
        import requests
        from pybatfish.client.consts import CoordConstsV2

        bf = self._bf
        headers = {
            CoordConstsV2.HTTP_HEADER_BATFISH_APIKEY: str(bf.api_key),
            CoordConstsV2.HTTP_HEADER_BATFISH_VERSION: _pybatfish_version(),
        }
        timeout = min(self.settings.timeout or _CLEANUP_TIMEOUT, _CLEANUP_TIMEOUT)
        try:
            response = requests.delete(
                bf.get_base_url2() + path,
                headers=headers,
                verify=self.settings.verify_certs,
                timeout=timeout,
            )
        except requests.RequestException as exc:
            return _short(exc, 200)
        if response.status_code == 404 or response.ok:
            return ""  # gone already (e.g. an upload that never arrived) is what we want
        return f"HTTP {response.status_code}: {_short(Exception(response.text), 200)}"

    # ---- asking

    def _ask(
        self,
        question: str,
        params: Mapping[str, Any] | None = None,
        *,
        reference: str | None = None,
        label: str | None = None,
    ) -> Answer:
        """Ask one question; parameters left out keep the template's defaults."""
        import requests
        from pybatfish.exception import BatfishException

        label = label or question
        factory = getattr(self._bf.q, question, None)
        if factory is None:
            raise EngineError(
                f"Batfish question {label} failed: the service at {self.settings.address} has "
                f"no '{question}' question template"
            )
        try:
            asked = factory(**dict(params or {}))
            work_id = asked.answer(
                snapshot=self.snapshot_name, reference_snapshot=reference, background=True
            )
            self._wait(str(work_id), label)
            raw = self._bf.get_answer(asked.get_name(), self.snapshot_name, reference)
        except requests.Timeout as exc:
            raise EngineError(
                f"Batfish question {label} failed: Batfish at {self.settings.address} did not "
                f"respond within {self.settings.timeout or 0:g} s ({_short(exc, 200)})",
                hint="a busy shared service may need a longer BATFISH_TIMEOUT (--batfish-timeout)",
            ) from exc
        except requests.ConnectionError as exc:
            raise EngineError(
                f"Batfish question {label} failed: cannot reach Batfish at "
                f"{self.settings.address}: {_short(exc)}",
                hint=START_HINT,
            ) from exc
        except (requests.RequestException, BatfishException, ValueError, KeyError) as exc:
            raise EngineError(f"Batfish question {label} failed: {_short(exc)}") from exc
        return answer_from_batfish(question, raw)

    def _wait(self, work_id: str, label: str) -> None:
        """Poll Batfish until the work ends, for at most the question timeout."""
        limit = self.settings.question_timeout
        deadline = None if limit is None else time.monotonic() + limit
        pause = 0.1
        while True:
            status = self._bf.get_work_status(work_id)
            code = str(status.get("workstatus") or "")
            if code in _WORK_DONE:
                break
            if deadline is not None and time.monotonic() >= deadline:
                raise EngineError(
                    f"Batfish question {label} failed: Batfish at {self.settings.address} gave "
                    f"no answer within {limit:g} s (its work is {code or 'in an unknown state'})",
                    hint="a large network or a busy shared service may need a longer "
                    "BATFISH_QUESTION_TIMEOUT (--batfish-question-timeout, 0: no limit)",
                )
            time.sleep(
                pause if deadline is None else max(0.0, min(pause, deadline - time.monotonic()))
            )
            pause = min(1.0, max(pause, 0.1) * 1.5)
        if code != "TERMINATEDNORMALLY":
            detail = ""
            if code == "TERMINATEDABNORMALLY":
                from pybatfish.client import restv2helper

                try:
                    log = str(restv2helper.get_work_log(self._bf, self.snapshot_name, work_id))
                except Exception:  # the log is a courtesy; the status is the error
                    log = ""
                lines = [line for line in log.splitlines() if line.strip()]
                detail = f": {lines[-1].strip()}" if lines else ""
            raise EngineError(
                f"Batfish question {label} failed: Batfish's work ended {code}{detail}"
            )

    def _ask_cached(self, question: str) -> Answer:
        # state() and the checks ask the same parameterless questions; Batfish answers them
        # from the same snapshot every time, so one round trip is enough. A failure is kept
        # too: asking again after a timeout would cost each later check the whole timeout.
        if question in self._failed:
            failed = self._failed[question]
            raise EngineError(failed.message, hint=failed.hint)
        if question not in self._cache:
            try:
                self._cache[question] = self._ask(question)
            except EngineError as exc:
                self._failed[question] = exc
                raise
        cached = self._cache[question]
        return Answer(cached.question, list(cached.columns), [dict(r) for r in cached.rows])

    # ---- the Engine protocol

    def file_parse_status(self) -> Answer:
        return self._ask_cached("fileParseStatus")

    def init_issues(self) -> Answer:
        return self._ask_cached("initIssues")

    def undefined_references(self) -> Answer:
        return self._ask_cached("undefinedReferences")

    def unused_structures(self) -> Answer:
        return self._ask_cached("unusedStructures")

    def bgp_session_compatibility(self) -> Answer:
        return self._ask_cached("bgpSessionCompatibility")

    def bgp_session_status(self) -> Answer:
        return self._ask_cached("bgpSessionStatus")

    def interface_properties(self) -> Answer:
        return self._ask_cached("interfaceProperties")

    def vrrp_properties(self) -> Answer:
        return self._ask_cached("vrrpProperties")

    def node_properties(self) -> Answer:
        return self._ask_cached("nodeProperties")

    def test_route_policies(
        self, node: str, policy: str, direction: str, routes: list[RouteInput]
    ) -> Answer:
        from pybatfish.datamodel.route import BgpRoute

        direction = _direction(direction)
        if not routes:
            raise InputError(
                "testRoutePolicies needs at least one input route",
                hint="give routes such as 10.0.0.0/8",
            )
        input_routes = [
            BgpRoute(
                network=r.network,
                originatorIp="0.0.0.0",
                originType=r.origin_type,
                protocol=r.protocol,
                # Batfish's AS path is a list of AS sets; a plain path is singleton sets.
                asPath=[[asn] for asn in r.as_path],
                communities=list(r.communities),
                localPreference=r.local_preference,
                metric=r.metric,
                nextHopIp=r.next_hop_ip,
            )
            for r in routes
        ]
        return self._ask(
            "testRoutePolicies",
            {
                "nodes": node,
                "policies": policy,
                "direction": direction,
                "inputRoutes": input_routes,
            },
        )

    def search_route_policies(
        self,
        node: str,
        policy: str,
        direction: str,
        prefixes: list[str],
        action: str,
        communities: list[str] | None = None,
        as_path_regex: str | None = None,
    ) -> Answer:
        from pybatfish.datamodel.route import BgpRouteConstraints

        # Batfish evaluates a route map the same way whichever way it is applied, so the
        # direction only matters to engines that model import and export differently.
        _direction(direction)
        action = action.lower()
        if action not in ("permit", "deny"):
            raise InputError(
                f"searchRoutePolicies action {action!r} is not permit or deny",
                hint="use action=permit or action=deny",
            )
        constraints: dict[str, Any] = {}
        if prefixes:
            constraints["prefix"] = list(prefixes)
        if communities:
            # Batfish matches these as regexes; a literal community must match only itself.
            constraints["communities"] = [_anchored(c) for c in communities]
        if as_path_regex:
            constraints["asPath"] = [as_path_regex]
        params: dict[str, Any] = {"nodes": node, "policies": policy, "action": action}
        if constraints:
            params["inputConstraints"] = BgpRouteConstraints(**constraints)
        return self._ask("searchRoutePolicies", params)

    def routes(self, nodes: list[str] | None = None) -> Answer:
        if not nodes:
            return self._ask_cached("routes")
        return self._ask("routes", {"nodes": ",".join(nodes)})

    def traceroute(self, start: str, headers: Headers) -> Answer:
        return self._ask(
            "traceroute", {"startLocation": start, "headers": _header_constraints(headers)}
        )

    def reachability(self, start: str, headers: Headers, actions: str = "SUCCESS") -> Answer:
        from pybatfish.datamodel.flow import PathConstraints

        return self._ask(
            "reachability",
            {
                "pathConstraints": PathConstraints(startLocation=start),
                "headers": _header_constraints(headers),
                "actions": actions,
            },
        )

    def differential_routes(self, reference: Path) -> Answer:
        return self._ask(
            "routes", reference=self._reference(reference), label="routes (differential)"
        )

    def differential_reachability(self, reference: Path, headers: Headers) -> Answer:
        return self._ask(
            "differentialReachability",
            {"headers": _header_constraints(headers)},
            reference=self._reference(reference),
        )

    def nodes(self) -> list[str]:
        return sorted({_name(r.get("Node")) for r in self.node_properties().rows} - {""})

    def unparsed(self) -> dict[str, str]:
        # Batfish names the devices of the files it parses; the parse check reads its
        # fileParseStatus for the others
        return {}

    def policies(self, node: str) -> list[str]:
        answer = self._ask("namedStructures", {"nodes": node, "structureTypes": "Routing_Policy"})
        names = {str(r.get("Structure_Name")) for r in answer.rows}
        # Names starting with '~' are policies Batfish generates itself (e.g. per BGP peer).
        return sorted(n for n in names if n and not n.startswith("~"))

    def state(self, needs: Needs | None = None) -> State:
        """The predicted State of the devices and domains ``needs`` names (all when None). A
        domain whose question fails is left uncollected (None) with the reason in each
        node's ``errors``, so checks on it report an error, not a pass."""
        state = State(source="predicted", origin=str(self.snapshot))
        failures: dict[str, str] = {}

        def collect(domain: str, apply: Callable[[], object]) -> None:
            try:
                apply()
            except EngineError as exc:
                failures[domain] = exc.message

        # Nodes with nothing in any answer (e.g. a router without BGP) still get a NodeState.
        collect("nodes", lambda: [state.node(n) for n in self.nodes()])
        route_nodes = None if needs is None else {n for n, d in needs.items() if "routes" in d}

        def routes() -> None:
            # one cached question for the whole network; only the rows of the devices that
            # need routes become objects
            answer = self.routes()
            if route_nodes is not None:
                answer = Answer(
                    answer.question,
                    answer.columns,
                    [r for r in answer.rows if _name(r.get("Node")) in route_nodes],
                )
            _apply_routes(state, answer)

        collect("routes", routes)
        collect(
            "bgp",
            lambda: bgp_to_state(
                state, self.bgp_session_status(), self.bgp_session_compatibility()
            ),
        )
        collect("vrrp", lambda: vrrp_to_state(state, self.vrrp_properties()))
        collect("interfaces", lambda: interfaces_to_state(state, self.interface_properties()))

        if not state.nodes:
            reasons = "; ".join(failures.values()) or "Batfish reports no nodes"
            raise EngineError(f"Batfish predicted no state for {self.snapshot}: {reasons}")
        fields = {
            "routes": "routes",
            "bgp": "bgp_peers",
            "vrrp": "vrrp",
            "interfaces": "interfaces",
        }
        if needs is not None:
            state.nodes = {n: s for n, s in state.nodes.items() if n in needs}
        for name, node_state in state.nodes.items():
            for domain, attr in fields.items():
                if needs is not None and domain not in needs[name]:
                    setattr(node_state, attr, None)
                elif domain in failures:
                    setattr(node_state, attr, None)
                    node_state.errors[domain] = failures[domain]
                elif getattr(node_state, attr) is None:
                    # Batfish answered, and this node has nothing in that domain.
                    setattr(node_state, attr, [])
            if needs is None or "bgp_routes" in needs[name]:
                # bgp_route and anycast read every path a device holds, not only the best
                # ones Batfish's bgpRib lists by default: not read from Batfish yet
                node_state.errors["bgp_routes"] = (
                    "the Batfish engine's BGP tables are not read by netval yet: "
                    "use --engine builtin for bgp_route and anycast"
                )
        return state


def _direction(direction: str) -> str:
    value = direction.strip().lower()
    if value not in ("in", "out"):
        raise InputError(
            f"policy direction {direction!r} is not in or out",
            hint="use direction=in or direction=out",
        )
    return value


def _anchored(community: str) -> str:
    if re.fullmatch(r"[0-9]+:[0-9]+", community):
        return f"^{community}$"
    return community


def _header_constraints(headers: Headers) -> Any:
    from pybatfish.datamodel.flow import HeaderConstraints

    fields: dict[str, Any] = {"dstIps": headers.dst_ip}
    if headers.src_ip:
        fields["srcIps"] = headers.src_ip
    if headers.ip_protocol:
        fields["ipProtocols"] = [headers.ip_protocol.upper()]
    if headers.dst_port is not None:
        fields["dstPorts"] = str(headers.dst_port)
    return HeaderConstraints(**fields)
