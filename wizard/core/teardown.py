"""Guided teardown: what will be deleted, `azd down --force --purge`, and what is left behind.

Nothing here deletes without the caller having confirmed: the plan is shown first, the down run
needs the environment's name typed, and each leftover cleanup has its own confirmation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.env_resources import env_resource_groups, provisioned
from wizard.core.infra.tf_features import destroy_purges
from wizard.core.leftovers import (
    PURGED_TYPES,
    Leftover,
    Leftovers,
    Unchecked,
    find_leftovers,
    groups_lookup,
    list_phone_numbers,
    lookup_error,
)
from wizard.core.ports import AzurePorts, AzureResource
from wizard.core.project import Project
from wizard.core.records import last_done
from wizard.core.step_state import StepOutcome
from wizard.core.steps import StepId, StepStatus

if TYPE_CHECKING:
    from wizard.core.step_context import StepContext

# Files the accelerator's preprovision hook generates; a fresh checkout lacks them.
GENERATED_TERRAFORM_FILES = ("backend.tf", "provider.conf.json", "main.tfvars.json")

LOCAL_CODE = "your local code and this project folder"
NOT_TOUCHED = (LOCAL_CODE,)  # what every project keeps; the rest applies where the project has it
STATE_VARS = ("RS_RESOURCE_GROUP", "RS_STORAGE_ACCOUNT")  # a terraform remote state made outside terraform
APP_REGISTRATION = re.compile(r"\baz\s+ad\s+(?:app|sp)\s+create\b")


@dataclass(frozen=True)
class TeardownPlan:
    env: str
    subscription: str | None
    resource_groups: tuple[str, ...]
    resources: tuple[AzureResource, ...]
    purged: tuple[AzureResource, ...]
    needs_preprovision: bool
    not_touched: tuple[str, ...] = NOT_TOUCHED
    looked_up: bool = True  # the groups come from Azure (False: no Azure access or the lookup failed; azd down finds them)
    soft_deleted: tuple[AzureResource, ...] = ()  # left soft-deleted: terraform destroy does not purge them
    torn_down: bool = False  # this wizard's last teardown of the env came after its last provision
    unchecked: tuple[Unchecked, ...] = ()  # lookups of the plan that failed (what will be deleted is then not all listed)

    @property
    def nothing_to_delete(self) -> bool:
        """Sure only for an environment never provisioned (no subscription), or one this wizard tore
        down since its last provision and where azd's own lookup finds no group any more.

        Anything else gets `azd down`: azd finds its resources by its own means, and an empty lookup
        here must never be the reason something keeps running and billing.
        """
        if not self.subscription:
            return True
        return self.torn_down and self.looked_up and not self.resource_groups

    @property
    def nothing_reason(self) -> str:
        if not self.subscription:
            return "it was never provisioned (no subscription set)"
        return f"it was torn down and no resource group tagged azd-env-name={self.env} is left"

    def lines(self) -> list[str]:
        out = [f"environment:   {self.env}", f"subscription:  {self.subscription or 'not set'}"]
        if self.nothing_to_delete:
            out.append(f"nothing to delete: {self.nothing_reason}")
            return out
        if not self.resource_groups:
            where = "no resource group tagged azd-env-name=" + self.env + " was found" if self.looked_up else (
                "the wizard could not list them" if self.unchecked else "without Azure access the wizard cannot list them")
            out.append(f"resource groups: {where}; azd down still runs and deletes whatever azd finds")
        for item in self.unchecked:
            out.append(f"{item.text} (azd down still deletes what azd finds)")
        for group in self.resource_groups:
            members = [r for r in self.resources if r.resource_group == group]
            out.append(f"resource group {group}  ({len(members)} resources)")
            out.extend(f"  - {r.type.split('/')[-1]}: {r.name}" for r in members)
        if self.purged:
            out.append("purged permanently (soft-delete skipped, names free again):")
            out.extend(f"  - {PURGED_TYPES.get(r.type, r.type)}: {r.name}" for r in self.purged)
        if self.soft_deleted:
            out.append("left soft-deleted, names taken until purged (terraform destroy purges only what the "
                       "azurerm provider's features block says; azd's --purge does not reach it):")
            out.extend(f"  - {PURGED_TYPES.get(r.type, r.type)}: {r.name}" for r in self.soft_deleted)
        if self.needs_preprovision:
            out.append("this checkout lacks terraform's generated backend files: the preprovision hook runs first")
        out.append("not touched:")
        out.extend(f"  - {item}" for item in self.not_touched)
        return out


def needs_preprovision(project: Project) -> bool:
    if project.infra.provider != "terraform" or project.hook("preprovision") is None:
        return False
    infra = project.infra_dir
    return not any((infra / name).exists() for name in GENERATED_TERRAFORM_FILES)


def not_touched_for(project: Project, values: dict[str, str]) -> tuple[str, ...]:
    """What `azd down` leaves alone, as far as this project has it: a remote-state group only where
    the environment or the hooks use one, EasyAuth only where a hook sets it up, phone numbers only
    with telephony, app registrations only where a hook creates them."""
    from wizard.core.phone import has_telephony
    from wizard.core.preflight.common import read_hook_scripts

    hooks = read_hook_scripts(project)
    code = hooks.code_text()
    items = [LOCAL_CODE]
    state_rg = values.get("RS_RESOURCE_GROUP")
    if state_rg or any(name in code for name in STATE_VARS):
        where = f" {state_rg}" if state_rg else ""
        items.append(f"the terraform remote-state resource group{where} (created by the preprovision hook, outside terraform)")
    if values.get("EASYAUTH_ENABLED") or "EASYAUTH" in code.upper():
        frontend = values.get("FRONTEND_CONTAINER_APP_NAME") or "<frontend>"
        items.append(f"the EasyAuth Entra ID app registration ({frontend}-easyauth)")
    elif APP_REGISTRATION.search(code):
        items.append("the Entra ID app registrations the hooks create (az ad app/sp create)")
    if has_telephony(project, values):
        items.append("phone numbers bought on the ACS resource (they keep billing until released)")
    return tuple(items)


def plan_teardown(project: Project, env: str, values: dict[str, str], ports: AzurePorts | None) -> TeardownPlan:
    """What `azd down --force --purge` will delete, found the way azd finds it (env_resources).

    Never raises for Azure: a lookup that fails is in `unchecked` (what, Azure's answer, the az
    command), and a failed group lookup is never taken for "nothing to delete"."""
    unchecked: list[Unchecked] = []
    groups: list[str] = []
    looked_up = ports is not None
    if provisioned(values):
        try:
            groups = env_resource_groups(env, values, ports)
        except Exception as exc:
            looked_up = False
            what, command = groups_lookup(env)
            unchecked.append(Unchecked(what, lookup_error(exc), command))
    resources: list[AzureResource] = []
    if ports is not None:
        for group in groups:
            try:
                resources.extend(ports.resources.list_resource_group(group))
            except Exception as exc:
                unchecked.append(Unchecked(f"the resources in {group}", lookup_error(exc), f"az resource list -g {group} -o table"))
    purged = tuple(r for r in resources if r.type in PURGED_TYPES)
    kept: tuple[AzureResource, ...] = ()
    if project.infra.provider.lower() == "terraform":  # terraform destroy, not azd, decides what is purged
        purges = destroy_purges(project.infra_dir)
        kept = tuple(r for r in purged if not purges.get(r.type, True))
        purged = tuple(r for r in purged if purges.get(r.type, True))
    return TeardownPlan(
        env=env,
        subscription=values.get("AZURE_SUBSCRIPTION_ID"),
        resource_groups=tuple(groups),
        resources=tuple(resources),
        purged=purged,
        needs_preprovision=needs_preprovision(project),
        not_touched=not_touched_for(project, values),
        soft_deleted=kept,
        looked_up=looked_up,
        torn_down=last_done(project.root, env, ("provision", "teardown")) == "teardown",
        unchecked=tuple(unchecked),
    )


def remove_local_environment(root: Path, env: str) -> Path:
    """Delete `.azure/<env>` (the env's values and run records) and unset it as default."""
    import json
    import shutil

    folder = root / ".azure" / env
    shutil.rmtree(folder, ignore_errors=True)
    config = root / ".azure" / "config.json"
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        if data.get("defaultEnvironment") == env:
            data.pop("defaultEnvironment")
            config.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    except (OSError, ValueError):
        pass
    return folder


async def run_teardown_step(engine: StepContext) -> StepOutcome:
    """The teardown step body: preprovision if needed, then `azd down --force --purge`, streamed."""
    step = StepId.TEARDOWN
    values = dict(engine.env_values)
    plan = plan_teardown(engine.project, engine.env_name or "", values, engine.ports)
    engine.facts["teardown_plan"] = plan.lines()
    for item in plan.unchecked:
        engine.notice(step, "warning", f"{item.text}; azd down still runs and deletes what azd finds")
    if plan.nothing_to_delete:
        engine.say(step, f"Nothing to delete for environment {plan.env}: {plan.nothing_reason}.")
        _record_leftovers(engine, step, find_leftovers(values, engine.ports, env=plan.env), notify=False)
        return StepOutcome(StepStatus.DONE, detail="nothing to delete")
    numbers, phone_unchecked = list_phone_numbers(values, engine.ports)
    if plan.needs_preprovision:
        result, failure = await engine.stream(step, engine.azd.hooks_run_argv("preprovision"))
        if result.cancelled or engine.cancelled:
            return StepOutcome(StepStatus.CANCELLED, detail="cancelled before azd down started")
        if failure is not None:
            return StepOutcome(StepStatus.FAILED, failure)
    result, failure = await engine.stream(step, engine.azd.down_argv(purge=True))
    if result.cancelled or engine.cancelled:
        return StepOutcome(StepStatus.CANCELLED, detail="interrupted: run teardown again to resume")
    if failure is not None:
        return StepOutcome(StepStatus.FAILED, failure)
    engine.refresh_env_values()
    leftovers = find_leftovers(values, engine.ports, numbers, env=plan.env, unchecked=phone_unchecked)
    _record_leftovers(engine, step, leftovers, notify=True)
    deleted = f"{len(plan.resources)} resources deleted" if not plan.unchecked and plan.looked_up else (
        "azd down deleted what it found (the wizard could not list it all)")
    left = f"{len(leftovers.items)} left behind"
    if leftovers.unchecked:
        left += f", {len(leftovers.unchecked)} lookups could not run (so not known to be clean)"
    return StepOutcome(StepStatus.DONE, detail=f"{deleted}, {left}")


def _record_leftovers(engine: StepContext, step: StepId, leftovers: Leftovers, *, notify: bool) -> None:
    """Into the run's facts (summary.json): what is left, and what could not be checked; warnings."""
    engine.facts["leftovers"] = [_leftover_dict(x) for x in leftovers.items]
    engine.facts["unchecked"] = [x.to_dict() for x in leftovers.unchecked]
    if notify:
        for leftover in leftovers.items:
            engine.notice(step, "warning", f"left behind: {leftover.name} — {leftover.detail}")
    for item in leftovers.unchecked:
        engine.notice(step, "warning", item.text)


def _leftover_dict(leftover: Leftover) -> dict[str, object]:
    return {
        "kind": leftover.kind,
        "name": leftover.name,
        "detail": leftover.detail,
        "confirm": leftover.confirm,
        "manual_command": leftover.manual_command,
    }
