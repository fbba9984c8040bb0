"""The wizard's Azure ports (core/ports.py) on the simulated cloud, for demos and tests.

They share the state the fake azd writes, so verify sees what provision and deploy did, the phone
step lists and buys numbers on the simulated ACS resource, and teardown finds what is left.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

from wizard.core.ports import (
    AzurePorts,
    AzureResource,
    ContainerAppInfo,
    HttpResult,
    Location,
    NotSignedIn,
    PhoneNumber,
    PhoneSearchResult,
    RevisionInfo,
    Subscription,
    Tenant,
)
from wizard.core.project import Project, ProjectError, load_project, read_env_values
from wizard.core.verify_probe import serves_health_path
from wizard.simulator.cloud import (
    LOCATIONS,
    PLACEHOLDER_IMAGE,
    SUBSCRIPTION_ID,
    SUBSCRIPTIONS,
    TENANTS,
    Cloud,
    cloud_dir,
)
from wizard.simulator.infra import is_child_type
from wizard.simulator.signin import signed_in

HEALTH_PATH = "/api/v1/health"
FLAKY_FAILURES = 3


class SimContainerApps:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud

    def list_apps(self, resource_group: str) -> list[ContainerAppInfo]:
        apps = self.cloud.read()["apps"].values()
        return [_app_info(a) for a in apps if a["resource_group"].lower() == resource_group.lower()]

    def restart_revision(self, resource_group: str, app: str, revision: str) -> None:
        with self.cloud.edit() as state:
            data = state["apps"].get(app)
            if data is None or data["resource_group"].lower() != resource_group.lower():
                raise LookupError(f"ResourceNotFound: The Resource 'Microsoft.App/containerApps/{app}' was not found")
            names = [r["name"] for r in data["revisions"]]
            if revision not in names:
                raise LookupError(f"ContainerAppRevisionNotFound: revision {revision} not found")
            data["restarts"] = data.get("restarts", 0) + 1


def _app_info(data: dict) -> ContainerAppInfo:
    revisions = tuple(
        RevisionInfo(r["name"], r["active"], r["healthy"], r["running_state"], r["replicas"], r["traffic_weight"])
        for r in data["revisions"]
    )
    return ContainerAppInfo(
        name=data["name"], resource_group=data["resource_group"], image=data["image"],
        target_port=data["target_port"], fqdn=data["fqdn"], tags=dict(data["tags"]), revisions=revisions,
    )


class SimHttp:
    """Answers for the simulated apps' URLs; anything else is unreachable."""

    def __init__(self, cloud: Cloud, root: Path) -> None:
        self.cloud = cloud
        self.root = root
        self._health: dict[str, bool] = {}

    def _serves_health(self, service: str) -> bool:
        """An app answers the health path only where its project serves one (its code names it)."""
        if service not in self._health:
            try:
                project: Project | None = load_project(self.root)
            except (ProjectError, OSError):
                project = None
            self._health[service] = serves_health_path(project, service)
        return self._health[service]

    def get(self, url: str, timeout: float = 10.0) -> HttpResult:
        parsed = urlparse(url)
        with self.cloud.edit() as state:
            app = next((a for a in state["apps"].values() if a["fqdn"] == parsed.hostname), None)
            site = next((s for s in state.get("sites", {}).values() if urlparse(s["url"]).hostname == parsed.hostname), None)
            if app is None and site is not None:  # App Service, Functions, Static Web Apps, AKS answer
                return HttpResult(200, f"<!doctype html><title>{site['name']}</title>")
            if app is None:
                return HttpResult(None, error=f"connection refused: {parsed.hostname}")
            if app["image"] == PLACEHOLDER_IMAGE:
                if app["target_port"] not in (None, 80):
                    return HttpResult(504, "stream timeout", error="upstream did not answer (startup probe failing)")
                return HttpResult(200, "<html><title>Welcome to Azure Container Apps!</title></html>")
            service = (app.get("tags") or {}).get("azd-service-name") or ""
            if parsed.path.rstrip("/") == HEALTH_PATH and not self._serves_health(service):
                return HttpResult(404, "Cannot GET " + parsed.path)
            if parsed.path.rstrip("/") == HEALTH_PATH:
                state["health_calls"] = state.get("health_calls", 0) + 1
                if self.cloud.scenario == "health-flaky" and state["health_calls"] <= FLAKY_FAILURES:
                    return HttpResult(503, '{"status":"starting"}')
                return HttpResult(200, json.dumps({"status": "healthy", "service": service}))
        values = read_env_values(self.root, self.cloud.env)
        if values.get("EASYAUTH_ENABLED", "").lower() == "true" and "backend" not in (parsed.hostname or ""):
            return HttpResult(401, "You do not have permission to view this directory or page.")
        return HttpResult(200, f"<!doctype html><title>{app['name']}</title>")


