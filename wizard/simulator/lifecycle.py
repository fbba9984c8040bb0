"""`azd provision`, `up`, `down` and `hooks run` against the simulated cloud (deploy: deploy.py).

Transcripts follow azd-behaviour.md §2.4-2.9 for a terraform project under pipes: hook output
first, the title, terraform's coloured output, the post hook, then `SUCCESS:`; failures end with
azd's real `ERROR:` chains and exit 1.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.core.project import Project, format_dotenv, read_env_values
from wizard.simulator import terraform as tf
from wizard.simulator.cloud import (
    DEMO_NUMBER,
    LOCATION_NAMES,
    PLACEHOLDER_IMAGE,
    SUBSCRIPTION_ID,
    SUBSCRIPTION_NAME,
    Cloud,
    token_for,
)
from wizard.simulator.console import Console, duration_text
from wizard.simulator.hooks import run_hook
from wizard.simulator.infra import SOFT_DELETE_TYPES, InfraModel, TfResource, read_infra
from wizard.simulator.signin import signed_in

# simulated seconds each resource type takes to create
CREATE_SECONDS = {
    "azurerm_resource_group": 2, "azurerm_container_app_environment": 95, "azurerm_cognitive_account": 40,
    "azurerm_cognitive_deployment": 25, "azurerm_container_app": 30, "azurerm_key_vault": 22,
    "azurerm_app_configuration": 35, "azurerm_communication_service": 12, "azurerm_redis_cache": 180,
}
FLOOD_LINES = 100_000
QUOTA_TEXT = (
    "InsufficientQuota: This operation require 150 new capacity in quota Tokens Per Minute (thousands) - "
    "gpt-4o - GlobalStandard, which is bigger than the current available capacity 50. The current quota "
    "usage is 400 and the quota limit is 450 for quota Tokens Per Minute (thousands) - gpt-4o - GlobalStandard."
)
TF_FAILED = "deployment failed: error deploying infrastructure: template Deploy failed: exit status 1"


@dataclass
class Sim:
    project: Project
    env: str
    cloud: Cloud
    console: Console
    scenario: str
    legacy: bool = False
    values: dict[str, str] = field(default_factory=dict)

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


# -- shared checks ---------------------------------------------------------------------------------
def require_login(sim: Sim) -> int | None:
    if signed_in(sim.project.root, "azd", sim.scenario):
        return None
    return sim.console.error(
        "not logged in, run `azd auth login` to login",
        "Run 'azd auth login' to sign in before running this command.",
    )


def _missing_inputs(sim: Sim) -> int | None:
    for key, name in (("AZURE_SUBSCRIPTION_ID", "subscription"), ("AZURE_LOCATION", "location")):
        if not sim.values.get(key):
            c = sim.console
            c.line()
            c.line("ERROR: initializing provisioning manager: prompt required")
            c.line()
            c.line("This command cannot continue (interactive prompts disabled)")
            c.line()
            c.line("1 required input is missing.")
            c.line()
            c.line(f"  • {name}")
            c.line("    Provide one of:")
            c.line(f"      Environment: {key}")
            c.line()
            c.line("  Example:")
            c.line(f"    azd env set {key} <value>")
            return 1
    return None


def _hook(sim: Sim, name: str) -> int | None:
    failure = run_hook(sim.project, name, {**sim.values, "AZURE_ENV_NAME": sim.env})
    sim.reload()
    if failure is None:
        return None
    phase = "pre" if name.startswith("pre") else "post"
    if failure.continue_on_error:
        sim.console.line(f"WARNING: {failure.message(phase)}")
        sim.console.line("Execution will continue since ContinueOnError has been set to true.")
        return None
    return sim.console.error(failure.message(phase))


# -- provision -------------------------------------------------------------------------------------
def _outputs(sim: Sim, model: InfraModel, names: dict[str, str]) -> dict[str, str]:
    """Values for the project's terraform outputs, from what was created."""
    token, location = sim.token, sim.location
    apps = {r.name: names[r.address] for r in model.by_type("azurerm_container_app") if r.address in names}

    def first(tf_type: str) -> str:
        for r in model.by_type(tf_type):
            if r.address in names:
                return names[r.address]
        return f"{tf_type.split('_')[-1]}-{token}"

    def fqdn(app: str) -> str:
        return f"{app}.{token}.{location}.azurecontainerapps.io"

    values: dict[str, str] = {}
    for out in model.outputs:
        role = next((k for k in apps if out.startswith(k.upper() + "_")), None)
        if out == "AZURE_RESOURCE_GROUP":
            values[out] = first("azurerm_resource_group")
        elif role and out.endswith("_NAME"):
            values[out] = apps[role]
        elif role and out.endswith("_FQDN"):
            values[out] = fqdn(apps[role])
        elif role and (out.endswith("_URL") or out.endswith("_ENDPOINT")):
            values[out] = f"https://{fqdn(apps[role])}"
        elif out == "BACKEND_API_URL" and "backend" in apps:
            values[out] = f"https://{fqdn(apps['backend'])}"
        elif out == "FRONTEND_URL" and "frontend" in apps:
            values[out] = f"https://{fqdn(apps['frontend'])}"
        elif out.startswith("ACS_") and out.endswith("ENDPOINT"):
            values[out] = f"https://{first('azurerm_communication_service')}.unitedstates.communication.azure.com"
        elif out.startswith("ACS_") and out.endswith("NAME"):
            values[out] = first("azurerm_communication_service")
        elif "APPCONFIG" in out and out.endswith("ENDPOINT"):
            values[out] = f"https://{first('azurerm_app_configuration')}.azconfig.io"
        elif "OPENAI" in out and out.endswith("ENDPOINT"):
            values[out] = f"https://{first('azurerm_cognitive_account')}.openai.azure.com/"
        elif "REGISTRY" in out:
            values[out] = f"{first('azurerm_container_registry')}.azurecr.io"
        elif "KEY_VAULT" in out:
            values[out] = first("azurerm_key_vault")
        elif "ENVIRONMENT_ID" in out:
            values[out] = _arm_id(first("azurerm_resource_group"), "Microsoft.App/managedEnvironments",
                                  first("azurerm_container_app_environment"))
        else:
            values[out] = f"{out.lower().replace('_', '-')}-{token}"
    return values


