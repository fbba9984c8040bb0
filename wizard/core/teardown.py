"""Guided teardown: what will be deleted, `azd down --force --purge`, and what is left behind.

Nothing here deletes without the caller having confirmed: the plan is shown first, the down run
needs the environment's name typed, and each leftover cleanup has its own confirmation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.env_resources import ENV_TAG, env_resource_groups, provisioned
from wizard.core.infra.tf_features import destroy_purges
from wizard.core.ports import AzurePorts, AzureResource, IncompleteListing, NotSignedIn
from wizard.core.project import Project
from wizard.core.records import last_done
from wizard.core.step_state import StepOutcome
from wizard.core.steps import StepId, StepStatus

if TYPE_CHECKING:
    from wizard.core.step_context import StepContext

# ARM types whose soft-deleted copies `azd down --purge` purges.
PURGED_TYPES = {
    "Microsoft.KeyVault/vaults": "Key Vault",
    "Microsoft.CognitiveServices/accounts": "Cognitive Services / AI Foundry",
    "Microsoft.AppConfiguration/configurationStores": "App Configuration",
    "Microsoft.ApiManagement/service": "API Management",
    "Microsoft.OperationalInsights/workspaces": "Log Analytics",
}
# Files the accelerator's preprovision hook generates; a fresh checkout lacks them.
GENERATED_TERRAFORM_FILES = ("backend.tf", "provider.conf.json", "main.tfvars.json")

LOCAL_CODE = "your local code and this project folder"
NOT_TOUCHED = (LOCAL_CODE,)  # what every project keeps; the rest applies where the project has it
STATE_VARS = ("RS_RESOURCE_GROUP", "RS_STORAGE_ACCOUNT")  # a terraform remote state made outside terraform
APP_REGISTRATION = re.compile(r"\baz\s+ad\s+(?:app|sp)\s+create\b")


# The soft-deleted kinds the wizard lists (the purge lists ARM has), and how to list each by hand.
SOFT_DELETED_LOOKUPS = {
    "Microsoft.KeyVault/vaults": ("soft-deleted Key Vaults", "az keyvault list-deleted --resource-type vault -o table"),
    "Microsoft.CognitiveServices/accounts": (
        "soft-deleted Cognitive Services / AI Foundry accounts", "az cognitiveservices account list-deleted -o table"),
    "Microsoft.AppConfiguration/configurationStores": (
        "soft-deleted App Configuration stores", "az appconfig list-deleted -o table"),
}
NO_AZURE_ACCESS = "no Azure access (sign in with deploy-wizard login, or install the Azure SDK extras)"


@dataclass(frozen=True)
class Unchecked:
    """A lookup that could not run or failed: what it would have told, why not, how to look by hand.

    Where one exists, the wizard never says "nothing left": it says what it could not check."""

    what: str  # "the resources in rg-dev", "soft-deleted Key Vaults"
    why: str  # Azure's answer (HTTP status, code, message), or why the lookup could not run
    command: str  # the az command that shows it

    @property
    def text(self) -> str:
        return f"could not check {self.what}: {self.why.rstrip('. ')}; check by hand: {self.command}"

    def to_dict(self) -> dict[str, str]:
        return {"what": self.what, "why": self.why, "command": self.command}


def lookup_error(exc: BaseException) -> str:
    """Why a lookup failed, as one line: the HTTP status, Azure's code and message."""
    if isinstance(exc, NotSignedIn):
        return f"not signed in to Azure ({str(exc).strip() or 'azd auth login'})"
    lines = str(exc).strip().splitlines()
    text = (lines[0] if lines else type(exc).__name__)[:300]
    status = getattr(exc, "status", None) or getattr(exc, "status_code", None)
    if isinstance(status, int) and not text.startswith("HTTP ") and str(status) not in text:
        text = f"HTTP {status} {text}"
    return text


def _groups_lookup(env: str) -> tuple[str, str]:
    return f"the resource groups tagged {ENV_TAG}={env}", f"az group list --tag {ENV_TAG}={env} -o table"


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


@dataclass(frozen=True)
class Leftover:
    """Something `azd down` does not remove. `confirm` is the text the user must type to clean it."""

    kind: str  # state-rg | soft-deleted | phone-number | easyauth-app
    name: str
    detail: str
    confirm: str
    manual_command: str | None = None  # when the wizard cannot clean it itself
    resource: AzureResource | None = field(default=None, compare=False)

    @property
    def automatic(self) -> bool:
        return self.manual_command is None


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
            what, command = _groups_lookup(env)
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


@dataclass(frozen=True)
class Leftovers:
    """What is still there after `azd down`, and the lookups that could not tell (`unchecked`):
    "nothing left behind" holds only when both are empty."""

    items: list[Leftover]
    unchecked: list[Unchecked] = field(default_factory=list)

    @property
    def nothing_left(self) -> bool:
        return not self.items and not self.unchecked


