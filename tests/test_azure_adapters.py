"""The real adapters on the real SDKs, with an azure-core fake transport and recorded JSON (no network)."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from azure.core.credentials import AccessToken, AccessTokenInfo
from azure.core.pipeline.transport import HttpTransport
from azure.core.rest._http_response_impl import RestHttpClientTransportResponse

from wizard.azure.arm import ArmError, ProvidersAdapter, ResourcesAdapter
from wizard.azure.container_apps import ContainerAppsAdapter, to_app_info, to_revision_info
from wizard.azure.credentials import AzureSetupError, enum_text
from wizard.azure.http import HttpAdapter
from wizard.azure.phone_numbers import PhoneNumbersAdapter, to_phone_number, to_search_result
from wizard.azure.subscriptions import SubscriptionsAdapter
from wizard.core.ports import AzureResource

SUB = "00000000-0000-0000-0000-000000000001"
RG = "rg-artagent-dev"


# -- fakes of the transport and the credential ---------------------------------------------------


class _Raw:
    def __init__(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.status = status
        self.reason = "OK" if status < 400 else "Error"
        self._body = body
        self._headers = headers

    def getheaders(self) -> list[tuple[str, str]]:
        return list(self._headers.items())

    def read(self) -> bytes:
        return self._body


class FakeTransport(HttpTransport):
    """Answers requests from routes `(METHOD, url regex) -> [(status, json, headers), ...]` (last repeats)."""

    def __init__(self, routes: dict[tuple[str, str], list[tuple[int, Any, dict[str, str]]]]) -> None:
        self.routes = {k: list(v) for k, v in routes.items()}
        self.requests: list[Any] = []

    def __enter__(self) -> FakeTransport:
        return self

    def __exit__(self, *args: object) -> None:
        pass

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send(self, request: Any, **kwargs: Any) -> Any:
        self.requests.append(request)
        for (method, pattern), answers in self.routes.items():
            if request.method == method and re.search(pattern, request.url):
                status, body, headers = answers.pop(0) if len(answers) > 1 else answers[0]
                data = json.dumps(body).encode() if body is not None else b""
                all_headers = {"Content-Type": "application/json", **headers}
                return RestHttpClientTransportResponse(request=request, internal_response=_Raw(status, data, all_headers))
        raise AssertionError(f"unexpected request {request.method} {request.url}")

    def calls(self) -> list[str]:
        return [f"{r.method} {r.url}" for r in self.requests]


class FakeCredential:
    def __init__(self) -> None:
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken("fake-token", 4102444800)

    def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        self.scopes.append(scopes)
        return AccessTokenInfo("fake-token", 4102444800)


def ok(body: Any = None, status: int = 200, **headers: str) -> list[tuple[int, Any, dict[str, str]]]:
    return [(status, body, dict(headers))]


# -- Container Apps -------------------------------------------------------------------------------

PLACEHOLDER = "mcr.microsoft.com/azuredocs/containerapps-helloworld:latest"


def recorded_app(name: str, service: str, image: str, port: int) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.App/containerapps/{name}",
        "name": name,
        "type": "Microsoft.App/containerApps",
        "location": "East US 2",
        "tags": {"azd-env-name": "dev", "azd-service-name": service},
        "properties": {
            "provisioningState": "Succeeded",
            "runningStatus": "Running",
            "latestRevisionName": f"{name}--0000002",
            "latestReadyRevisionName": f"{name}--0000002",
            "configuration": {
                "activeRevisionsMode": "Single",
                "ingress": {"fqdn": f"{name}.eastus2.azurecontainerapps.io", "external": True, "targetPort": port, "transport": "Auto"},
            },
            "template": {"containers": [{"name": "main", "image": image, "resources": {"cpu": 0.5, "memory": "1Gi"}}]},
        },
    }


def recorded_revision(name: str, *, active: bool, health: str, running: str, replicas: int, created: str) -> dict[str, Any]:
    return {
        "name": name,
        "type": "Microsoft.App/containerApps/revisions",
        "properties": {
            "createdTime": created,
            "active": active,
            "replicas": replicas,
            "trafficWeight": 100 if active else 0,
            "healthState": health,
            "provisioningState": "Provisioned",
            "runningState": running,
            "template": {"containers": [{"name": "main", "image": PLACEHOLDER}]},
        },
    }


def container_apps_transport() -> FakeTransport:
    backend = "artagent-backend-abc"
    return FakeTransport(
        {
            ("GET", rf"/resourceGroups/{RG}/providers/Microsoft.App/containerApps\?"): ok(
                {"value": [recorded_app(backend, "rtaudio-server", PLACEHOLDER, 8000)]}
            ),
            ("GET", rf"/containerApps/{backend}/revisions\?"): ok(
                {
                    "value": [
                        recorded_revision(f"{backend}--0000002", active=True, health="Unhealthy", running="Failed", replicas=1, created="2026-01-02T10:00:00Z"),
                        recorded_revision(f"{backend}--0000001", active=False, health="None", running="Stopped", replicas=0, created="2026-01-01T10:00:00Z"),
                    ]
                }
            ),
            ("POST", r"/revisions/[^/]+/restart\?"): ok(None),
        }
    )


def test_container_apps_list_maps_recorded_json() -> None:
    transport = container_apps_transport()
    credential = FakeCredential()
    adapter = ContainerAppsAdapter(credential, SUB, transport=transport)
    [info] = adapter.list_apps(RG)
    assert info.name == "artagent-backend-abc" and info.service_name == "rtaudio-server"
    assert info.image == PLACEHOLDER and info.target_port == 8000
    assert info.fqdn == "artagent-backend-abc.eastus2.azurecontainerapps.io"
    assert info.provisioning_state == "Succeeded"
    assert [r.name for r in info.revisions] == ["artagent-backend-abc--0000001", "artagent-backend-abc--0000002"]
    latest = info.latest_revision
    assert latest is not None and latest.name.endswith("0000002")
    assert latest.active and not latest.healthy and latest.running_state == "Failed" and latest.replicas == 1
    assert credential.scopes and credential.scopes[0] == ("https://management.azure.com/.default",)
    assert all(r.headers["Authorization"] == "Bearer fake-token" for r in transport.requests)


def test_container_apps_restart_posts_to_the_revision() -> None:
    transport = container_apps_transport()
    ContainerAppsAdapter(FakeCredential(), SUB, transport=transport).restart_revision(RG, "artagent-backend-abc", "artagent-backend-abc--0000002")
    [call] = transport.calls()
    assert call.startswith(
        f"POST https://management.azure.com/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.App/containerApps/artagent-backend-abc/revisions/artagent-backend-abc--0000002/restart?api-version="
    )


def test_container_apps_needs_a_subscription() -> None:
    with pytest.raises(AzureSetupError, match="AZURE_SUBSCRIPTION_ID"):
        ContainerAppsAdapter(FakeCredential(), None).list_apps(RG)


def test_mapping_from_sdk_model_classes() -> None:
    from azure.mgmt.appcontainers.models import (
        Configuration,
        Container,
        ContainerApp,
        ContainerAppProperties,
        Ingress,
        Revision,
        RevisionProperties,
        Template,
    )

    model = ContainerApp(
        location="eastus2",
        tags={"azd-service-name": "rtaudio-client"},
        properties=ContainerAppProperties(
            configuration=Configuration(ingress=Ingress(target_port=8080, external=True)),
            template=Template(containers=[Container(name="main", image="cr.io/client:azd-1")]),
        ),
    )
    info = to_app_info(model, RG)
    assert info.image == "cr.io/client:azd-1" and info.target_port == 8080 and info.service_name == "rtaudio-client"
    assert info.fqdn is None  # fqdn is read-only: only Azure fills it
    # read-only fields arrive from the service: build the model the way the SDK deserializes it
    revision = Revision({"name": "r1", "properties": {"active": True, "healthState": "Healthy", "runningState": "Running", "replicas": 3, "trafficWeight": 100}})
    assert isinstance(revision.properties, RevisionProperties)
    mapped = to_revision_info(revision)
    assert mapped.healthy and mapped.running_state == "Running" and mapped.replicas == 3 and mapped.traffic_weight == 100
    bare = to_app_info(ContainerApp(location="eastus2"), RG)
    assert bare.image == "" and bare.target_port is None and bare.tags == {}


# -- phone numbers --------------------------------------------------------------------------------

ACS = "https://acs-artagent-dev.communication.azure.com"


def recorded_number(number: str, calling: str, kind: str = "tollFree") -> dict[str, Any]:
    return {
        "id": number.lstrip("+"),
        "phoneNumber": number,
        "countryCode": "US",
        "phoneNumberType": kind,
        "capabilities": {"calling": calling, "sms": "none"},
        "assignmentType": "application",
        "purchaseDate": "2026-01-05T12:00:00Z",
        "cost": {"amount": 2.0, "currencyCode": "USD", "billingFrequency": "monthly"},
    }


def test_phone_list_through_the_real_client() -> None:
    transport = FakeTransport(
        {
            ("GET", r"/phoneNumbers\?"): ok(
                {"phoneNumbers": [recorded_number("+18335550100", "inbound+outbound"), recorded_number("+14165550000", "outbound", "geographic")]}
            )
        }
    )
    credential = FakeCredential()
    adapter = PhoneNumbersAdapter(ACS, credential, transport=transport)
    numbers = adapter.list_numbers()
    assert [(n.number, n.number_type, n.calling, n.can_call, n.monthly_cost) for n in numbers] == [
        ("+18335550100", "toll-free", "inbound+outbound", True, "2.00 USD"),
        ("+14165550000", "geographic", "outbound", False, "2.00 USD"),
    ]
    assert transport.calls()[0].startswith(f"GET {ACS}/phoneNumbers?")
    assert credential.scopes[0] == ("https://communication.azure.com//.default",)


class FakePoller:
    def __init__(self, result: Any = None) -> None:
        self._result = result

    def result(self) -> Any:
        return self._result


class FakePhoneClient:
    def __init__(self, search_result: Any) -> None:
        self.search_result = search_result
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def begin_search_available_phone_numbers(self, *args: Any, **kwargs: Any) -> FakePoller:
        self.calls.append(("search", args, kwargs))
        return FakePoller(self.search_result)

    def begin_purchase_phone_numbers(self, *args: Any, **kwargs: Any) -> FakePoller:
        self.calls.append(("purchase", args, kwargs))
        return FakePoller()

    def begin_release_phone_number(self, *args: Any, **kwargs: Any) -> FakePoller:
        self.calls.append(("release", args, kwargs))
        return FakePoller()


def sdk_search_result(**overrides: Any) -> Any:
    from azure.communication.phonenumbers import (
        PhoneNumberAssignmentType,
        PhoneNumberCapabilities,
        PhoneNumberCost,
        PhoneNumberSearchResult,
        PhoneNumberType,
    )

    values: dict[str, Any] = {
        "search_id": "search-42",
        "phone_numbers": ["+18335550123"],
        "phone_number_type": PhoneNumberType.TOLL_FREE,
        "assignment_type": PhoneNumberAssignmentType.APPLICATION,
        "capabilities": PhoneNumberCapabilities(calling="inbound+outbound", sms="none"),
        "cost": PhoneNumberCost(amount=2, currency_code="USD", billing_frequency="monthly"),
        "search_expires_by": dt.datetime(2026, 1, 5, 12, 15, tzinfo=dt.UTC),
    }
    values.update(overrides)
    return PhoneNumberSearchResult(**values)


def test_phone_search_purchase_release_with_sdk_models() -> None:
    from azure.communication.phonenumbers import (
        PhoneNumberAssignmentType,
        PhoneNumberCapabilityType,
    )

    client = FakePhoneClient(sdk_search_result())
    adapter = PhoneNumbersAdapter(ACS, FakeCredential(), client=client, polling_interval=0)
    result = adapter.search("US", "toll-free", "833")
    assert result.search_id == "search-42" and result.numbers == ("+18335550123",)
    assert result.monthly_cost == "2.00 USD" and result.expires == "2026-01-05T12:15:00+00:00"
    assert not result.agreement_to_not_resell_required
    name, args, kwargs = client.calls[0]
    assert args[0] == "US" and args[1] == "tollFree" and args[2] == PhoneNumberAssignmentType.APPLICATION
    assert args[3].calling == PhoneNumberCapabilityType.INBOUND_OUTBOUND and args[3].sms == PhoneNumberCapabilityType.NONE
    assert kwargs == {"area_code": "833", "polling_interval": 0}
    adapter.purchase("search-42")
    adapter.purchase("search-43", agree_to_not_resell=True)
    adapter.release("+18335550123")
    assert client.calls[1:] == [
        ("purchase", ("search-42",), {"polling_interval": 0}),
        ("purchase", ("search-43",), {"polling_interval": 0, "agree_to_not_resell": True}),
        ("release", ("+18335550123",), {"polling_interval": 0}),
    ]


def test_phone_search_geographic_without_area_and_errors() -> None:
    client = FakePhoneClient(sdk_search_result(is_agreement_to_not_resell_required=True))
    adapter = PhoneNumbersAdapter("acs-x.communication.azure.com", FakeCredential(), client=client)
    assert adapter.endpoint == "https://acs-x.communication.azure.com"
    assert adapter.search("CA", "geographic", None).agreement_to_not_resell_required
    assert client.calls[0][1][1] == "geographic" and "area_code" not in client.calls[0][2]
    failing = PhoneNumbersAdapter(ACS, FakeCredential(), client=FakePhoneClient(sdk_search_result(phone_numbers=[], error="NoError", error_code=1)))
    with pytest.raises(RuntimeError, match="search failed"):
        failing.search("US", "toll-free", None)
    with pytest.raises(AzureSetupError, match="ACS_ENDPOINT"):
        PhoneNumbersAdapter("", FakeCredential())


def test_phone_number_model_mapping() -> None:
    from azure.communication.phonenumbers import (
        PhoneNumberCapabilities,
        PhoneNumberCost,
        PurchasedPhoneNumber,
    )

    number = PurchasedPhoneNumber(
        id="14165551234",
        phone_number="+14165551234",
        country_code="CA",
        phone_number_type="geographic",
        capabilities=PhoneNumberCapabilities(calling="inbound", sms="inbound+outbound"),
        assignment_type="application",
        purchase_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        cost=PhoneNumberCost(amount=1.5, currency_code="CAD", billing_frequency="monthly"),
    )
    mapped = to_phone_number(number)
    assert (mapped.number, mapped.country, mapped.number_type, mapped.calling, mapped.sms, mapped.monthly_cost) == (
        "+14165551234", "CA", "geographic", "inbound", "inbound+outbound", "1.50 CAD",
    )
    assert not mapped.can_call
    assert to_search_result(sdk_search_result()).numbers == ("+18335550123",)


# -- subscriptions --------------------------------------------------------------------------------


def test_subscriptions_and_locations() -> None:
    other = "00000000-0000-0000-0000-000000000002"
    transport = FakeTransport(
        {
            ("GET", r"/subscriptions\?"): ok(
                {
                    "value": [
                        {"id": f"/subscriptions/{other}", "subscriptionId": other, "displayName": "Another", "tenantId": "t1", "state": "Enabled"},
                        {"id": f"/subscriptions/{SUB}", "subscriptionId": SUB, "displayName": "Workshop", "tenantId": "t1", "state": "Enabled"},
                        {"id": "/subscriptions/x", "subscriptionId": "x", "displayName": "Old", "tenantId": "t1", "state": "Disabled"},
                    ]
                }
            ),
            ("GET", rf"/subscriptions/{SUB}/locations\?"): ok(
                {
                    "value": [
                        {"name": "eastus2", "displayName": "East US 2", "type": "Region", "metadata": {"regionType": "Physical"}},
                        {"name": "unitedstates", "displayName": "United States", "type": "Region", "metadata": {"regionType": "Logical"}},
                        {"name": "losangeles", "displayName": "Los Angeles", "type": "EdgeZone"},
                        {"name": "canadacentral", "displayName": "Canada Central", "type": "Region", "metadata": {"regionType": "Physical"}},
                    ]
                }
            ),
        }
    )
    adapter = SubscriptionsAdapter(FakeCredential(), default_subscription=SUB, transport=transport)
    subs = adapter.list_subscriptions()
    assert [(s.name, s.is_default) for s in subs] == [("Workshop", True), ("Another", False)]
    assert subs[0].id == SUB and subs[0].tenant_id == "t1"
    assert [(x.name, x.display_name) for x in adapter.list_locations(SUB)] == [("canadacentral", "Canada Central"), ("eastus2", "East US 2")]


# -- raw ARM: providers and resources -------------------------------------------------------------

ARM = f"https://management.azure.com/subscriptions/{SUB}"


def test_providers_state_and_register() -> None:
    transport = FakeTransport(
        {
            ("GET", r"/providers/Microsoft\.App\?"): ok({"namespace": "Microsoft.App", "registrationState": "NotRegistered"}),
            ("POST", r"/providers/Microsoft\.App/register\?"): ok({"namespace": "Microsoft.App", "registrationState": "Registering"}),
            ("GET", r"/providers/Microsoft\.Nope\?"): [(404, {"error": {"code": "InvalidResourceNamespace", "message": "The resource namespace 'Microsoft.Nope' is invalid."}}, {})],
        }
    )
    adapter = ProvidersAdapter(FakeCredential(), SUB, transport=transport)
    assert adapter.registration_state(SUB, "Microsoft.App") == "NotRegistered"
    adapter.register(SUB, "Microsoft.App")
    assert transport.calls()[1] == f"POST {ARM}/providers/Microsoft.App/register?api-version=2021-04-01"
    with pytest.raises(ArmError, match="InvalidResourceNamespace"):
        adapter.registration_state(SUB, "Microsoft.Nope")


def test_resource_group_exists_list_and_delete() -> None:
    transport = FakeTransport(
        {
            ("HEAD", rf"/resourcegroups/{RG}\?"): ok(None, status=204),
            ("HEAD", r"/resourcegroups/rg-gone\?"): ok(None, status=404),
            ("GET", r"skiptoken=page2"): ok(
                {"value": [{"id": f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.App/containerApps/ca", "name": "ca", "type": "Microsoft.App/containerApps"}]}
            ),
            ("GET", rf"/resourcegroups/{RG}/resources\?api-version"): ok(
                {
                    "value": [{"id": f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/kv-abc", "name": "kv-abc", "type": "Microsoft.KeyVault/vaults"}],
                    "nextLink": f"{ARM}/resourcegroups/{RG}/resources?api-version=2021-04-01&%24skiptoken=page2",
                }
            ),
            ("DELETE", rf"/resourcegroups/{RG}\?"): ok(None, status=202, Location=f"{ARM}/operationresults/op1?api-version=2021-04-01", **{"Retry-After": "0"}),
            ("GET", r"/operationresults/op1"): [(202, None, {}), (202, None, {}), (200, None, {})],
        }
    )
    adapter = ResourcesAdapter(FakeCredential(), SUB, transport=transport, poll_interval=0)
    assert adapter.resource_group_exists(RG) and not adapter.resource_group_exists("rg-gone")
    resources = adapter.list_resource_group(RG)
    assert [(r.name, r.type, r.resource_group) for r in resources] == [("kv-abc", "Microsoft.KeyVault/vaults", RG), ("ca", "Microsoft.App/containerApps", RG)]
    adapter.delete_resource_group(RG)
    assert [c for c in transport.calls() if "operationresults" in c] == [f"GET {ARM}/operationresults/op1?api-version=2021-04-01"] * 3


def test_delete_failure_is_raised() -> None:
    transport = FakeTransport(
        {
            ("DELETE", r"/resourcegroups/rg\?"): ok(None, status=202, **{"Azure-AsyncOperation": f"{ARM}/ops/op2?api-version=2021-04-01"}),
            ("GET", r"/ops/op2"): ok({"status": "Failed", "error": {"code": "ScopeLocked", "message": "the group is locked"}}),
        }
    )
    with pytest.raises(ArmError, match="ScopeLocked: the group is locked"):
        ResourcesAdapter(FakeCredential(), SUB, transport=transport, poll_interval=0).delete_resource_group("rg")


def soft_deleted_transport() -> FakeTransport:
    return FakeTransport(
        {
            ("GET", r"/providers/Microsoft\.KeyVault/deletedVaults\?"): ok(
                {
                    "value": [
                        {
                            "id": f"/subscriptions/{SUB}/providers/Microsoft.KeyVault/locations/eastus2/deletedVaults/kv-abc",
                            "name": "kv-abc",
                            "type": "Microsoft.KeyVault/deletedVaults",
                            "properties": {"vaultId": f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/kv-abc", "location": "eastus2"},
                        },
                        {
                            "id": f"/subscriptions/{SUB}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-other",
                            "name": "kv-other",
                            "properties": {"vaultId": f"/subscriptions/{SUB}/resourceGroups/rg-other/providers/Microsoft.KeyVault/vaults/kv-other", "location": "westeurope"},
                        },
                    ]
                }
            ),
            ("GET", r"/deletedConfigurationStores\?"): ok(
                {
                    "value": [
                        {
                            "id": f"/subscriptions/{SUB}/providers/Microsoft.AppConfiguration/locations/eastus2/deletedConfigurationStores/appconfig-dev-abc",
                            "name": "appconfig-dev-abc",
                            "properties": {"configurationStoreId": f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.AppConfiguration/configurationStores/appconfig-dev-abc", "location": "East US 2"},
                        }
                    ]
                }
            ),
            ("GET", r"/deletedAccounts\?"): [(404, {"error": {"code": "InvalidResourceType", "message": "not registered"}}, {})],
            ("POST", r"/purge\?"): ok(None, status=202, Location=f"{ARM}/purgeop?api-version=x"),
            ("GET", r"/purgeop"): ok(None),
            ("DELETE", r"/deletedAccounts/"): ok(None),
        }
    )


def test_soft_deleted_list_filtered_by_location_and_purge() -> None:
    transport = soft_deleted_transport()
    adapter = ResourcesAdapter(FakeCredential(), SUB, transport=transport, poll_interval=0)
    found = adapter.list_soft_deleted("East US 2")
    assert [(r.name, r.type, r.resource_group, r.soft_delete) for r in found] == [
        ("kv-abc", "Microsoft.KeyVault/vaults", RG, True),
        ("appconfig-dev-abc", "Microsoft.AppConfiguration/configurationStores", RG, True),
    ]
    assert len(adapter.list_soft_deleted(None)) == 3
    adapter.purge_soft_deleted(found[0])
    assert f"POST {ARM}/providers/Microsoft.KeyVault/locations/eastus2/deletedVaults/kv-abc/purge?api-version=2023-07-01" in transport.calls()
    cognitive = AzureResource(
        id=f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations/eastus2/resourceGroups/{RG}/deletedAccounts/artagent-aif",
        name="artagent-aif",
        type="Microsoft.CognitiveServices/accounts",
        resource_group=RG,
        soft_delete=True,
    )
    adapter.purge_soft_deleted(cognitive)
    assert transport.calls()[-1] == f"DELETE {ARM}/providers/Microsoft.CognitiveServices/locations/eastus2/resourceGroups/{RG}/deletedAccounts/artagent-aif?api-version=2024-10-01"
    with pytest.raises(ValueError, match="cannot purge|can purge"):
        adapter.purge_soft_deleted(AzureResource(id="/x", name="x", type="Microsoft.Storage/storageAccounts", resource_group=RG))


def test_a_soft_deleted_list_azure_refuses_makes_the_listing_incomplete() -> None:
    """Only an unregistered provider means "nothing of that kind"; any other error (the replay's
    400 miss, a 403) is reported with its kind, and what was read is kept."""
    from wizard.core.ports import IncompleteListing

    transport = soft_deleted_transport()
    transport.routes[("GET", r"/deletedConfigurationStores\?")] = [
        (400, {"error": {"code": "requested interaction not found"}}, {})]
    transport.routes[("GET", r"/deletedAccounts\?")] = [
        (403, {"error": {"code": "AuthorizationFailed", "message": "no read on deletedAccounts"}}, {})]
    adapter = ResourcesAdapter(FakeCredential(), SUB, transport=transport, poll_interval=0)
    with pytest.raises(IncompleteListing) as raised:
        adapter.list_soft_deleted("eastus2")
    assert [r.name for r in raised.value.found] == ["kv-abc"]
    assert raised.value.failed == {
        "Microsoft.AppConfiguration/configurationStores": "HTTP 400 requested interaction not found",
        "Microsoft.CognitiveServices/accounts": "HTTP 403 AuthorizationFailed: no read on deletedAccounts",
    }


# -- http (a loopback server, no network) -----------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/api/v1/health":
            self._send(200, b'{"status": "healthy"}')
        elif self.path == "/private":
            self._send(401, b"Unauthorized")
        elif self.path == "/login":
            self.send_response(302)
            self.send_header("Location", "/.auth/login/aad?post_login_redirect_uri=/")
            self.end_headers()
        elif self.path == "/slow":
            threading.Event().wait(2)
            self._send(200, b"late")
        elif self.path == "/big":
            self._send(200, b"x" * 200_000)
        else:
            self._send(404, b"not found")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_http_adapter_statuses(server: str) -> None:
    http = HttpAdapter()
    health = http.get(server + "/api/v1/health", timeout=5)
    assert health.status == 200 and json.loads(health.body) == {"status": "healthy"}
    assert http.get(server + "/private", timeout=5).status == 401
    redirect = http.get(server + "/login", timeout=5)
    assert redirect.status == 302 and redirect.location == "/.auth/login/aad?post_login_redirect_uri=/"
    assert http.get(server + "/nope", timeout=5).status == 404
    assert len(http.get(server + "/big", timeout=5).body) == 64 * 1024


def test_http_adapter_bounded_timeout_and_refusals(server: str) -> None:
    http = HttpAdapter()
    slow = http.get(server + "/slow", timeout=0.5)
    assert slow.status is None and "timed out" in (slow.error or "")
    refused = http.get("http://127.0.0.1:9/", timeout=2)
    assert refused.status is None and refused.error
    assert http.get("file:///etc/passwd").error == "not an http(s) URL: file:///etc/passwd"


def test_enum_text() -> None:
    from azure.mgmt.appcontainers.models import RevisionHealthState

    assert enum_text(RevisionHealthState.HEALTHY) == "Healthy"
    assert enum_text(None) == ""
    assert enum_text("Running") == "Running"