def _arm_id(group: str, arm_type: str, name: str) -> str:
    if arm_type == "Microsoft.Resources/resourceGroups":
        return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{name}"
    return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/{arm_type}/{name}"


def _failure_for(sim: Sim, resource: TfResource, state: dict[str, Any]) -> list[str] | None:
    """Terraform's error block when this resource cannot be created in this scenario."""
    if resource.type == "azurerm_communication_service" and state["providers"].get("Microsoft.Communication") != "Registered":
        return tf.error_block(
            f"creating Communication Service (Subscription: \"{SUBSCRIPTION_ID}\"",
            [
                "",
                f"  with {resource.address},",
                f"  on main.tf line 1, in resource \"{resource.type}\" \"{resource.name}\":",
                "",
                "unexpected status 409 (409 Conflict) with error: MissingSubscriptionRegistration: The subscription "
                "is not registered to use namespace 'Microsoft.Communication'. See https://aka.ms/rps-not-found "
                "for how to register subscriptions.",
            ],
        )
    if sim.scenario == "quota" and resource.type in ("azurerm_cognitive_deployment",):
        return tf.error_block(
            f"creating Deployment (Subscription: \"{SUBSCRIPTION_ID}\"",
            [
                f"Deployment Name: \"{resource.name}\"): performing CreateOrUpdate: unexpected status 400 "
                f"(400 Bad Request) with error: {QUOTA_TEXT}",
                "",
                f"  with {resource.address},",
                f"  in resource \"{resource.type}\" \"{resource.name}\":",
            ],
        )
    return None


def provision(sim: Sim) -> int:
    c = sim.console
    if (code := require_login(sim)) is not None:
        return code
    started = time.monotonic()
    if (code := _hook(sim, "preprovision")) is not None:
        return code
    c.title("Provisioning Azure resources (azd provision)", "Provisioning Azure resources can take some time.")
    if (code := _missing_inputs(sim)) is not None:
        return code
    c.line(f"Subscription: {SUBSCRIPTION_NAME} ({SUBSCRIPTION_ID})")
    c.line(f"Location: {LOCATION_NAMES.get(sim.location, sim.location)}")
    c.line()
    model = read_infra(sim.project)
    if model.error:
        c.raw("\n".join(tf.error_block("Invalid configuration", [model.error])) + "\n")
        return c.error(f"terraform init failed: exit status 1 , err: {model.error}")
    for text in tf.init_lines():
        c.raw(text + "\n")
    c.wait(4)
    c.line("Locating plan file...")
    state = sim.cloud.read()
    todo = [r for r in model.resources if r.address not in state["tf_state"]]
    names = {r.address: r.cloud_name(sim.env, sim.token) for r in model.resources}
    outputs = _outputs(sim, model, names)
    if not todo:
        for text in tf.no_changes():
            c.raw(text + "\n")
        for text in tf.apply_complete(0, outputs):
            c.raw(text + "\n")
    else:
        plan = tf.plan_lines(((r.address, names[r.address]) for r in todo), model.outputs)
        c.raw("\n".join(plan) + "\n")
        if (code := _apply(sim, model, todo, names)) is not None:
            return code
        for text in tf.apply_complete(len(todo), outputs):
            c.raw(text + "\n")
    sim.save_values(outputs)
    if (code := _hook(sim, "postprovision")) is not None:
        return code
    c.line()
    elapsed = c.sim_clock or (time.monotonic() - started)
    c.line(f"SUCCESS: Your application was provisioned in Azure in {duration_text(elapsed)}.")
    for line in sim.portal_rg(outputs.get("AZURE_RESOURCE_GROUP", "")):
        c.line(line)
    c.result({"outputs": {k: {"type": "string", "value": v} for k, v in outputs.items()}, "resources": []})
    return 0


