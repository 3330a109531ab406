"""Lab lifecycle on a real machine: clean teardown, rollback, side-by-side labs, bad input."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from scrapli.exceptions import ScrapliAuthenticationFailed

from netval.errors import EnvironmentProblem, LabError
from netval.lab import frr, manager, naming, record, sshd, system
from tests.conftest import DATA
from tests.integration.labtools import (
    leftovers,
    new_lab_id,
    poll,
    require_lab_support,
    root_links,
    running_lab,
    scrapli_login,
    wait_all_established,
)

pytestmark = pytest.mark.lab
MINI = DATA / "snapshots" / "mini"
CLI = [sys.executable, "-m", "netval.cli"]


def _lab_pids(result: manager.UpResult) -> list[int]:
    pids: list[int] = []
    for node in result.record.nodes:
        pids += system.netns_pids(node.namespace)
        if node.kind == "router":
            pids += system.netns_pids(naming.mgmt_namespace(node.namespace))
    return pids


def test_down_leaves_nothing_behind() -> None:
    require_lab_support()
    lab_id = new_lab_id("dn")
    try:
        result = manager.up(MINI, lab_id)
        pids = _lab_pids(result)
        mgmt_ifs = [n.mgmt_root_ifname for n in result.record.nodes if n.mgmt_root_ifname]
        assert len(pids) >= 2 * 5  # per router: watchfrr, zebra, staticd, bgpd, vrrpd, sshd
        assert leftovers(lab_id), "the lab should exist before down"
    finally:
        first = manager.down(lab_id)
    assert first.namespaces == 6  # 2 routers, their 2 management namespaces, h1, fabric
    assert leftovers(lab_id) == []
    assert not [p for p in pids if system.pid_alive(p)]
    assert not set(mgmt_ifs) & set(root_links())
    # idempotent: a second down finds nothing and does not fail
    again = manager.down(lab_id)
    assert (again.namespaces, again.processes) == (0, 0)


def test_failed_up_rolls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    require_lab_support()
    lab_id = new_lab_id("rb")

    def broken_sshd(*_: object) -> None:
        raise LabError("sshd refused to start (injected)")

    monkeypatch.setattr(sshd, "start", broken_sshd)
    try:
        with pytest.raises(LabError, match="injected"):
            manager.up(MINI, lab_id)
        assert leftovers(lab_id) == []
        assert not [ps for ps in frr.stale_pathspaces(naming.namespace_prefix(lab_id))]
    finally:
        manager.down(lab_id)


def test_down_cleans_a_half_built_lab_without_record() -> None:
    """An `up` killed before it wrote anything useful: down still finds the namespaces."""
    require_lab_support()
    lab_id = new_lab_id("hb")
    ns = naming.namespace(lab_id, "r1")
    subprocess.run(["ip", "netns", "add", ns], check=True)
    subprocess.run(["ip", "netns", "add", naming.fabric_namespace(lab_id)], check=True)
    Path("/etc/frr", ns).mkdir(parents=True)
    try:
        result = manager.down(lab_id)
        assert result.namespaces == 2
        assert leftovers(lab_id) == []
    finally:
        manager.down(lab_id)


def test_two_labs_side_by_side() -> None:
    with running_lab(MINI, "aa") as a, running_lab(MINI, "bb") as b:
        assert a.record.slot != b.record.slot
        a_ips = {n.mgmt_ip for n in a.record.nodes if n.mgmt_ip}
        b_ips = {n.mgmt_ip for n in b.record.nodes if n.mgmt_ip}
        assert a_ips and b_ips and not a_ips & b_ips
        for rec in (a.record, b.record):
            states = wait_all_established([n.namespace for n in rec.nodes if n.kind == "router"])
            assert all(v == "Established" for s in states.values() for v in s.values()), states
        # the same device answers over ssh in both labs, each on its own address
        for rec in (a.record, b.record):
            node = rec.node("r1")
            assert node is not None
            proc = subprocess.run(
                ["ip", "netns", "exec", naming.mgmt_namespace(node.namespace), "ss", "-ltnH"],
                capture_output=True,
                text=True,
                check=True,
            )
            assert f"{node.mgmt_ip}:22" in proc.stdout
        # taking one down leaves the other running
        manager.down(b.record.lab_id)
        states = wait_all_established([n.namespace for n in a.record.nodes if n.kind == "router"])
        assert all(v == "Established" for s in states.values() for v in s.values())


def test_lab_id_in_use_is_refused_and_first_lab_survives() -> None:
    with running_lab(MINI, "iu") as first:
        lab_id = first.record.lab_id
        proc = subprocess.run(
            [*CLI, "lab", "up", str(MINI), "--id", lab_id], capture_output=True, text=True
        )
        assert proc.returncode == 2
        assert f"lab id '{lab_id}' is already in use" in proc.stderr
        assert f"netval lab down --id {lab_id}" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert manager.require(lab_id).state == "up"
        assert all(system.pid_alive(p) for p in _lab_pids(first))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lab", "up", "/nonexistent/snap"], "is not a directory"),
        (["lab", "up", "tests/data"], "has no configs/ folder"),
        (["lab", "up", "tests/data/snapshots/mini", "--id", "Bad-Id"], "is not valid"),
        (["lab", "status", "--id", "nosuchlab"], "no lab with id 'nosuchlab' is running"),
    ],
)
def test_cli_input_errors_exit_2_without_traceback(args: list[str], message: str) -> None:
    proc = subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2]
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr.replace("\n", " ")
    assert "Traceback" not in proc.stderr


def test_mgmt_net_the_machine_routes_is_refused_before_anything_is_built() -> None:
    require_lab_support()
    lab_id = new_lab_id("mo")
    try:
        proc = subprocess.run(
            [*CLI, "lab", "up", str(MINI), "--id", lab_id, "--mgmt-net", "127.0.0.0/16"],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "overlaps 127." in proc.stderr and "interface lo" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert leftovers(lab_id) == []
    finally:
        manager.down(lab_id)


def test_not_root_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(EnvironmentProblem, match="the lab needs root") as exc:
        system.preflight()
    assert exc.value.hint and "sudo" in exc.value.hint


def test_missing_frr_is_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(system, "FRRINIT", str(tmp_path / "no-frrinit.sh"))
    monkeypatch.setattr(system, "SSHD", str(tmp_path / "no-sshd"))
    with pytest.raises(
        EnvironmentProblem, match="missing system packages: frr openssh-server"
    ) as e:
        system.preflight()
    assert e.value.hint == "apt-get install -y frr openssh-server"


def test_missing_tool_in_path_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _: None)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    with pytest.raises(EnvironmentProblem, match="iproute2"):
        system.preflight()


def test_each_lab_has_its_own_account_removed_at_down() -> None:
    """Labs side by side each log in with their own account and key, and a lab's key opens
    no other lab's router; `down` removes only its own account; the account's shell runs
    nothing but the vtysh wrapper."""
    import pwd

    with running_lab(MINI, "ua") as a:
        with running_lab(MINI, "ub") as b:
            assert a.record.username != b.record.username
            for result in (a, b):
                with scrapli_login(result.record, "r1") as conn:
                    assert conn.get_prompt().strip() == "r1#"
            other_key = manager.login_key(a.record.lab_id)
            login = scrapli_login(b.record, "r1", key=other_key)
            with pytest.raises(ScrapliAuthenticationFailed):
                login.open()
            entry = pwd.getpwnam(b.record.username)
            assert entry.pw_shell == str(sshd.LAB_SHELL)
            shell = subprocess.run([entry.pw_shell, "-c", "id"], capture_output=True, text=True)
            assert shell.returncode == 1 and "only opens" in shell.stderr
            interactive = subprocess.run([entry.pw_shell], capture_output=True, text=True)
            assert interactive.returncode == 1
        with pytest.raises(KeyError):
            pwd.getpwnam(b.record.username)
        assert pwd.getpwnam(a.record.username)


def test_concurrent_ups_of_one_id_leave_one_lab() -> None:
    import threading

    require_lab_support()
    lab_id = new_lab_id("cc")
    outcomes: list[str] = []

    def up() -> None:
        try:
            manager.up(MINI, lab_id)
            outcomes.append("up")
        except LabError as exc:
            outcomes.append(exc.message)

    try:
        threads = [threading.Thread(target=up) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes)[1] == "up" and "already in use" in sorted(outcomes)[0]
        assert manager.require(lab_id).state == "up"
        states = wait_all_established(
            [n.namespace for n in manager.require(lab_id).nodes if n.kind == "router"]
        )
        assert all(v == "Established" for s in states.values() for v in s.values())
    finally:
        manager.down(lab_id)
    assert leftovers(lab_id) == []


def test_ospfd_state_outside_its_pathspace_stays_private(tmp_path: Path) -> None:
    """FRR 8.4's ospfd writes /var/run/frr/ospfd-gr.json whatever its pathspace: each router's
    FRR sees a /var/run/frr of its own, so the file never lands in the machine's."""
    require_lab_support()
    snap = tmp_path / "snap"
    shutil.copytree(MINI, snap)
    for name, rid in (("r1", "10.1.255.1"), ("r2", "10.1.255.2")):
        cfg = snap / "configs" / name
        cfg.write_text(
            cfg.read_text().replace(
                "end\n",
                f"router ospf\n ospf router-id {rid}\n network 10.1.0.0/16 area 0\n!\nend\n",
            )
        )
    lab_id = new_lab_id("gr")
    try:
        result = manager.up(snap, lab_id)
        node = result.record.node("r1")
        assert node is not None
        ospfd = int(Path(frr.runtime_dir(node.namespace), "ospfd.pid").read_text())
        # the file as ospfd sees it, through its own mount namespace (/var/run links to /run,
        # and a symlink under /proc/PID/root would resolve in ours)
        run = frr.RUN.resolve()
        private = Path(f"/proc/{ospfd}/root", run.relative_to("/"), "ospfd-gr.json")
        assert poll(private.exists, timeout=10)
        assert private.stat().st_dev != frr.RUN.stat().st_dev
    finally:
        manager.down(lab_id)
    if not record.all_records():
        assert not frr.SHARED_STATE[0].exists()
    assert leftovers(lab_id) == []


