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


# -- lookups that fail or cannot run: named, never "nothing left" ----------------------------------
class _Refused(Exception):
    """What an adapter raises for an HTTP error (ArmError's shape: status, `code: message`)."""

    def __init__(self, status: int, text: str) -> None:
        self.status = status
        super().__init__(text)


class _FailingResources:
    """The simulated cloud's resources, with some lookups refused as Azure would."""

    def __init__(self, inner, refuse: set[str], soft: dict[str, str] | None = None) -> None:
        self.inner, self.refuse, self.soft = inner, refuse, soft or {}

    def _check(self, name: str) -> None:
        if name in self.refuse:
            raise _Refused(400, "BadRequest: The request could not be processed.")

    def resource_groups_tagged(self, tag, value):
        self._check("groups")
        return self.inner.resource_groups_tagged(tag, value)

    def list_resource_group(self, group):
        self._check("resources")
        return self.inner.list_resource_group(group)

    def resource_group_exists(self, group):
        self._check("exists")
        return self.inner.resource_group_exists(group)

    def list_soft_deleted(self, location=None):
        from wizard.core.ports import IncompleteListing

        self._check("soft")
        found = self.inner.list_soft_deleted(location)
        if self.soft:
            raise IncompleteListing(found, self.soft)
        return found

    def delete_resource_group(self, group):
        return self.inner.delete_resource_group(group)

    def purge_soft_deleted(self, resource):
        return self.inner.purge_soft_deleted(resource)


def _provisioned(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    from wizard.core.project import read_env_values

    project = copy_sample(tmp_path / "p")
    done = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--create",
                      "--location", "eastus2", "--yes", "--steps", "environment,preflight,provision")
    assert done.returncode == 0, done.stdout + done.stderr
    return project, read_env_values(project, "dev")


def test_a_refused_lookup_is_named_in_the_plan_and_never_nothing_to_delete(tmp_path: Path) -> None:
    from dataclasses import replace

    from wizard.core.project import load_project
    from wizard.core.teardown import plan_teardown

    project, values = _provisioned(tmp_path)
    ports = simulated_ports(project, "dev")
    loaded = load_project(project)
    refused = replace(ports, resources=_FailingResources(ports.resources, {"resources"}))
    plan = plan_teardown(loaded, "dev", values, refused)
    group = plan.resource_groups[0]
    assert plan.resources == () and [u.what for u in plan.unchecked] == [f"the resources in {group}"]
    assert plan.unchecked[0].why == "HTTP 400 BadRequest: The request could not be processed."
    assert f"check by hand: az resource list -g {group} -o table" in "\n".join(plan.lines())
    no_groups = plan_teardown(loaded, "dev", values, replace(ports, resources=_FailingResources(ports.resources, {"groups"})))
    assert not no_groups.looked_up and not no_groups.nothing_to_delete
    assert "the wizard could not list them" in "\n".join(no_groups.lines())


def test_leftovers_say_what_could_not_be_checked(tmp_path: Path) -> None:
    from dataclasses import replace

    from wizard.core.leftovers import find_leftovers

    project, values = _provisioned(tmp_path)
    values = {**values, "RS_RESOURCE_GROUP": "rg-tfstate"}
    ports = simulated_ports(project, "dev")
    everything = find_leftovers(values, replace(ports, resources=_FailingResources(ports.resources, {"groups", "exists", "soft"})), env="dev")
    assert not everything.nothing_left
    assert [u.command for u in everything.unchecked] == [
        "az group list --tag azd-env-name=dev -o table",
        "az group exists -n rg-tfstate",
        "az keyvault list-deleted --resource-type vault -o table",
        "az cognitiveservices account list-deleted -o table",
        "az appconfig list-deleted -o table",
    ]
    partial = find_leftovers(values, replace(ports, resources=_FailingResources(
        ports.resources, set(), soft={"Microsoft.KeyVault/vaults": "HTTP 400 requested interaction not found"})), env="dev")
    assert [(u.what, u.why) for u in partial.unchecked] == [("soft-deleted Key Vaults", "HTTP 400 requested interaction not found")]
    offline = find_leftovers(values, None, env="dev")
    assert len(offline.unchecked) == 5 and all("no Azure access" in u.why for u in offline.unchecked)


def test_plain_and_tui_say_nothing_left_only_when_everything_was_checked() -> None:
    from io import StringIO

    from wizard.cli.teardown_command import _print_leftovers
    from wizard.core.leftovers import Unchecked
    from wizard.tui.screens.teardown import leftovers_text

    item = Unchecked("soft-deleted Key Vaults", "HTTP 400 BadRequest: no", "az keyvault list-deleted --resource-type vault -o table")
    out = StringIO()
    _print_leftovers([], [item.to_dict()], out)
    assert "Nothing left behind." not in out.getvalue()
    assert out.getvalue().startswith("Not checked (so something may be left behind):\n  - soft-deleted Key Vaults: HTTP 400 BadRequest: no\n"
                                     "      check by hand: az keyvault list-deleted --resource-type vault -o table\n")
    out = StringIO()
    _print_leftovers([], [], out)
    assert out.getvalue() == "Nothing left behind.\n"
    shown = leftovers_text([], {}, [item]).plain
    assert "Nothing left behind." not in shown and "Not checked (1): something may be left behind" in shown
    assert "check by hand: az keyvault list-deleted --resource-type vault -o table" in shown
    assert leftovers_text([], {}).plain == "✓ Nothing left behind."
