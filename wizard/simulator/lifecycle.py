"""`azd provision`, `down` and `hooks run` against the simulated cloud (deploy: deploy.py; up: azd.py).

Transcripts follow azd-behaviour.md §2.4-2.9 for a terraform project under pipes: hook output
first, the title, terraform's coloured output, the post hook, then `SUCCESS:`; failures end with
azd's real `ERROR:` chains and exit 1.
"""

from __future__ import annotations

import time
from typing import Any

from wizard.core.infra import InfraModel, Resource
from wizard.core.infra.tf_features import destroy_purges
from wizard.core.infra.types import create_seconds
from wizard.simulator import bicep_run
from wizard.simulator import terraform as tf
from wizard.simulator.cloud import (
    LOCATION_NAMES,
    SUBSCRIPTION_ID,
    SUBSCRIPTION_NAME,
)
from wizard.simulator.console import Console, duration_text
from wizard.simulator.infra import arm_id, output_values, soft_deleted_by_down
from wizard.simulator.sim import (
    Sim,
    create,
    forget_outputs,
    groups_of_env,
    model_for,
    require_login,
    run_sim_hook,
    warn_unmodelled,
)

FLOOD_LINES = 100_000
QUOTA_TEXT = (
    "InsufficientQuota: This operation require 150 new capacity in quota Tokens Per Minute (thousands) - "
    "gpt-4o - GlobalStandard, which is bigger than the current available capacity 50. The current quota "
    "usage is 400 and the quota limit is 450 for quota Tokens Per Minute (thousands) - gpt-4o - GlobalStandard."
)
TF_FAILED = "deployment failed: error deploying infrastructure: template Deploy failed: exit status 1"


# -- shared checks ---------------------------------------------------------------------------------
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


# -- provision -------------------------------------------------------------------------------------
def _group_of(model: InfraModel, sim: Sim) -> str:
    return next((r.name for r in model.by_type("Microsoft.Resources/resourceGroups") if r.name), f"rg-{sim.env}")


def _failure_for(sim: Sim, resource: Resource, state: dict[str, Any]) -> list[str] | None:
    """Terraform's error block when this resource cannot be created in this scenario."""
    tf_type, tf_name = resource.source_type, resource.address.rsplit(".", 1)[-1]
    if tf_type == "azurerm_communication_service" and state["providers"].get("Microsoft.Communication") != "Registered":
        return tf.error_block(
            f"creating Communication Service (Subscription: \"{SUBSCRIPTION_ID}\"",
            [
                "",
                f"  with {resource.address},",
                f"  on {resource.where.file.name} line {resource.where.line}, in resource \"{tf_type}\" \"{tf_name}\":",
                "",
                "unexpected status 409 (409 Conflict) with error: MissingSubscriptionRegistration: The subscription "
                "is not registered to use namespace 'Microsoft.Communication'. See https://aka.ms/rps-not-found "
                "for how to register subscriptions.",
            ],
        )
    if sim.scenario == "quota" and tf_type in ("azurerm_cognitive_deployment",):
        return tf.error_block(
            f"creating Deployment (Subscription: \"{SUBSCRIPTION_ID}\"",
            [
                f"Deployment Name: \"{tf_name}\"): performing CreateOrUpdate: unexpected status 400 "
                f"(400 Bad Request) with error: {QUOTA_TEXT}",
                "",
                f"  with {resource.address},",
                f"  in resource \"{tf_type}\" \"{tf_name}\":",
            ],
        )
    return None


def provision(sim: Sim) -> int:
    c = sim.console
    if (code := require_login(sim)) is not None:
        return code
    started = time.monotonic()
    if (code := run_sim_hook(sim, "preprovision")) is not None:
        return code
    c.title("Provisioning Azure resources (azd provision)", "Provisioning Azure resources can take some time.")
    if (code := _missing_inputs(sim)) is not None:
        return code
    model = model_for(sim)
    if model.provider == "bicep":
        code = bicep_run.provision(sim, model)
    else:
        code = _provision_terraform(sim, model)
    if code is not None:
        return code
    if (code := run_sim_hook(sim, "postprovision")) is not None:
        return code
    return _provisioned(sim, started)


def _provisioned(sim: Sim, started: float) -> int:
    c = sim.console
    if sim.no_changes:  # a Bicep deployment whose state matched: azd's own closing line
        c.line()
        c.line("SUCCESS: There are no changes to provision for your application.")
        return 0
    c.line()
    elapsed = c.sim_clock or (time.monotonic() - started)
    c.line(f"SUCCESS: Your application was provisioned in Azure in {duration_text(elapsed)}.")
    group = sim.values.get("AZURE_RESOURCE_GROUP") or next(iter(groups_of_env(sim)), "")
    for line in sim.portal_rg(group):
        c.line(line)
    outputs = {k: sim.values.get(k, "") for k in model_for(sim).outputs}
    c.result({"outputs": {k: {"type": "string", "value": v} for k, v in outputs.items()}, "resources": []})
    return 0


