"""What `azd down` leaves behind, found the way the plan finds what it deletes.

The leftovers (resource groups still there, the terraform remote-state group, soft-deleted
accounts, phone numbers, app registrations), the lookups that could not tell (`Unchecked`: never
"nothing left"), and cleaning one leftover, each behind its own typed confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.core.env_resources import ENV_TAG, env_resource_groups, provisioned
from wizard.core.ports import AzurePorts, AzureResource, IncompleteListing, NotSignedIn

# ARM types whose soft-deleted copies `azd down --purge` purges.
PURGED_TYPES = {
    "Microsoft.KeyVault/vaults": "Key Vault",
    "Microsoft.CognitiveServices/accounts": "Cognitive Services / AI Foundry",
    "Microsoft.AppConfiguration/configurationStores": "App Configuration",
    "Microsoft.ApiManagement/service": "API Management",
    "Microsoft.OperationalInsights/workspaces": "Log Analytics",
}

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


def groups_lookup(env: str) -> tuple[str, str]:
    return f"the resource groups tagged {ENV_TAG}={env}", f"az group list --tag {ENV_TAG}={env} -o table"


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
        what, command = groups_lookup(env)
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
