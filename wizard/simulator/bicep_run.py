"""`azd provision` and `azd down` for a Bicep project, as azd prints them under pipes.

The lines follow azd-behaviour.md §2.4/§2.7 and the real azd 1.31.2 transcripts on the replay
branch (tests/fixtures/real-azd): provider lines, the deployment plan steps, one
`  (✓) Done: <Type>: <name> (<duration>)` per resource azd can name, `SUCCESS:` and the resource
group follow-up; `azd down` finds the environment's groups by their `azd-env-name` tag, purges
what `--purge` purges, then deletes the groups.
"""

from __future__ import annotations

import hashlib
import time

from wizard.core.infra import ENV_TAG, InfraModel, Resource
from wizard.core.infra.types import create_seconds, purge_display, purged_first
from wizard.simulator.cloud import LOCATION_NAMES, SUBSCRIPTION_ID, SUBSCRIPTION_NAME
from wizard.simulator.console import duration_text, go_duration_ms
from wizard.simulator.infra import arm_id, output_values, soft_deleted_by_down
from wizard.simulator.sim import (
    Sim,
    create,
    forget_outputs,
    groups_of_env,
    run_sim_hook,
    warn_unmodelled,
)

QUOTA_ERROR = (
    "deployment failed: error deploying infrastructure: deploying to subscription: \n\nDeployment Error Details:\n"
    "InsufficientQuota: This operation require 150 new capacity in quota Tokens Per Minute (thousands) - {model} - "
    "GlobalStandard, which is bigger than the current available capacity 50."
)
PROVIDER_ERROR = (
    "deployment failed: error deploying infrastructure: deploying to subscription: \n\nDeployment Error Details:\n"
    "MissingSubscriptionRegistration: The subscription is not registered to use namespace '{namespace}'. "
    "See https://aka.ms/rps-not-found for how to register subscriptions."
)


# the order azd purges in after deleting the groups (bicep_provider.go: key vaults, HSMs, app
# configurations, API Management, then cognitive accounts by kind)
PURGE_ORDER = ("Key Vault", "Managed HSM", "App Configuration", "API Management", "Cognitive Account")


def _jitter(name: str) -> float:
    """A stable sub-second part for a resource's duration (azd prints milliseconds)."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:3], 16) % 1000 / 1000


def planned(model: InfraModel) -> list[Resource]:
    """ARM resources the deployment creates (conditions that cannot be evaluated count as true).

    A resource two modules both deploy (a vault again, to add access policies) is one resource:
    ARM updates it in place, and azd reports it once."""
    groups = [r for r in model.active if r.arm_type == "Microsoft.Resources/resourceGroups"]
    others = [r for r in model.active if r.arm_type and r.arm_type != "Microsoft.Resources/resourceGroups"]
    seen: set[tuple[str, ...]] = set()
    out: list[Resource] = []
    for resource in groups + others:
        key = ((resource.arm_type or "").lower(), (resource.name or resource.symbol).lower(),
               (resource.group or "").lower(), resource.parent.lower())
        if key in seen:
            continue
        seen.add(key)
        out.append(resource)
    return out


def provision(sim: Sim, model: InfraModel) -> int | None:

    c = sim.console
    c.line("Initialize bicep provider")
    c.line("Reading subscription and location from environment...")
    c.line(f"Subscription: {SUBSCRIPTION_NAME} ({SUBSCRIPTION_ID})")
    c.line(f"Location: {LOCATION_NAMES.get(sim.location, sim.location)}")
    c.line()
    warn_unmodelled(sim, model)
    if model.errors:
        return c.error(f"compiling bicep template: {model.errors[0]}")
    c.line("Creating a deployment plan")
    c.line("Comparing deployment state")
    state = sim.cloud.read()
    group = next((r.name for r in model.active if r.arm_type == "Microsoft.Resources/resourceGroups" and r.name),
                 f"rg-{sim.env}")
    existing = {res["id"] for rg in state["resource_groups"].values() for res in rg["resources"]}
    existing |= {arm_id("", "Microsoft.Resources/resourceGroups", n) for n in state["resource_groups"]}
    todo = [r for r in planned(model) if _id(r, group) not in existing]
    services = [s.name for s in sim.project.services]
    outputs = output_values(model, services, sim.token, sim.location, group)
    if not todo:
        c.line("  (-) Skipped: Didn't find new changes.")
        sim.save_values(outputs)
        sim.no_changes = True
        return None
    c.line("Validating deployment")
    c.line("Creating/Updating resources")
    c.wait(3)
    c.line()
    deployment = f"{sim.env}-{int(time.time())}"
    link = (f"%2Fsubscriptions%2F{SUBSCRIPTION_ID}%2Fproviders%2FMicrosoft.Resources%2Fdeployments%2F{deployment}")
    c.line("  You can view detailed progress in the Azure Portal:")
    c.line(f"  https://portal.azure.com/#view/HubsExtension/DeploymentDetailsBlade/~/overview/id/{link}")
    c.line()
    for resource in todo:
        seconds = create_seconds(resource.arm_type) + _jitter(resource.name or resource.symbol)
        c.wait(seconds)
        failure = _failure(sim, resource, state)
        if failure is not None:
            if resource.display:
                c.line(f"  (x) Failed: {resource.display}: {resource.name} ({go_duration_ms(seconds)})")
            return c.error(failure)
        with sim.cloud.edit() as edited:
            if resource.arm_type == "Microsoft.Resources/resourceGroups":
                resource.tags = {ENV_TAG: sim.env, **resource.tags}
            create(sim, edited, resource, group)
        if resource.display:
            c.line(f"  (✓) Done: {resource.display}: {resource.name} ({go_duration_ms(seconds)})")
    sim.save_values(outputs)
    return None


def _id(resource: Resource, group: str) -> str:
    if resource.arm_type == "Microsoft.Resources/resourceGroups":
        return arm_id("", "Microsoft.Resources/resourceGroups", resource.name or "")
    return arm_id(resource.group or group, resource.arm_type or "", resource.name or "", resource.parent)


def _failure(sim: Sim, resource: Resource, state: dict[str, object]) -> str | None:
    namespace = (resource.arm_type or "").split("/", 1)[0]
    providers = state.get("providers") or {}
    if isinstance(providers, dict) and providers.get(namespace) == "NotRegistered":
        return PROVIDER_ERROR.format(namespace=namespace)
    if sim.scenario == "quota" and resource.arm_type == "Microsoft.CognitiveServices/accounts/deployments":
        return QUOTA_ERROR.format(model=resource.name)
    return None


def _purge(sim: Sim, resources: list[dict[str, str]], purge: bool) -> None:
    for res in resources:
        text = f"Purging {purge_display(res['type'])}: {res['name']}"
        sim.console.line(text)
        if purge:
            sim.console.wait(5)
            sim.console.line(f"  (✓) Done: {text}")
        else:
            sim.console.line(f"  (-) Skipped: {text}")


def _count_text(resources: list[dict[str, str]]) -> str:
    """azd's itemsCountAsText: `1 Key Vault and 2 Cognitive Account`."""
    counts: dict[str, int] = {}
    for res in resources:
        kind = purge_display(res["type"]) or ""
        if res["type"] == "Microsoft.CognitiveServices/accounts":
            kind = res.get("kind") or kind  # azd groups cognitive accounts by kind
        counts[kind] = counts.get(kind, 0) + 1
    tokens = [f"{n} {kind}" for kind, n in counts.items()]
    return tokens[0] if len(tokens) == 1 else ", ".join(tokens[:-1]) + " and " + tokens[-1]