def _provision_terraform(sim: Sim, model: InfraModel) -> int | None:
    c = sim.console
    c.line(f"Subscription: {SUBSCRIPTION_NAME} ({SUBSCRIPTION_ID})")
    c.line(f"Location: {LOCATION_NAMES.get(sim.location, sim.location)}")
    c.line()
    warn_unmodelled(sim, model)
    if model.errors:
        c.raw("\n".join(tf.error_block("Invalid configuration", [model.errors[0]])) + "\n")
        return c.error(f"terraform init failed: exit status 1 , err: {model.errors[0]}")
    for text in tf.init_lines():
        c.raw(text + "\n")
    c.wait(4)
    c.line("Locating plan file...")
    state = sim.cloud.read()
    planned = [r for r in model.resources if r.active is not False]
    todo = [r for r in planned if r.address not in state["tf_state"]]
    group = _group_of(model, sim)
    services = [s.name for s in sim.project.services]
    outputs = output_values(model, services, sim.token, sim.location, group)
    if not todo:
        for text in tf.no_changes():
            c.raw(text + "\n")
        for text in tf.apply_complete(0, outputs):
            c.raw(text + "\n")
    else:
        plan = tf.plan_lines(((r.address, r.name or "") for r in todo), list(model.outputs))
        c.raw("\n".join(plan) + "\n")
        if (code := _apply(sim, todo, group)) is not None:
            return code
        for text in tf.apply_complete(len(todo), outputs):
            c.raw(text + "\n")
    sim.save_values(outputs)
    return None


def _apply(sim: Sim, todo: list[Resource], group: str) -> int | None:
    c = sim.console
    for index, resource in enumerate(todo):
        address = resource.address
        c.raw(tf.creating(address) + "\n")
        if sim.scenario == "flood" and index == 1:
            _flood(c, address)
        seconds = create_seconds(resource.arm_type)
        for elapsed in range(10, seconds, 10):
            c.wait(10)
            c.raw(tf.still_creating(address, elapsed) + "\n")
        c.wait(seconds % 10 or 3)
        with sim.cloud.edit() as state:
            failure = _failure_for(sim, resource, state)
            if failure is None:
                state["tf_state"][address] = resource.name
                create(sim, state, resource, group)
        if failure is not None:
            c.raw("\n".join(failure) + "\n")
            return c.error(TF_FAILED)
        arm_type = resource.arm_type or "Microsoft.Resources/deployments"
        c.raw(tf.created(address, seconds, arm_id(group, arm_type, resource.name or "")) + "\n")
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


# -- down ------------------------------------------------------------------------------------------
def down(sim: Sim, *, force: bool, purge: bool) -> int:
    c = sim.console
    if (code := require_login(sim)) is not None:
        return code
    if (code := run_sim_hook(sim, "predown")) is not None:
        return code
    c.title("Deleting all resources and deployed code on Azure (azd down)",
            "Local application code is not deleted when running 'azd down'.")
    model = model_for(sim)
    if model.provider == "bicep":
        return bicep_run.down(sim, model, force=force, purge=purge)
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
    purges = destroy_purges(sim.project.infra_dir)  # azd does not pass --purge on to terraform destroy
    with sim.cloud.edit() as state:
        for group in list(state["resource_groups"]):
            if group == state.get("state_rg"):
                continue
            for resource in state["resource_groups"].pop(group)["resources"]:
                if soft_deleted_by_down(resource["type"]) and not purges.get(resource["type"], True):
                    state["soft_deleted"].append({**resource, "location": sim.location})
        state["apps"] = {}
        state["sites"] = {}
        state["tf_state"] = {}
    forget_outputs(sim, model)
    if (code := run_sim_hook(sim, "postdown")) is not None:
        return code
    c.line()
    c.line(f"SUCCESS: Your application was removed from Azure in {duration_text(c.sim_clock)}.")
    return 0


# -- hooks run / up --------------------------------------------------------------------------------
def hooks_run(sim: Sim, name: str) -> int:
    c = sim.console
    if sim.project.hook(name) is None:
        return c.error(f"hook '{name}' does not exist in azure.yaml")
    if (code := run_sim_hook(sim, name)) is not None:
        return code
    return 0  # azd-behaviour.md documents no closing line for `hooks run`: print none