def find_leftovers(
    values: dict[str, str], ports: AzurePorts | None, numbers: list[str] | None = None, *, env: str | None = None,
    unchecked: list[Unchecked] | None = None,
) -> Leftovers:
    """What is still there after `azd down`: the same lookup as the plan, and what azd never deletes.

    Never raises for Azure: each lookup that cannot run (no Azure access) or fails is reported in
    `unchecked` with the az command that checks it by hand. `unchecked` (in): lookups that
    already failed before (the phone numbers, listed before azd down)."""
    found: list[Leftover] = []
    missed: list[Unchecked] = list(unchecked or [])

    def cannot(what: str, why: str, command: str) -> None:
        missed.append(Unchecked(what, why, command))

    if env and provisioned(values):
        what, command = _groups_lookup(env)
        if ports is None:
            cannot(what, NO_AZURE_ACCESS, command)
        else:
            try:
                groups = env_resource_groups(env, values, ports)
            except Exception as exc:
                cannot(what, lookup_error(exc), command)
                groups = []
            for group in groups:
                found.append(
                    Leftover("resource-group", group, f"resource group tagged azd-env-name={env}, still there after azd down",
                             confirm=group)
                )
    state_rg = values.get("RS_RESOURCE_GROUP")
    if state_rg:
        what, command = f"the terraform state resource group {state_rg}", f"az group exists -n {state_rg}"
        exists = False
        if ports is None:
            cannot(what, NO_AZURE_ACCESS, command)
        else:
            try:
                exists = ports.resources.resource_group_exists(state_rg)
            except Exception as exc:
                cannot(what, lookup_error(exc), command)
        if exists:
            found.append(
                Leftover(
                    "state-rg",
                    state_rg,
                    "terraform remote state (created outside terraform, so azd down keeps it)",
                    confirm=state_rg,
                )
            )
    soft_deleted: list[AzureResource] = []
    if ports is None:
        for what, command in SOFT_DELETED_LOOKUPS.values():
            cannot(what, NO_AZURE_ACCESS, command)
    else:
        try:
            soft_deleted = ports.resources.list_soft_deleted(values.get("AZURE_LOCATION"))
        except IncompleteListing as partial:
            soft_deleted = partial.found
            for arm_type, why in partial.failed.items():
                what, command = SOFT_DELETED_LOOKUPS.get(arm_type, (f"soft-deleted {arm_type}", "az resource list -o table"))
                cannot(what, why, command)
        except Exception as exc:
            for what, command in SOFT_DELETED_LOOKUPS.values():
                cannot(what, lookup_error(exc), command)
    for resource in soft_deleted:
        found.append(
            Leftover(
                "soft-deleted",
                resource.name,
                f"soft-deleted {PURGED_TYPES.get(resource.type, resource.type)}: its name stays taken until purged",
                confirm=resource.name,
                resource=resource,
            )
        )
    for number in numbers or []:
        found.append(
            Leftover("phone-number", number, "purchased phone number: keeps billing monthly until released", confirm=f"release {number}")
        )
    frontend = values.get("FRONTEND_CONTAINER_APP_NAME")
    if values.get("EASYAUTH_ENABLED", "").lower() == "true" and frontend:
        app = f"{frontend}-easyauth"
        found.append(
            Leftover(
                "easyauth-app",
                app,
                "Entra ID app registration created by the postprovision hook",
                confirm=app,
                manual_command=f"az ad app delete --id $(az ad app list --display-name {app} --query '[0].appId' -o tsv)",
            )
        )
    return Leftovers(found, missed)


def list_phone_numbers(values: dict[str, str], ports: AzurePorts | None) -> tuple[list[str], list[Unchecked]]:
    """The numbers bought on the environment's ACS resource (read before azd down deletes it)."""
    endpoint = values.get("ACS_ENDPOINT")
    if not endpoint:
        return [], []
    what = f"the phone numbers of {endpoint}"
    command = "az communication phonenumber list --connection-string \"<the ACS resource's connection string>\" -o table"
    if ports is None:
        return [], [Unchecked(what, NO_AZURE_ACCESS, command)]
    try:
        return [n.number for n in ports.phone_numbers_for(endpoint).list_numbers()], []
    except Exception as exc:
        return [], [Unchecked(what, lookup_error(exc), command)]


def cleanup(leftover: Leftover, ports: AzurePorts, *, typed: str, phone_endpoint: str | None = None) -> str:
    """Clean one leftover; refuses unless `typed` equals its confirmation text."""
    if typed != leftover.confirm:
        raise ValueError(f"confirmation does not match: type {leftover.confirm!r} to clean up {leftover.name}")
    if leftover.kind in ("state-rg", "resource-group"):
        ports.resources.delete_resource_group(leftover.name)
        return f"deleted resource group {leftover.name}"
    if leftover.kind == "soft-deleted" and leftover.resource is not None:
        ports.resources.purge_soft_deleted(leftover.resource)
        return f"purged {leftover.name}"
    if leftover.kind == "phone-number" and phone_endpoint:
        ports.phone_numbers_for(phone_endpoint).release(leftover.name)
        return f"released {leftover.name}"
    raise ValueError(f"{leftover.name}: clean it up by hand: {leftover.manual_command or 'no command known'}")


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
