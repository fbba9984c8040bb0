"""The simulated azd's run context (`Sim`) and what provision, deploy and down share.

`lifecycle` (provision, down, hooks), `bicep_run` (Bicep's deployment) and `deploy` build on this
module; it imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.core.infra import ENV_TAG, InfraModel, Resource
from wizard.core.project import Project, format_dotenv, read_env_values
from wizard.simulator.cloud import DEMO_NUMBER, PLACEHOLDER_IMAGE, SUBSCRIPTION_ID, Cloud, token_for
from wizard.simulator.console import Console
from wizard.simulator.hooks import run_hook
from wizard.simulator.infra import arm_id, endpoint, sim_model
from wizard.simulator.signin import signed_in


@dataclass
class Sim:
    project: Project
    env: str
    cloud: Cloud
    console: Console
    scenario: str
    legacy: bool = False
    values: dict[str, str] = field(default_factory=dict)
    no_changes: bool = False  # the last provision found nothing to change (Bicep's deployment-state check)

    @property
    def dotenv(self) -> Path:
        return self.project.root / ".azure" / self.env / ".env"

    def reload(self) -> None:
        self.values = read_env_values(self.project.root, self.env)

    def save_values(self, updates: dict[str, str], remove: tuple[str, ...] = ()) -> None:
        self.reload()
        for key in remove:
            self.values.pop(key, None)
        self.values.update(updates)
        self.dotenv.parent.mkdir(parents=True, exist_ok=True)
        self.dotenv.write_text(format_dotenv(self.values), encoding="utf-8")

    @property
    def token(self) -> str:
        return token_for(self.env)

    @property
    def location(self) -> str:
        return self.values.get("AZURE_LOCATION") or "eastus2"

    def portal_rg(self, group: str) -> list[str]:
        return [
            f"You can view the resources created under the resource group {group} in Azure Portal:",
            f"https://portal.azure.com/#@/resource/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/overview",
        ]



def require_login(sim: Sim) -> int | None:
    if signed_in(sim.project.root, "azd", sim.scenario):
        return None
    return sim.console.error(
        "not logged in, run `azd auth login` to login",
        "Run 'azd auth login' to sign in before running this command.",
    )


def hook_stop(sim: Sim, name: str, service: str | None = None) -> str | None:
    """Run the project's (or `service`'s) hook `name` in the sandbox; azd's message when it stops
    azd (a failure with continueOnError is a warning, as azd prints it, and azd goes on)."""
    failure = run_hook(sim.project, name, {**sim.values, "AZURE_ENV_NAME": sim.env}, service)
    sim.reload()
    if failure is None:
        return None
    phase = "pre" if name.startswith("pre") else "post"
    if failure.continue_on_error:
        sim.console.line(f"WARNING: {failure.message(phase)}")
        sim.console.line("Execution will continue since ContinueOnError has been set to true.")
        return None
    return failure.message(phase)


def run_sim_hook(sim: Sim, name: str, service: str | None = None) -> int | None:
    """Run the project's (or `service`'s) hook `name` in the sandbox; an exit code when azd stops."""
    message = hook_stop(sim, name, service)
    return None if message is None else sim.console.error(message)



def model_for(sim: Sim) -> InfraModel:
    return sim_model(sim.project, sim.env, sim.values)


def warn_unmodelled(sim: Sim, model: InfraModel) -> None:
    """Say up front what the simulation leaves out (one line per construct the model cannot read)."""
    for text in model.unmodelled_text(sim.project.root):
        sim.console.line(f"WARNING: (simulator) not modelled, left out of this simulation: {text}")


def groups_of_env(sim: Sim) -> list[str]:
    """Resource groups tagged azd-env-name = this environment (how azd finds them)."""
    groups = sim.cloud.read()["resource_groups"]
    return [name for name, rg in groups.items() if (rg.get("tags") or {}).get(ENV_TAG) == sim.env]


HOST_KINDS = {"Microsoft.Web/staticSites": "staticwebapp", "Microsoft.ContainerService/managedClusters": "aks"}


def create(sim: Sim, state: dict[str, Any], resource: Resource, group: str) -> None:
    """Put `resource` into the simulated cloud with its tags (apps and sites as deploy targets)."""
    arm_type, name = resource.arm_type, resource.name or ""
    if arm_type is None or arm_type.startswith("Microsoft.Authorization/"):
        return
    if arm_type == "Microsoft.Resources/resourceGroups":
        rg = state["resource_groups"].setdefault(name, {"location": sim.location, "resources": []})
        rg["tags"] = {**resource.tags, **rg.get("tags", {})}
        return
    group = resource.group or group
    rg = state["resource_groups"].setdefault(group, {"location": sim.location, "resources": [], "tags": {}})
    entry = {"name": name, "type": arm_type, "id": arm_id(group, arm_type, name, resource.parent), "address": resource.address,
             "tags": resource.tags}
    if resource.kind:
        entry["kind"] = resource.kind
    rg["resources"] = [r for r in rg["resources"] if r.get("id") != entry["id"]] + [entry]
    if arm_type == "Microsoft.App/containerApps":
        port = resource.target_port
        state["apps"][name] = {
            "name": name, "resource_group": group, "image": resource.image or PLACEHOLDER_IMAGE,
            "target_port": port, "fqdn": f"{name}.{sim.token}.{sim.location}.azurecontainerapps.io",
            "tags": resource.tags,
            "revisions": [{"name": f"{name}--0000001", "active": True, "healthy": port in (None, 80),
                           "running_state": "Running" if port in (None, 80) else "Activating",
                           "replicas": 1, "traffic_weight": 100}],
        }
    elif arm_type in ("Microsoft.Web/sites", *HOST_KINDS):
        host = HOST_KINDS.get(arm_type) or ("function" if "functionapp" in resource.kind else "appservice")
        url = endpoint(resource, sim.token, sim.location)
        state.setdefault("sites", {})[name] = {"name": name, "resource_group": group, "host": host,
                                               "kind": resource.kind, "url": url, "tags": resource.tags}
    if arm_type == "Microsoft.Communication/communicationServices" and not state["phone_numbers"]:
        state["phone_numbers"] = [{"number": DEMO_NUMBER, "country": "CA", "number_type": "geographic",
                                   "calling": "inbound+outbound", "sms": "none", "monthly_cost": "1.00 USD"}]


def forget_outputs(sim: Sim, model: InfraModel) -> None:
    """`azd down` removes the output keys (and the services' keys) from .env."""
    sim.reload()
    sim.save_values({}, remove=tuple(k for k in sim.values if k in model.outputs or k.startswith("SERVICE_")))


def list_app_states(cloud: Cloud) -> dict[str, Any]:
    return cloud.read().get("apps", {})