class SimPhoneNumbers:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self._counter = itertools.count(1)

    def list_numbers(self) -> list[PhoneNumber]:
        return [PhoneNumber(**n) for n in self.cloud.read()["phone_numbers"]]

    def search(self, country: str, number_type: str, area_code: str | None) -> PhoneSearchResult:
        prefix = {"toll-free": "833"}.get(number_type, area_code or "416")
        with self.cloud.edit() as state:
            state["searches"] = state.get("searches", 0) + 1
            n = state["searches"]
            number = f"+1{prefix}555{n:04d}"
            state.setdefault("pending", {})[f"search-{n}"] = {
                "number": number, "country": country, "number_type": number_type,
                "calling": "inbound+outbound", "sms": "none",
                "monthly_cost": "2.00 USD" if number_type == "toll-free" else "1.00 USD",
            }
        cost = "2.00 USD" if number_type == "toll-free" else "1.00 USD"
        expires = (datetime.now(UTC) + timedelta(minutes=15)).isoformat(timespec="seconds")
        return PhoneSearchResult(f"search-{n}", (number,), cost, expires=expires)

    def purchase(self, search_id: str, agree_to_not_resell: bool = False) -> None:
        with self.cloud.edit() as state:
            offer = state.get("pending", {}).pop(search_id, None)
            if offer is None:
                raise LookupError(f"search {search_id} expired or unknown; search again")
            state["phone_numbers"].append(offer)

    def release(self, number: str) -> None:
        with self.cloud.edit() as state:
            before = len(state["phone_numbers"])
            state["phone_numbers"] = [n for n in state["phone_numbers"] if n["number"] != number]
            if len(state["phone_numbers"]) == before:
                raise LookupError(f"PhoneNumberNotFound: {number} is not on this resource")


class SimSubscriptions:
    """The simulated account's subscriptions, tenants and regions; signed out, it raises as the
    real adapter does (`NotSignedIn`)."""

    def __init__(self, root: Path | None = None, scenario: str | None = None) -> None:
        self.root = root
        self.scenario = scenario

    def _signed_in(self) -> None:
        if not signed_in(self.root, "azd", self.scenario):
            raise NotSignedIn("AzureDeveloperCliCredential: Please run 'azd auth login' from a command prompt "
                              "to authenticate before using this credential.")

    def list_subscriptions(self) -> list[Subscription]:
        self._signed_in()
        return [Subscription(sub_id, name, tenant, sub_id == SUBSCRIPTION_ID) for sub_id, name, tenant in SUBSCRIPTIONS]

    def list_locations(self, subscription_id: str) -> list[Location]:
        self._signed_in()
        return [Location(name, display) for name, display in LOCATIONS]

    def list_tenants(self) -> list[Tenant]:
        self._signed_in()
        return [Tenant(tenant_id, name, domain) for tenant_id, name, domain in TENANTS]


class SimProviders:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud

    def registration_state(self, subscription_id: str, namespace: str) -> str:
        return self.cloud.read()["providers"].get(namespace, "Registered")

    def register(self, subscription_id: str, namespace: str) -> None:
        with self.cloud.edit() as state:
            state["providers"][namespace] = "Registered"


class SimResources:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud

    def resource_groups_tagged(self, tag: str, value: str) -> list[str]:
        """Groups of this environment's cloud whose tag matches (a group recorded without tags is the env's)."""
        state = self.cloud.read()
        return [name for name, group in state["resource_groups"].items()
                if (group.get("tags") or {}).get(tag, value) == value and name != state.get("state_rg")]

    def list_resource_group(self, resource_group: str) -> list[AzureResource]:
        group = self.cloud.read()["resource_groups"].get(resource_group)
        if group is None:
            return []
        # ARM lists a group's top-level resources; children (a storage account's blobServices, an
        # account's deployments) go with their parent and are not listed
        return [AzureResource(r["id"], r["name"], r["type"], resource_group) for r in group["resources"]
                if not is_child_type(r["type"])]

    def resource_group_exists(self, resource_group: str) -> bool:
        return resource_group in self.cloud.read()["resource_groups"]

    def delete_resource_group(self, resource_group: str) -> None:
        with self.cloud.edit() as state:
            state["resource_groups"].pop(resource_group, None)
            state["apps"] = {k: v for k, v in state["apps"].items() if v["resource_group"] != resource_group}

    def list_soft_deleted(self, location: str | None = None) -> list[AzureResource]:
        return [
            AzureResource(r["id"], r["name"], r["type"], r["id"].split("/")[4], soft_delete=True)
            for r in self.cloud.read()["soft_deleted"]
            if location in (None, r.get("location"))
        ]

    def purge_soft_deleted(self, resource: AzureResource) -> None:
        with self.cloud.edit() as state:
            state["soft_deleted"] = [r for r in state["soft_deleted"] if r["name"] != resource.name]


def simulated_ports(project_root: Path, env: str, *, scenario: str | None = None) -> AzurePorts:
    cloud = Cloud(cloud_dir(project_root, env), env or "dev", scenario)
    phone = SimPhoneNumbers(cloud)
    return AzurePorts(
        container_apps=SimContainerApps(cloud),
        http=SimHttp(cloud, project_root),
        phone_numbers_for=lambda endpoint: phone,
        subscriptions=SimSubscriptions(project_root, scenario),
        providers=SimProviders(cloud),
        resources=SimResources(cloud),
    )