def _apply(sim: Sim, model: InfraModel, todo: list[TfResource], names: dict[str, str]) -> int | None:
    c = sim.console
    group = next((names[r.address] for r in model.by_type("azurerm_resource_group")), f"rg-{sim.env}")
    for index, resource in enumerate(todo):
        address = resource.address
        c.raw(tf.creating(address) + "\n")
        if sim.scenario == "flood" and index == 1:
            _flood(c, address)
        seconds = CREATE_SECONDS.get(resource.type, 6)
        for elapsed in range(10, seconds, 10):
            c.wait(10)
            c.raw(tf.still_creating(address, elapsed) + "\n")
        c.wait(seconds % 10 or 3)
        with sim.cloud.edit() as state:
            failure = _failure_for(sim, resource, state)
            if failure is None:
                _create(sim, state, resource, names[address], group)
        if failure is not None:
            c.raw("\n".join(failure) + "\n")
            return c.error(TF_FAILED)
        arm_type = resource.arm_type or "Microsoft.Resources/deployments"
        c.raw(tf.created(address, seconds, _arm_id(group, arm_type, names[address])) + "\n")
    return None


def _flood(c: Console, address: str) -> None:
    prefix = f"{address} (local-exec): "
    chunk: list[str] = []
    for i in range(FLOOD_LINES):
        chunk.append(f"{prefix}[build] step {i:06d}: compiling module voice_{i % 97:02d} ... ok\n")
        if len(chunk) == 2000:
            c.raw("".join(chunk))
            chunk.clear()
    c.raw("".join(chunk))


def _create(sim: Sim, state: dict[str, Any], resource: TfResource, name: str, group: str) -> None:
    state["tf_state"][resource.address] = name
    arm_type = resource.arm_type
    if arm_type == "Microsoft.Resources/resourceGroups":
        state["resource_groups"].setdefault(name, {"location": sim.location, "resources": []})
        return
    if arm_type is None:
        return
    rg = state["resource_groups"].setdefault(group, {"location": sim.location, "resources": []})
    rg["resources"].append({"name": name, "type": arm_type, "id": _arm_id(group, arm_type, name),
                            "address": resource.address})
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
    if arm_type == "Microsoft.Communication/communicationServices" and not state["phone_numbers"]:
        state["phone_numbers"] = [{"number": DEMO_NUMBER, "country": "CA", "number_type": "geographic",
                                   "calling": "inbound+outbound", "sms": "none", "monthly_cost": "1.00 USD"}]


# -- down ------------------------------------------------------------------------------------------
def down(sim: Sim, *, force: bool, purge: bool) -> int:
    c = sim.console
    if (code := require_login(sim)) is not None:
        return code
    if (code := _hook(sim, "predown")) is not None:
        return code
    c.title("Deleting all resources and deployed code on Azure (azd down)",
            "Local application code is not deleted when running 'azd down'.")
    c.line("Locating parameters file...")
    state = sim.cloud.read()
    created = dict(state["tf_state"])
    if not force:
        c.raw("\n".join(tf.plan_lines(created.items(), [], destroy=True)) + "\n")
        c.line("WARNING: No resources were deleted for this Terraform configuration because azd is running "
               "non-interactively.")
        c.line("  • Re-run with --force to delete the resources without confirmation.")
        return 0
    c.line("Deleting terraform deployment...")
    if not created:
        c.raw("\nNo changes. No objects need to be destroyed.\n\n")
        for text in tf.destroy_complete(0):
            c.raw(text + "\n")
    else:
        c.raw("\n".join(tf.plan_lines(created.items(), [], destroy=True)) + "\n")
        for address in reversed(list(created)):
            c.raw(tf.destroying(address, created[address]) + "\n")
            c.wait(8)
            c.raw(tf.destroyed(address, 8) + "\n")
        for text in tf.destroy_complete(len(created)):
            c.raw(text + "\n")
    with sim.cloud.edit() as state:
        for group in list(state["resource_groups"]):
            if group == state.get("state_rg"):
                continue
            for resource in state["resource_groups"].pop(group)["resources"]:
                if resource["type"] in SOFT_DELETE_TYPES and not purge:
                    state["soft_deleted"].append({**resource, "location": sim.location})
        state["apps"] = {}
        state["tf_state"] = {}
    outputs = set(read_infra(sim.project).outputs)
    sim.reload()
    sim.save_values({}, remove=tuple(k for k in sim.values if k in outputs or k.startswith("SERVICE_")))
    c.line()
    c.line(f"SUCCESS: Your application was removed from Azure in {duration_text(c.sim_clock)}.")
    return 0


# -- hooks run / up --------------------------------------------------------------------------------
def hooks_run(sim: Sim, name: str) -> int:
    c = sim.console
    if sim.project.hook(name) is None:
        return c.error(f"hook '{name}' does not exist in azure.yaml")
    if (code := _hook(sim, name)) is not None:
        return code
    return 0  # azd-behaviour.md documents no closing line for `hooks run`: print none


def up(sim: Sim) -> int:
    from wizard.simulator.deploy import deploy

    code = provision(sim)
    if code:
        return code
    sim.console.sim_clock = 0.0
    return deploy(sim)


def list_app_states(cloud: Cloud) -> dict[str, Any]:
    return cloud.read().get("apps", {})
