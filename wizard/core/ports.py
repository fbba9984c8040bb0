"""Small interfaces the engine needs from Azure, beyond azd.

Real adapters (`wizard.azure`) implement them on the Azure SDKs; the simulator's fakes
(`wizard.simulator.fakes`) implement them on the simulated cloud state. Core code depends only on
these Protocols and plain dataclasses, never on an SDK type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class RevisionInfo:
    name: str
    active: bool
    healthy: bool  # health_state == "Healthy"
    running_state: str  # e.g. "Running", "Failed", "Activating", "Degraded"
    replicas: int
    traffic_weight: int = 0


@dataclass(frozen=True)
class ContainerAppInfo:
    name: str
    resource_group: str
    image: str
    target_port: int | None
    fqdn: str | None
    tags: dict[str, str] = field(default_factory=dict)
    revisions: tuple[RevisionInfo, ...] = ()
    provisioning_state: str = "Succeeded"

    @property
    def service_name(self) -> str | None:
        return self.tags.get("azd-service-name")

    @property
    def latest_revision(self) -> RevisionInfo | None:
        active = [r for r in self.revisions if r.active]
        candidates = active or list(self.revisions)
        return candidates[-1] if candidates else None


class ContainerAppsPort(Protocol):
    def list_apps(self, resource_group: str) -> list[ContainerAppInfo]: ...
    def restart_revision(self, resource_group: str, app: str, revision: str) -> None: ...


@dataclass(frozen=True)
class HttpResult:
    status: int | None  # None = no answer (connection refused, timeout)
    body: str = ""
    error: str | None = None
    location: str | None = None  # the Location header of a redirect (not followed)


class HttpPort(Protocol):
    def get(self, url: str, timeout: float = 10.0) -> HttpResult: ...


@dataclass(frozen=True)
class PhoneNumber:
    number: str  # E.164
    country: str = "US"
    number_type: str = "toll-free"  # toll-free | geographic
    calling: str = "inbound+outbound"  # none | inbound | outbound | inbound+outbound
    sms: str = "none"
    monthly_cost: str | None = None  # e.g. "2.00 USD"

    @property
    def can_call(self) -> bool:
        return self.calling == "inbound+outbound"


@dataclass(frozen=True)
class PhoneSearchResult:
    search_id: str
    numbers: tuple[str, ...]
    monthly_cost: str  # "2.00 USD" as returned by the search
    expires: str | None = None
    # some countries require agreeing not to resell; the purchase then passes agree_to_not_resell
    agreement_to_not_resell_required: bool = False


class PhoneNumbersPort(Protocol):
    def list_numbers(self) -> list[PhoneNumber]: ...
    def search(self, country: str, number_type: str, area_code: str | None) -> PhoneSearchResult: ...
    def purchase(self, search_id: str, agree_to_not_resell: bool = False) -> None: ...
    # (real adapter: `purchase(search_id, agree_to_not_resell=True)` is passed only when the
    # search said the agreement is required)
    def release(self, number: str) -> None: ...


class NotSignedIn(Exception):
    """The Azure credential has no valid sign-in (never signed in, expired, wrong tenant): the
    next action is `azd auth login`. Adapters raise it instead of their SDK's auth errors."""


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str = ""  # display name ("Contoso"); may be empty
    domain: str = ""  # default domain ("contoso.onmicrosoft.com")


@dataclass(frozen=True)
class Subscription:
    id: str
    name: str
    tenant_id: str = ""
    is_default: bool = False


@dataclass(frozen=True)
class Location:
    name: str  # eastus2
    display_name: str  # East US 2


class SubscriptionsPort(Protocol):
    """Every method raises `NotSignedIn` when the credential has no valid sign-in."""

    def list_subscriptions(self) -> list[Subscription]: ...
    def list_locations(self, subscription_id: str) -> list[Location]: ...
    def list_tenants(self) -> list[Tenant]: ...


class ProvidersPort(Protocol):
    def registration_state(self, subscription_id: str, namespace: str) -> str: ...
    def register(self, subscription_id: str, namespace: str) -> None: ...


@dataclass(frozen=True)
class AzureResource:
    id: str
    name: str
    type: str  # ARM type, e.g. Microsoft.App/containerApps
    resource_group: str
    soft_delete: bool = False  # purged by `azd down --purge` (Key Vault, Cognitive, App Config)


class IncompleteListing(Exception):
    """A listing that read only some of its parts: `found` is what was read, `failed` maps each part
    that could not be read (for soft-deleted resources: the ARM type) to why (code and message).
    The caller must not take the listing as complete."""

    def __init__(self, found: list[AzureResource], failed: dict[str, str]) -> None:
        self.found = list(found)
        self.failed = dict(failed)
        super().__init__("; ".join(f"{part}: {why}" for part, why in self.failed.items()))


class ResourcesPort(Protocol):
    """Lookups raise on failure (an HTTP error, no sign-in); `list_soft_deleted` raises
    `IncompleteListing` when only some kinds could be listed."""


    def resource_groups_tagged(self, tag: str, value: str) -> list[str]: ...
    def list_resource_group(self, resource_group: str) -> list[AzureResource]: ...
    def resource_group_exists(self, resource_group: str) -> bool: ...
    def delete_resource_group(self, resource_group: str) -> None: ...
    def list_soft_deleted(self, location: str | None = None) -> list[AzureResource]: ...
    def purge_soft_deleted(self, resource: AzureResource) -> None: ...


@dataclass
class AzurePorts:
    """The bundle the engine is given: real SDK adapters, or the simulator's fakes."""

    container_apps: ContainerAppsPort
    http: HttpPort
    phone_numbers_for: Callable[[str], PhoneNumbersPort]  # a Communication Services endpoint -> its port
    subscriptions: SubscriptionsPort
    providers: ProvidersPort
    resources: ResourcesPort
