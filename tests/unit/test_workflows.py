"""The workflow templates users copy: valid GitHub workflows, calling only options that exist."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
TEMPLATES = [
    ROOT / ".github" / "workflows" / f"{n}.yml"
    for n in ("pre-change", "post-change", "sharded-check")
]
BATFISH_JOB = ROOT / ".github" / "workflows" / "batfish-integration.yml"


def test_workflows_follow_githubs_schema() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
        + [str(w) for w in WORKFLOWS],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("template", [*TEMPLATES, BATFISH_JOB], ids=lambda p: p.stem)
def test_templates_use_only_existing_options(template: object) -> None:
    text = template.read_text()  # type: ignore[attr-defined]
    # a command starts at `netval <command>` and runs on over continued lines
    joined = text.replace("\\\n", " ")
    uses = re.findall(r"netval (verify|check|capture|merge)\b([^\n]*)", joined)
    assert uses, "the template runs no netval command"
    for command, rest in uses:
        helptext = subprocess.run(
            [sys.executable, "-m", "netval.cli", command, "--help"],
            capture_output=True,
            text=True,
            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        ).stdout
        for option in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", rest):
            assert option in helptext, f"{template}: netval {command} has no option {option}"


def test_batfish_job_passes_every_batfish_setting() -> None:
    import yaml

    from netval.static.batfish_settings import ENV_VARS

    job = yaml.safe_load(BATFISH_JOB.read_text())["jobs"]["batfish"]
    assert job["services"]["batfish"]["image"].startswith("batfish/allinone")
    assert set(ENV_VARS.values()) <= set(job["env"]), sorted(
        set(ENV_VARS.values()) - set(job["env"])
    )


def test_the_sharded_template_runs_every_shard_and_merges_them() -> None:
    import yaml

    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "sharded-check.yml").read_text())
    shards = flow["jobs"]["check"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(flow["env"]["SHARDS"]) + 1))
    assert flow["jobs"]["check"]["strategy"]["fail-fast"] is False
    merge = flow["jobs"]["merge"]
    assert merge["needs"] == "check"
    script = "\n".join(step.get("run", "") for step in merge["steps"])
    assert "netval merge reports/ shards/check-*.json" in script
