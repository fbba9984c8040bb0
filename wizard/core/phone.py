"""Phone number setup: E.164 rules, the numbers on the ACS resource, buying one safely, applying it.

Where the number lives (accelerator-facts §4): the azd env key `ACS_SOURCE_PHONE_NUMBER` is the
source of truth; the postprovision hook copies it to App Configuration key
`azure/acs/source-phone-number` (label = env name); the backend reads it only when it starts, so
the backend's active revision must be restarted after a change.

Nothing here talks to Azure directly: numbers go through a `PhoneNumbersPort`, the restart
through a `ContainerAppsPort` (`wizard.core.ports`).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.env_resources import env_resource_groups
from wizard.core.ports import AzurePorts, PhoneNumber, PhoneNumbersPort, PhoneSearchResult

if TYPE_CHECKING:
    from wizard.core.project import Project

ENV_KEY = "ACS_SOURCE_PHONE_NUMBER"
APPCONFIG_KEY = "azure/acs/source-phone-number"
EXAMPLE = "+14165551234"
MIN_DIGITS, MAX_DIGITS = 10, 15
# The postprovision hook's rule (stricter than the backend's 7-15 digits).
E164_RE = re.compile(r"^\+[0-9]{10,15}$")

PURCHASE_WARNING = (
    "Buying a phone number is a paid action: it is billed every month until you release it. "
    "Repeated purchase attempts can get the subscription flagged for fraud, and lifting that takes "
    "a support ticket: buy once, and release numbers you do not use "
    "(deploy-wizard teardown lists them)."
)
RESELL_NOTE = "This country requires agreeing not to resell the number; confirming the purchase agrees to it."

NUMBER_TYPES = {
    "toll-free": "toll-free",
    "tollfree": "toll-free",
    "toll_free": "toll-free",
    "geographic": "geographic",
    "local": "geographic",
}

_SEPARATORS = {" ": "space", "-": "dash", "(": "parenthesis", ")": "parenthesis", ".": "dot", "/": "slash"}
_SINGULAR = {"space": "a space", "dash": "a dash", "parenthesis": "parentheses", "dot": "a dot", "slash": "a slash"}
_PLURAL = {"space": "spaces", "dash": "dashes", "parenthesis": "parentheses", "dot": "dots", "slash": "slashes"}


class ConfirmationError(ValueError):
    """A paid or destructive phone action was asked for without the exact confirmation phrase."""


def validate_e164(text: str | None) -> str | None:
    """None when `text` is a valid E.164 number for the accelerator; else a precise message.

    The rule is the postprovision hook's `^\\+[0-9]{10,15}$`: a `+`, then 10 to 15 digits
    (country code included), nothing else.
    """
    raw = (text or "").strip()
    if not raw:
        return f"enter a number in E.164 format: '+', country code and number, e.g. {EXAMPLE}"
    if E164_RE.match(raw):
        return None
    problems: list[str] = []
    body = raw
    if raw.startswith("00"):
        problems.append(f"starts with 00: write '+' instead of the international prefix (e.g. {EXAMPLE})")
        body = raw[2:]
    elif not raw.startswith("+"):
        problems.append(f"missing '+': E.164 numbers start with '+' and the country code (e.g. {EXAMPLE})")
    else:
        body = raw[1:]
    found = [_SEPARATORS[ch] for ch in body if ch in _SEPARATORS]
    separators = list(dict.fromkeys(found))
    if separators:
        names = [_PLURAL[n] if found.count(n) > 1 else _SINGULAR[n] for n in separators]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        problems.append(f"contains {listed}: write the digits without separators")
    other = sorted({ch for ch in body if not ch.isdigit() and ch not in _SEPARATORS})
    if other:
        shown = " ".join(repr(ch) for ch in other)
        problems.append(f"contains {shown}: only digits may follow '+'")
    digits = "".join(ch for ch in body if ch.isascii() and ch.isdigit())
    if len(digits) < MIN_DIGITS:
        problems.append(
            f"too short: {len(digits)} digit{'s' if len(digits) != 1 else ''}, need {MIN_DIGITS}-{MAX_DIGITS} "
            f"(country code + number, e.g. {EXAMPLE})"
        )
    elif len(digits) > MAX_DIGITS:
        problems.append(f"too long: {len(digits)} digits, E.164 allows at most {MAX_DIGITS}")
    if not problems:  # e.g. non-ASCII digits
        problems.append(f"not an E.164 number: '+' then {MIN_DIGITS}-{MAX_DIGITS} digits, e.g. {EXAMPLE}")
    message = "; ".join(problems)
    suggestion = normalize_e164(raw)
    if suggestion and suggestion != raw:
        message += f" (did you mean {suggestion}?)"
    return message


def normalize_e164(text: str) -> str | None:
    """The valid E.164 form of a number written with separators or `00`, when there is exactly one.

    A number without `+` or `00` is only completed when it has 11+ digits starting with 1 (NANP):
    the country code of anything else cannot be guessed.
    """
    raw = (text or "").strip()
    if raw.startswith("+"):
        digits, has_prefix = raw[1:], True
    elif raw.startswith("00"):
        digits, has_prefix = raw[2:], True
    else:
        digits, has_prefix = raw, False
    if any(not (ch.isdigit() or ch in _SEPARATORS) for ch in digits):
        return None
    digits = "".join(ch for ch in digits if ch.isascii() and ch.isdigit())
    if not has_prefix and not (digits.startswith("1") and len(digits) == 11):
        return None
    candidate = "+" + digits
    return candidate if E164_RE.match(candidate) else None


# an Azure Communication Services resource in the infra (Bicep type, AVM module, azurerm type)
TELEPHONY_MARKERS = ("Microsoft.Communication/communicationServices", "communication/communication-service",
                     "azurerm_communication_service")
# an email service next to it: that ACS resource sends email, unless something reads a phone number
EMAIL_MARKERS = ("Microsoft.Communication/emailServices", "communication/email-service",
                 "azurerm_email_communication_service")


def has_telephony(project: Project | None, env_values: dict[str, str]) -> bool:
    """Whether phone setup applies: a phone number is set or a hook reads it, the environment has
    ACS outputs, or the infra declares an Azure Communication Services resource, unless that resource
    sits beside an email service and nothing reads a phone number (it sends email). A todo app has none."""
    if (env_values.get(ENV_KEY) or "").strip():
        return True
    if project is None:
        return any(key.startswith("ACS_") for key in env_values)
    if any(ENV_KEY in hook.run for hook in project.hooks):
        return True
    scripts = [project.root / p for h in project.hooks for p in ([h.script] if h.script else [])]
    if any(_mentions(path, ENV_KEY) for path in scripts):
        return True
    acs = email = False
    folder = project.infra_dir
    for path in list(folder.rglob("*.tf")) + list(folder.rglob("*.bicep")) if folder.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8", errors="replace").lower()  # ARM types ignore case
        except OSError:
            continue
        acs = acs or any(marker.lower() in text for marker in TELEPHONY_MARKERS)
        email = email or any(marker.lower() in text for marker in EMAIL_MARKERS)
    if email:
        return False
    return acs or any(key.startswith("ACS_") for key in env_values)


def _mentions(path: Path, word: str) -> bool:
    try:
        return word in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def telephony_status(env_values: dict[str, str]) -> tuple[bool, str]:
    """Whether the backend can make and receive calls, judged from the azd environment."""
    number = (env_values.get(ENV_KEY) or "").strip()
    if not number:
        return False, (
            f"{ENV_KEY} is not set: voice calls will not work (the backend logs 'ACS TELEPHONY "
            f"DISABLED'); set one with: deploy-wizard phone {EXAMPLE[:2]}…"
        )
    problem = validate_e164(number)
    if problem:
        return False, f"{ENV_KEY}={number!r} is not valid E.164 ({problem}); the hook ignores it"
    if not env_values.get("ACS_ENDPOINT"):
        return False, f"{ENV_KEY}={number}, but the environment has no ACS_ENDPOINT (not provisioned?)"
    return True, f"calls use {number}"


# -- buying and listing --------------------------------------------------------------------------


def normalize_number_type(value: str) -> str:
    key = (value or "").strip().lower().replace(" ", "-")
    if key not in NUMBER_TYPES:
        raise ValueError(f"number type {value!r}: choose toll-free or geographic")
    return NUMBER_TYPES[key]


@dataclass(frozen=True)
class PhoneOffer:
    """What a search found: the numbers held for purchase, their cost, and the phrase to type."""

    result: PhoneSearchResult
    country: str
    number_type: str
    area_code: str | None
    warning: str = PURCHASE_WARNING

    @property
    def numbers(self) -> tuple[str, ...]:
        return self.result.numbers

    @property
    def monthly_cost(self) -> str:
        return self.result.monthly_cost

    @property
    def confirmation_phrase(self) -> str:
        if len(self.numbers) == 1:
            return f"buy {self.numbers[0]}"
        return f"buy {len(self.numbers)} numbers"

    def lines(self) -> list[str]:
        out = [f"found: {', '.join(self.numbers) or '(none)'}  ({self.number_type}, {self.country})"]
        out.append(f"cost: {self.monthly_cost} per month and number, until released")
        if self.result.expires:
            out.append(f"the search holds them until {self.result.expires}")
        out.append(f"warning: {self.warning}")
        if self.result.agreement_to_not_resell_required:
            out.append(RESELL_NOTE)
        out.append(f"to buy, type exactly: {self.confirmation_phrase}")
        return out


def release_phrase(number: str) -> str:
    return f"release {number}"


class PhoneService:
    """The phone numbers of one ACS resource; every paid or destructive call needs a typed phrase."""

    def __init__(self, port: PhoneNumbersPort) -> None:
        self.port = port

    def list_numbers(self) -> list[PhoneNumber]:
        """Purchased numbers, those that can make and receive calls first."""
        numbers = list(self.port.list_numbers())
        return sorted(numbers, key=lambda n: (not n.can_call, n.number))

    def callable_numbers(self) -> list[PhoneNumber]:
        return [n for n in self.list_numbers() if n.can_call]

    def search(self, country: str = "US", number_type: str = "toll-free", area_code: str | None = None) -> PhoneOffer:
        country = (country or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise ValueError(f"country {country!r}: use the two-letter ISO code, e.g. US or CA")
        kind = normalize_number_type(number_type)
        area = (area_code or "").strip() or None
        if area is not None and not re.fullmatch(r"[0-9]{2,5}", area):
            raise ValueError(f"area code {area!r}: digits only, e.g. 833 (toll-free) or 416")
        result = self.port.search(country, kind, area)
        if not result.numbers:
            raise LookupError(
                f"no {kind} numbers available in {country}" + (f" with area code {area}" if area else "")
                + ": try another area code or type"
            )
        return PhoneOffer(result=result, country=country, number_type=kind, area_code=area)

    def purchase(self, offer: PhoneOffer, confirmation: str) -> tuple[str, ...]:
        """Buy the numbers of `offer`; refuses unless `confirmation` is its exact phrase."""
        if (confirmation or "").strip() != offer.confirmation_phrase:
            raise ConfirmationError(
                f"not bought: type exactly {offer.confirmation_phrase!r} to buy "
                f"(cost {offer.monthly_cost} per month)"
            )
        if offer.result.agreement_to_not_resell_required:
            self.port.purchase(offer.result.search_id, agree_to_not_resell=True)
        else:
            self.port.purchase(offer.result.search_id)
        return offer.numbers

    def release(self, number: str, confirmation: str) -> str:
        """Release a purchased number; refuses unless `confirmation` is `release <number>`."""
        phrase = release_phrase(number)
        if (confirmation or "").strip() != phrase:
            raise ConfirmationError(f"not released: type exactly {phrase!r} to release {number}")
        self.port.release(number)
        return f"released {number}"


# -- applying it ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhoneApplyPlan:
    number: str
    env_key: str = ENV_KEY
    push_command: tuple[str, ...] = ("provision",)  # azd args that copy the number to App Configuration
    restart_service: str | None = None  # azure.yaml service of the backend
    explanation: tuple[str, ...] = field(default_factory=tuple)

    @property
    def uses_hook(self) -> bool:
        return tuple(self.push_command[:2]) == ("hooks", "run")


def backend_service(project: Project | None, env_values: dict[str, str] | None = None) -> str | None:
    """The azure.yaml service of the backend (the one that places calls): `rtaudio-server` for the accelerator."""
    if project is None:
        return None
    services = [s for s in project.services if s.host in ("containerapp", "")] or list(project.services)
    if not services:
        return None
    app_name = (env_values or {}).get("BACKEND_CONTAINER_APP_NAME") or ""
    for service in services:
        if service.resource_name and service.resource_name == app_name:
            return service.name
    for words in (("server", "backend"), ("api",)):
        for service in services:
            if any(w in service.name.lower() for w in words):
                return service.name
    return None


def hook_writes_number(project: Project | None) -> bool:
    """True when the project's postprovision hook copies ACS_SOURCE_PHONE_NUMBER to App Configuration."""
    if project is None:
        return False
    hook = project.hook("postprovision")
    if hook is None:
        return False
    texts = [hook.run]
    script = project.hook_script_path(hook)
    if script is not None:
        try:
            texts.append(script.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            pass
    return any(ENV_KEY in text or APPCONFIG_KEY in text for text in texts)


def plan_phone_apply(project: Project | None, env_values: dict[str, str], number: str) -> PhoneApplyPlan:
    """How to apply `number` the way the accelerator expects (pure; the engine runs it)."""
    problem = validate_e164(number)
    if problem:
        raise ValueError(f"phone number {number!r}: {problem}")
    env = env_values.get("AZURE_ENV_NAME") or "<env>"
    via_hook = hook_writes_number(project)
    push = ("hooks", "run", "postprovision") if via_hook else ("provision",)
    restart = backend_service(project, env_values)
    lines = [f"{ENV_KEY}={number} is saved in the azd environment (the source of truth for the hooks)."]
    if via_hook:
        lines.append(
            f"`azd hooks run postprovision` copies it to App Configuration key {APPCONFIG_KEY} "
            f"(label {env}); faster than `azd provision`, which runs the same hook after terraform."
        )
    else:
        lines.append(f"`azd provision` pushes it to the app's configuration (App Configuration key {APPCONFIG_KEY}).")
    if restart:
        lines.append(f"The backend ({restart}) reads the number only when it starts, so its active revision is restarted.")
    else:
        lines.append("No backend service found in azure.yaml: restart the app that places calls yourself.")
    return PhoneApplyPlan(number=number, push_command=push, restart_service=restart, explanation=tuple(lines))


async def restart_backend(ports: AzurePorts, env_values: dict[str, str], app_name: str) -> str:
    """Restart the active revision of the backend Container App; returns what was done.

    `app_name` may be the Container App's name or its azure.yaml service name (matched by the
    `azd-service-name` tag). Never raises: a restart that could not be done is described, with
    the command to do it by hand.
    """
    env = env_values.get("AZURE_ENV_NAME", "")
    group = env_values.get("AZURE_RESOURCE_GROUP")
    manual = f"az containerapp revision restart -n {app_name} -g {group or '<resource group>'} --revision <active revision>"
    try:
        groups = await asyncio.to_thread(env_resource_groups, env, env_values, ports)
        if not groups:
            return f"not restarted: no resource group tagged azd-env-name={env} was found; restart by hand: {manual}"
        group = ", ".join(groups)
        apps = [a for g in groups for a in await asyncio.to_thread(ports.container_apps.list_apps, g)]
    except Exception as exc:  # SDK/auth errors become a description
        return f"not restarted: cannot list the Container Apps of {group or env} ({_short(exc)}); restart by hand: {manual}"
    app = next((a for a in apps if a.name == app_name), None) or next(
        (a for a in apps if a.service_name == app_name), None
    )
    if app is None:
        return f"not restarted: no Container App named or tagged {app_name!r} in {group}; restart by hand: {manual}"
    revision = app.latest_revision
    if revision is None:
        return f"not restarted: {app.name} has no revision yet; deploy first (azd deploy)"
    try:
        await asyncio.to_thread(ports.container_apps.restart_revision, group, app.name, revision.name)
    except Exception as exc:
        manual = f"az containerapp revision restart -n {app.name} -g {group} --revision {revision.name}"
        return f"not restarted: {_short(exc)}; restart by hand: {manual}"
    return f"restarted revision {revision.name} of {app.name}"


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
