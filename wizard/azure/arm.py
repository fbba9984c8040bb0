"""ProvidersPort and ResourcesPort on raw ARM REST (azure-mgmt-resource is not a dependency).

Requests go through azure-mgmt-core's `ARMPipelineClient` with the usual ARM policies (bearer
token with challenge handling, retries, user agent), so auth and throttling behave like the SDKs.
Only the handful of calls the wizard needs are implemented:

- providers: GET / POST register on `/subscriptions/{s}/providers/{namespace}`
- resource groups: HEAD (exists), DELETE (long-running: polled until gone), list resources
- soft-deleted Key Vaults, App Configuration stores and Cognitive Services accounts: list, purge
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import quote

from wizard.azure.credentials import ARM_SCOPE, AzureSetupError
from wizard.core.ports import AzureResource, IncompleteListing

ARM = "https://management.azure.com"
RESOURCES_API = "2021-04-01"

# soft-deletable types: (list path under the subscription, api version, the type as deployed)
SOFT_DELETED = (
    ("providers/Microsoft.KeyVault/deletedVaults", "2023-07-01", "Microsoft.KeyVault/vaults"),
    ("providers/Microsoft.AppConfiguration/deletedConfigurationStores", "2024-05-01", "Microsoft.AppConfiguration/configurationStores"),
    ("providers/Microsoft.CognitiveServices/deletedAccounts", "2024-10-01", "Microsoft.CognitiveServices/accounts"),
)
_API_BY_TYPE = {deployed: api for _, api, deployed in SOFT_DELETED}
# what ARM answers a list of a provider the subscription never registered: nothing can be soft-deleted
UNREGISTERED_CODES = ("MissingSubscriptionRegistration", "InvalidResourceType", "NoRegisteredProviderFound",
                      "SubscriptionNotRegistered")


class ArmError(RuntimeError):
    def __init__(self, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        super().__init__(f"{code or 'HTTP ' + str(status)}: {message}" if message else (code or f"HTTP {status}"))


class ArmRest:
    """A tiny ARM REST client: `request(method, path, api_version)` -> (status, json, headers)."""

    def __init__(self, credential: Any, *, transport: Any | None = None, base_url: str = ARM) -> None:
        self._credential = credential
        self._transport = transport
        self._base = base_url.rstrip("/")
        self._client: Any | None = None

    @property
    def client(self) -> Any:
        if self._client is None:
            from azure.core.pipeline import policies
            from azure.mgmt.core import ARMPipelineClient
            from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

            pipeline_policies = [
                policies.HeadersPolicy(),
                policies.UserAgentPolicy(sdk_moniker="deploy-wizard-arm"),
                policies.RetryPolicy(retry_total=3),
                ARMChallengeAuthenticationPolicy(self._credential, ARM_SCOPE),
            ]
            kwargs: dict[str, Any] = {"policies": pipeline_policies}
            if self._transport is not None:
                kwargs["transport"] = self._transport
            self._client = ARMPipelineClient(self._base, **kwargs)
        return self._client

    def request(
        self, method: str, path: str, api_version: str | None, *, ok: tuple[int, ...] = (200,)
    ) -> tuple[int, Any, dict[str, str]]:
        from azure.core.rest import HttpRequest

        url = path if path.startswith("http") else f"{self._base}/{path.lstrip('/')}"
        params = {"api-version": api_version} if api_version and "api-version=" not in url else None
        response = self.client.send_request(HttpRequest(method, url, params=params))
        status = response.status_code
        data: Any = None
        if method != "HEAD":
            try:
                data = response.json() if response.read() else None
            except ValueError:
                data = None
        headers = {k.lower(): v for k, v in response.headers.items()}
        if status not in ok:
            error = (data or {}).get("error", {}) if isinstance(data, dict) else {}
            raise ArmError(status, str(error.get("code", "")), str(error.get("message", "")))
        return status, data, headers

    def pages(self, path: str, api_version: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        url: str | None = path
        version: str | None = api_version
        for _ in range(1000):
            if not url:
                break
            _, data, _ = self.request("GET", url, version)
            data = data or {}
            items.extend(x for x in data.get("value", []) if isinstance(x, dict))
            url, version = data.get("nextLink"), None  # nextLink carries its own api-version
        return items

    def wait(self, headers: dict[str, str], *, timeout: float, interval: float | None) -> None:
        """Poll an accepted (202) long-running operation's Location/Azure-AsyncOperation until done."""
        url = headers.get("azure-asyncoperation") or headers.get("location")
        if not url:
            return
        deadline = time.monotonic() + timeout
        while True:
            status, data, got = self.request("GET", url, None, ok=(200, 201, 202, 204))
            state = str((data or {}).get("status", "")).lower() if isinstance(data, dict) else ""
            if state in ("failed", "canceled", "cancelled"):
                error = (data or {}).get("error", {}) or {}
                raise ArmError(status, str(error.get("code", state)), str(error.get("message", "the operation failed")))
            if status != 202 and state in ("", "succeeded"):
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(f"the operation was still running after {timeout:.0f}s (it continues in Azure)")
            delay = interval if interval is not None else float(got.get("retry-after", "10") or 10)
            time.sleep(max(0.0, min(delay, 60.0)))