def test_frr_that_does_not_start_is_an_error_not_a_running_lab() -> None:
    from netval.lab.plan import PlannedNode

    require_lab_support()
    # FRR's start script refuses a pathspace with a dot: nothing starts
    namespace = f"nv-{new_lab_id('fs')}-a.b"
    node = PlannedNode(name="a.b", kind="router", namespace=namespace, daemons=["zebra"])
    node.frr_conf = "frr version 8.4.4\nhostname a.b\n"
    system.run(["ip", "netns", "add", namespace])
    try:
        frr.write_config(node)
        frr.prepare_runtime_dir(namespace, 0)
        with pytest.raises(LabError, match="FRR did not start zebra, watchfrr"):
            frr.start(node)
    finally:
        system.terminate(system.netns_pids(namespace))
        system.run(["ip", "netns", "del", namespace], check=False)
        frr.remove_dirs(namespace)


def _processes_naming(words: list[str]) -> list[str]:
    """Command lines of running processes that mention one of ``words``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(word in argv for word in words):
            found.append(argv)
    return found


@pytest.mark.timeout(120)
def test_sigterm_mid_boot_rolls_back_everything() -> None:
    """SIGTERM (a cancelled CI job) while `lab up` starts FRR: the lab is rolled back, and a
    second and third signal during the rollback do not cut it short."""
    import pwd

    require_lab_support()
    lab_id = new_lab_id("st")
    proc = subprocess.Popen(
        [*CLI, "lab", "up", str(MINI), "--id", lab_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if "starting FRR" in line:
                break
        rec = record.load(lab_id)
        assert rec is not None, seen
        assert leftovers(lab_id), "the lab is half built when the signal comes"
        proc.send_signal(signal.SIGTERM)
        for line in proc.stderr:
            seen.append(line)
            if "rolling back" in line:
                proc.send_signal(signal.SIGTERM)
                proc.send_signal(signal.SIGINT)
                break
        rest = proc.communicate()
        output = "".join(seen) + rest[1]
        assert proc.returncode == 130, output
        assert "Traceback" not in output
        assert leftovers(lab_id) == []
        mgmt_ifs = {n.mgmt_root_ifname for n in rec.nodes if n.mgmt_root_ifname}
        assert not mgmt_ifs & set(root_links())
        lab_dir = str(record.lab_dir(lab_id))  # sshd runs from its config there
        assert _processes_naming([n.namespace for n in rec.nodes] + [lab_dir]) == []
        with pytest.raises(KeyError):
            pwd.getpwnam(rec.username)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        manager.down(lab_id)
