"""Teardown finds an environment's resources the way azd does (the `azd-env-name` tag), so a template
that never outputs AZURE_RESOURCE_GROUP is still torn down: `azd down` runs and nothing is left."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import run_wizard
from wizard.simulator.fakes import simulated_ports
from wizard.simulator.sample import copy_sample


def _without_group_output(tmp_path: Path) -> Path:
    project = copy_sample(tmp_path / "p")
    outputs = project / "infra" / "terraform" / "outputs.tf"
    text = outputs.read_text(encoding="utf-8")
    outputs.write_text(re.sub(r'output "AZURE_RESOURCE_GROUP" \{[^}]*\}\n', "", text), encoding="utf-8")
    return project


def test_teardown_without_resource_group_output_runs_azd_down_and_leaves_nothing(tmp_path: Path) -> None:
    project = _without_group_output(tmp_path)
    provisioned = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--create",
                             "--location", "eastus2", "--yes", "--steps", "environment,preflight,provision")
    assert provisioned.returncode == 0, provisioned.stdout + provisioned.stderr
    dotenv = (project / ".azure" / "dev" / ".env").read_text(encoding="utf-8")
    assert "AZURE_RESOURCE_GROUP" not in dotenv
    ports = simulated_ports(project, "dev")
    groups = ports.resources.resource_groups_tagged("azd-env-name", "dev")
    assert groups, "provision created the environment's resource group"

    plan = run_wizard("teardown", "--simulate", "-C", str(project), "-e", "dev")
    assert plan.returncode == 2, "without --confirm nothing is deleted"
    assert f"resource group {groups[0]}" in plan.stdout, plan.stdout
    assert "Nothing to delete" not in plan.stdout

    down = run_wizard("teardown", "--simulate", "-C", str(project), "-e", "dev", "--confirm", "dev")
    assert down.returncode == 0, down.stdout + down.stderr
    raw = next((project / ".azure" / "dev" / "wizard" / "runs").glob("*/raw.log"))
    assert any("azd down" in p.read_text(encoding="utf-8") for p in raw.parent.parent.glob("*/raw.log"))
    assert ports.resources.resource_groups_tagged("azd-env-name", "dev") == []
    assert "still there after azd down" not in down.stdout, down.stdout

    again = run_wizard("teardown", "--simulate", "-C", str(project), "-e", "dev", "--confirm", "dev")
    assert again.returncode == 0 and "Nothing to delete for environment dev: it was torn down" in again.stdout, again.stdout
