"""netval's collection as a Nornir task in a user's own script, on a real lab: the README's
example, run as written against the lab's inventory."""

from __future__ import annotations

from pathlib import Path

import pytest

from netval.lab import manager, record
from tests.integration.labtools import ROOT, running_lab


@pytest.mark.timeout(300)
def test_a_users_nornir_script_collects_and_evaluates_a_catalog(tmp_path: Path) -> None:
    from nornir import InitNornir

    from netval.tasks import HostProgress, evaluate, netval_collect, state_of

    with running_lab(ROOT / "snapshots" / "base", "nb", ROOT / "inventory") as lab:
        assert manager.wait_converged(lab.record, 90).converged
        folder = record.inventory_dir(lab.record.lab_id)
        nr = InitNornir(
            inventory={
                "plugin": "SimpleInventory",
                "options": {
                    "host_file": str(folder / "hosts.yaml"),
                    "group_file": str(folder / "groups.yaml"),
                    "defaults_file": str(folder / "defaults.yaml"),
                },
            },
            runner={"plugin": "threaded", "options": {"num_workers": 8}},
            logging={"enabled": False},
        )
        seen: list[tuple[str, int, int]] = []
        watched = nr.with_processors(
            [HostProgress(lambda name, node, done, total: seen.append((name, done, total)))]
        )
        result = watched.run(task=netval_collect, domains=["bgp", "routes", "vrrp", "interfaces"])
        assert not result.failed, {h: r[0].exception for h, r in result.items() if r.failed}
        routers = sorted(nr.inventory.hosts)
        assert sorted(name for name, _, _ in seen) == routers
        assert sorted(done for _, done, _ in seen) == list(range(1, len(routers) + 1))
        state = state_of(result)
        assert sorted(state.nodes) == routers and state.nodes["leaf1"].bgp_peers

        items = evaluate([ROOT / "checks" / "fabric.yaml"], state, nr)
        assert items and all(i.status == "pass" for i in items), [
            (i.item_id, i.status, i.message) for i in items if i.status != "pass"
        ]
        # the inventory's roles select devices, as in `netval check`
        assert {"bgp_sessions[leaf1]", "bgp_sessions[spine1]"} <= {i.item_id for i in items}

        wrong = tmp_path / "wrong.yaml"
        wrong.write_text(
            "checks:\n  - kind: bgp_sessions\n    devices: [border1]\n"
            "    remote_as: {192.0.2.1: 64999}\n"
            "  - kind: ospf_neighbors\n    devices: [leaf1]\n"
        )
        judged = {i.item_id: i for i in evaluate([wrong], state, nr)}
        assert judged["bgp_sessions[border1]"].status == "fail"
        assert "expected 64999" in judged["bgp_sessions[border1]"].message
        # not collected is an error, never a pass
        assert judged["ospf_neighbors[leaf1]"].status == "error"
