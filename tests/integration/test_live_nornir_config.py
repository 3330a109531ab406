"""`netval check` and `capture` on a real FRR lab, with the inventory from a nornir config.yaml:
SimpleInventory with a transform function, nornir-netbox's NetBoxInventory2 against a NetBox
API on 127.0.0.1 (recorded NetBox JSON, the lab's routers put in), and a runner plugin with
its options. What the devices said is compared with what FRR itself reports (vtysh)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from netval.lab import manager, record
from netval.live.source import LiveSource
from tests.conftest import DATA
from tests.integration.labtools import bgp_peer_states, run_netval, running_lab
from tests.netbox_fake import fake_netbox, lab_devices
from tests.verifytools import plain_pytest

pytestmark = pytest.mark.lab
MINI = DATA / "snapshots" / "mini"
CATALOG = "checks:\n  - kind: bgp_sessions\n    expect: {state: established}\n"


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(MINI, "nc") as result:
        conv = manager.wait_converged(result.record, 60)
        assert conv.converged, conv.moving
        yield result


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG)
    return path


def _inventory(lab: manager.UpResult) -> Path:
    return Path(record.inventory_dir(lab.record.lab_id))


def _check(config: Path, catalog: Path, tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    report = tmp_path / "report.json"
    proc = run_netval(
        "check", "--nornir-config", str(config), "-c", str(catalog), "--json", str(report), *extra
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    results = json.loads(report.read_text())["results"]
    return proc.returncode, {r["id"]: r for r in results}


def _established(lab: manager.UpResult) -> dict[str, set[str]]:
    """Each router's Established peers, as FRR reports them."""
    out = {}
    for name in lab.record.router_names():
        node = lab.record.node(name)
        assert node is not None
        states = bgp_peer_states(node.namespace)
        out[name] = {peer for peer, state in states.items() if state == "Established"}
    return out


def test_simple_inventory_with_a_transform_function_through_a_config_file(
    lab: manager.UpResult, catalog: Path, tmp_path: Path
) -> None:
    """The username comes only from the config's transform function (nornir-utils'
    load_credentials): without the function the same inventory cannot log in."""
    inv = _inventory(lab)
    defaults = yaml.safe_load((inv / "defaults.yaml").read_text())
    username = defaults.pop("username")
    (tmp_path / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    inventory = {
        "plugin": "SimpleInventory",
        "options": {
            "host_file": str(inv / "hosts.yaml"),
            "defaults_file": str(tmp_path / "defaults.yaml"),
        },
    }
    with_transform = {
        **inventory,
        "transform_function": "load_credentials",
        "transform_function_options": {"username": username},
    }
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"inventory": with_transform, "logging": {"enabled": False}}))
    code, results = _check(config, catalog, tmp_path)
    assert code == 0, results
    assert {i: r["status"] for i, r in results.items()} == {
        f"bgp_sessions[{n}]": "pass" for n in lab.record.router_names()
    }
    config.write_text(yaml.safe_dump({"inventory": inventory, "logging": {"enabled": False}}))
    code, results = _check(config, catalog, tmp_path)
    assert code == 1
    assert all(r["problem"] == "auth_failed" for r in results.values()), results


def test_netbox_inventory_checks_and_captures_the_lab(
    lab: manager.UpResult, catalog: Path, tmp_path: Path
) -> None:
    addresses = {}
    for name in lab.record.router_names():
        node = lab.record.node(name)
        assert node is not None
        addresses[name] = node.mgmt_ip
    inv = _inventory(lab)
    with fake_netbox(lab_devices(addresses, "cumulus_vtysh")) as netbox:
        config = tmp_path / "netbox.yaml"
        # NetBox holds the devices; how to log in comes from the defaults file, as NetBox
        # users keep credentials out of NetBox
        config.write_text(netbox.config(defaults_file=str(inv / "defaults.yaml")))
        code, results = _check(config, catalog, tmp_path)
        state_file = tmp_path / "state.json"
        proc = run_netval("capture", "--nornir-config", str(config), "-o", str(state_file))
    assert code == 0, results
    assert sorted(results) == [f"bgp_sessions[{n}]" for n in sorted(addresses)]
    assert all(r["status"] == "pass" for r in results.values())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    captured = json.loads(state_file.read_text())["nodes"]
    seen = {
        name: {p["peer"] for p in node["bgp_peers"] if p["state"] == "established"}
        for name, node in captured.items()
    }
    assert seen == _established(lab)


class RecordingRunner:
    """A runner plugin of the user's own: runs hosts one by one and notes what it ran."""

    runs: list[tuple[str, list[str]]] = []

    def __init__(self, label: str) -> None:
        self.label = label

    def run(self, task: Any, hosts: list[Any]) -> Any:
        from nornir.core.task import AggregatedResult

        result = AggregatedResult(task.name)
        for host in hosts:
            result[host.name] = task.copy().start(host)
        RecordingRunner.runs.append((self.label, sorted(h.name for h in hosts)))
        return result


def test_the_configs_runner_plugin_and_its_options_run_the_collection(
    lab: manager.UpResult, tmp_path: Path
) -> None:
    from nornir.core.plugins.runners import RunnersPluginRegister

    RunnersPluginRegister.register("netval-test-recording", RecordingRunner)
    inv = _inventory(lab)
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "inventory": {
                    "plugin": "SimpleInventory",
                    "options": {
                        "host_file": str(inv / "hosts.yaml"),
                        "defaults_file": str(inv / "defaults.yaml"),
                    },
                },
                "runner": {"plugin": "netval-test-recording", "options": {"label": "mine"}},
                "logging": {"enabled": False},
            }
        )
    )
    RecordingRunner.runs.clear()
    try:
        source = LiveSource(nornir_config=config)
        names = sorted(source.hosts())
        state = source.collect({n: {"bgp"} for n in names}, None)
    finally:
        RunnersPluginRegister.deregister("netval-test-recording")
    # the collection, then the closing of its sessions
    assert RecordingRunner.runs == [("mine", names), ("mine", names)]
    seen = {
        name: {p.peer for p in node.bgp_peers or [] if p.state == "established"}
        for name, node in state.nodes.items()
    }
    assert seen == _established(lab)


def test_pytest_itself_takes_the_nornir_config(
    lab: manager.UpResult, catalog: Path, tmp_path: Path
) -> None:
    """`pytest --netval live --netval-nornir-config`, without the netval command, and with
    --netval-workers: the same checks pass."""

    inv = _inventory(lab)
    config = tmp_path / "config.yaml"
    options = {"host_file": str(inv / "hosts.yaml"), "defaults_file": str(inv / "defaults.yaml")}
    config.write_text(
        yaml.safe_dump(
            {
                "inventory": {"plugin": "SimpleInventory", "options": options},
                "logging": {"enabled": False},
            }
        )
    )
    report = tmp_path / "report.json"
    proc = plain_pytest(
        tmp_path, "--netval", "live", "--netval-nornir-config", str(config),
        "--netval-workers", "1", "--netval-json", str(report), str(catalog),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(report.read_text())["results"]
    assert {r["id"]: r["status"] for r in results} == {
        f"bgp_sessions[{n}]": "pass" for n in lab.record.router_names()
    }
    assert all(r["source"] == f"nornir config {config}" for r in results)