class _ArmAdapter:
    def __init__(
        self,
        credential: Any,
        subscription_id: str | None,
        *,
        transport: Any | None = None,
        poll_interval: float | None = None,
        operation_timeout: float = 1800.0,
    ) -> None:
        self._subscription = subscription_id
        self._rest = ArmRest(credential, transport=transport)
        self._poll_interval = poll_interval
        self._timeout = operation_timeout

    def _sub(self, subscription_id: str | None = None) -> str:
        sub = subscription_id or self._subscription
        if not sub:
            raise AzureSetupError("AZURE_SUBSCRIPTION_ID is not set in the azd environment")
        return f"/subscriptions/{quote(sub)}"


class ProvidersAdapter(_ArmAdapter):
    def registration_state(self, subscription_id: str, namespace: str) -> str:
        _, data, _ = self._rest.request("GET", f"{self._sub(subscription_id)}/providers/{quote(namespace)}", RESOURCES_API)
        return str((data or {}).get("registrationState") or "NotRegistered")

    def register(self, subscription_id: str, namespace: str) -> None:
        self._rest.request("POST", f"{self._sub(subscription_id)}/providers/{quote(namespace)}/register", RESOURCES_API)


class ResourcesAdapter(_ArmAdapter):
    def _group(self, name: str) -> str:
        return f"{self._sub()}/resourcegroups/{quote(name)}"

    def resource_groups_tagged(self, tag: str, value: str) -> list[str]:
        """The groups azd made for an environment: the same `$filter` azd itself sends."""
        query = quote(f"tagName eq '{tag}' and tagValue eq '{value}'")
        items = self._rest.pages(f"{self._sub()}/resourcegroups?$filter={query}&api-version={RESOURCES_API}", RESOURCES_API)
        return [str(x.get("name", "")) for x in items if x.get("name")]

    def resource_group_exists(self, resource_group: str) -> bool:
        status, _, _ = self._rest.request("HEAD", self._group(resource_group), RESOURCES_API, ok=(204, 200, 404))
        return status != 404

    def list_resource_group(self, resource_group: str) -> list[AzureResource]:
        items = self._rest.pages(f"{self._group(resource_group)}/resources", RESOURCES_API)
        return [
            AzureResource(
                id=str(x.get("id", "")),
                name=str(x.get("name", "")),
                type=str(x.get("type", "")),
                resource_group=_group_of(str(x.get("id", ""))) or resource_group,
            )
            for x in items
        ]

    def delete_resource_group(self, resource_group: str) -> None:
        status, _, headers = self._rest.request("DELETE", self._group(resource_group), RESOURCES_API, ok=(200, 202, 204))
        if status == 202:
            self._rest.wait(headers, timeout=self._timeout, interval=self._poll_interval)

    def list_soft_deleted(self, location: str | None = None) -> list[AzureResource]:
        """Every soft-deleted resource of the purgeable kinds; a kind whose list fails (other than
        for an unregistered provider) makes it raise IncompleteListing with what was read."""
        wanted = _norm_location(location) if location else None
        found: list[AzureResource] = []
        failed: dict[str, str] = {}
        for path, api, deployed_type in SOFT_DELETED:
            try:
                items = self._rest.pages(f"{self._sub()}/{path}", api)
            except ArmError as exc:
                if exc.code in UNREGISTERED_CODES:
                    continue  # provider not registered: nothing of that kind can be soft-deleted
                failed[deployed_type] = f"HTTP {exc.status} {exc}"
                continue
            for item in items:
                props = item.get("properties") or {}
                rid = str(item.get("id", ""))
                loc = props.get("location") or item.get("location") or _location_of(rid)
                if wanted and loc and _norm_location(str(loc)) != wanted:
                    continue
                source = str(props.get("vaultId") or props.get("configurationStoreId") or props.get("resourceId") or rid)
                found.append(
                    AzureResource(
                        id=rid,
                        name=str(item.get("name", "")),
                        type=deployed_type,
                        resource_group=_group_of(source) or "",
                        soft_delete=True,
                    )
                )
        if failed:
            raise IncompleteListing(found, failed)
        return found

    def purge_soft_deleted(self, resource: AzureResource) -> None:
        api = _API_BY_TYPE.get(resource.type)
        if api is None or "/locations/" not in resource.id.lower():
            raise ValueError(f"{resource.name}: not a soft-deleted resource the wizard can purge ({resource.type})")
        if resource.type == "Microsoft.CognitiveServices/accounts":
            method, path = "DELETE", resource.id
        else:
            method, path = "POST", resource.id.rstrip("/") + "/purge"
        status, _, headers = self._rest.request(method, path, api, ok=(200, 202, 204))
        if status == 202:
            self._rest.wait(headers, timeout=self._timeout, interval=self._poll_interval)


def _group_of(resource_id: str) -> str | None:
    match = re.search(r"/resourcegroups/([^/]+)", resource_id, re.IGNORECASE)
    return match.group(1) if match else None


def _location_of(resource_id: str) -> str | None:
    match = re.search(r"/locations/([^/]+)", resource_id, re.IGNORECASE)
    return match.group(1) if match else None


def _norm_location(value: str) -> str:
    return value.replace(" ", "").lower()