def down(sim: Sim, model: InfraModel, *, force: bool, purge: bool) -> int:
    """`azd down` of a Bicep deployment, its postdown hook before the closing `SUCCESS:` (azd's hook
    middleware runs inside the one that prints it)."""

    c = sim.console
    c.line("Discovering resources to delete...")
    groups = groups_of_env(sim)
    if not groups:
        c.line("  (✓) Done: No Azure resources were found.")
        c.line()
        if (code := run_sim_hook(sim, "postdown")) is not None:
            return code
        c.line(f"SUCCESS: Your application was removed from Azure in {duration_text(c.sim_clock)}.")
        return 0
    if not force:
        return c.error("deleting infrastructure: error deleting Azure resources: user denied delete confirmation")
    c.line("Deleting your resources can take some time.")
    c.line()
    state = sim.cloud.read()
    held = [res for g in groups for res in state["resource_groups"][g]["resources"]]
    if purge:  # Log Analytics workspaces are force-deleted while their group still exists
        _purge(sim, [r for r in held if purged_first(r["type"])], purge=True)
    for group in groups:
        c.line(f"Deleting resource group {group}")
        c.wait(60)
        c.line(f"  (✓) Done: Deleted resource group {group}")
    later = sorted((r for r in held if purge_display(r["type"]) and not purged_first(r["type"])),
                   key=lambda r: PURGE_ORDER.index(purge_display(r["type"])) if purge_display(r["type"]) in PURGE_ORDER
                   else len(PURGE_ORDER))
    if later and not purge:
        c.line(f"WARNING: The following operation will delete {_count_text(later)}.")
        c.line("These resources have soft delete enabled allowing them to be recovered for a period or time after "
               "deletion. During this period, their names may not be reused. In the future, you can use the "
               "argument --purge to skip this confirmation.")
        c.line()
        c.line()
    _purge(sim, later, purge)
    with sim.cloud.edit() as edited:
        for group in groups:
            for res in edited["resource_groups"].pop(group, {"resources": []})["resources"]:
                if soft_deleted_by_down(res["type"]) and not purge:
                    edited["soft_deleted"].append({**res, "location": sim.location})
            edited["apps"] = {k: v for k, v in edited["apps"].items() if v.get("resource_group") != group}
            edited["sites"] = {k: v for k, v in edited.get("sites", {}).items() if v.get("resource_group") != group}
    forget_outputs(sim, model)
    if (code := run_sim_hook(sim, "postdown")) is not None:
        return code
    c.line()
    c.line()
    c.line(f"SUCCESS: Your application was removed from Azure in {duration_text(c.sim_clock)}.")
    return 0
