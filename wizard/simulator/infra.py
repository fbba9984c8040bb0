"""What the simulator will "create": core's infra model of the project, with names for everything.

The resources, names, tags, ports and outputs are the template's own, as `wizard.core.infra`
evaluates them with the environment's values (the simulated `random_string` results are the
environment's token). A resource whose name cannot be evaluated gets `<prefix>-<symbol>-<token>`
from the type's CAF abbreviation; outputs that cannot be evaluated are made from what was created.
"""

from __future__ import annotations

import uuid

from wizard.core.infra import InfraModel, Resource, read_infra
from wizard.core.infra.types import caf_prefix, purge_display, purged_first
from wizard.core.project import Project
from wizard.simulator.cloud import SUBSCRIPTION_ID, TENANT_ID, token_for

# creation order terraform's dependency graph would give (by terraform type); others in between
RANK = {"random_string": 0, "azurecaf_name": 0, "azurerm_resource_group": 0, "azurerm_user_assigned_identity": 1,
        "azurerm_log_analytics_workspace": 1, "azurerm_application_insights": 2,
        "azurerm_container_app_environment": 3, "azurerm_container_app": 4}
# output-name words → the ARM type whose resource the output describes (for outputs not evaluated)
OUTPUT_TYPES = (
    ("KEY_VAULT", "Microsoft.KeyVault/vaults"), ("REGISTRY", "Microsoft.ContainerRegistry/registries"),
    ("COSMOS", "Microsoft.DocumentDB/databaseAccounts"), ("OPENAI", "Microsoft.CognitiveServices/accounts"),
    ("AI_", "Microsoft.CognitiveServices/accounts"), ("APPLICATIONINSIGHTS", "Microsoft.Insights/components"),
    ("CONTAINER_ENVIRONMENT", "Microsoft.App/managedEnvironments"), ("CONTAINER_APPS_ENVIRONMENT", "Microsoft.App/managedEnvironments"),
    ("APPCONFIG", "Microsoft.AppConfiguration/configurationStores"), ("ACS_", "Microsoft.Communication/communicationServices"),
    ("STORAGE", "Microsoft.Storage/storageAccounts"), ("SEARCH", "Microsoft.Search/searchServices"),
    ("SQL", "Microsoft.Sql/servers"), ("RESOURCE_GROUP", "Microsoft.Resources/resourceGroups"),
    ("LOG_ANALYTICS", "Microsoft.OperationalInsights/workspaces"), ("AKS", "Microsoft.ContainerService/managedClusters"),
    ("FUNCTION", "Microsoft.Web/sites"), ("APIM", "Microsoft.ApiManagement/service"),
)  # fmt: skip
# outputs ending in these are GUIDs (a client, principal, object or app id), not ARM ids
GUID_WORDS = ("CLIENT_ID", "PRINCIPAL_ID", "OBJECT_ID", "APP_ID")
ENDPOINTS = {
    "Microsoft.KeyVault/vaults": "https://{name}.vault.azure.net/",
    "Microsoft.ContainerRegistry/registries": "{name}.azurecr.io",
    "Microsoft.DocumentDB/databaseAccounts": "https://{name}.documents.azure.com:443/",
    "Microsoft.CognitiveServices/accounts": "https://{name}.openai.azure.com/",
    "Microsoft.App/containerApps": "https://{name}.{token}.{location}.azurecontainerapps.io",
    "Microsoft.Web/sites": "https://{name}.azurewebsites.net",
    "Microsoft.Web/staticSites": "https://{name}.azurestaticapps.net",
    "Microsoft.AppConfiguration/configurationStores": "https://{name}.azconfig.io",
    "Microsoft.Communication/communicationServices": "https://{name}.unitedstates.communication.azure.com",
    "Microsoft.Search/searchServices": "https://{name}.search.windows.net",
    "Microsoft.ApiManagement/service": "https://{name}.azure-api.net",
    "Microsoft.ContainerService/managedClusters": "http://{name}.{location}.cloudapp.azure.com",
}


def sim_model(project: Project, env: str, values: dict[str, str]) -> InfraModel:
    """The project's model with the simulated environment's values (and its token for random names)."""
    context = {"AZURE_ENV_NAME": env, "AZURE_SUBSCRIPTION_ID": SUBSCRIPTION_ID, "AZURE_TENANT_ID": TENANT_ID, **values}
    token = token_for(env)
    model = read_infra(project, context, env, random_token=token)
    for resource in model.resources:
        if not resource.name:
            resource.name = fallback_name(resource, token)
    if model.provider == "terraform":
        model.resources.sort(key=lambda r: RANK.get(r.source_type, 2 if _own_resource(r) else 3))
    return model


def _own_resource(resource: Resource) -> bool:
    """An ARM resource of its own (role assignments and non-ARM helpers come after, as terraform orders them)."""
    return bool(resource.arm_type) and not (resource.arm_type or "").startswith("Microsoft.Authorization/")


def fallback_name(resource: Resource, token: str) -> str:
    symbol = resource.symbol.rsplit(".", 1)[-1].replace("_", "-").strip("[]\"")
    prefix = caf_prefix(resource.arm_type) or (resource.source_type.split("_")[-1] if resource.source_type else "res")
    if resource.arm_type in ("Microsoft.ContainerRegistry/registries", "Microsoft.Storage/storageAccounts"):
        return f"{prefix}{token}"
    if symbol in ("main", "this", "default", "rg"):
        return f"{prefix}-{token}"
    return f"{prefix}-{symbol}-{token}"


def arm_id(group: str, arm_type: str, name: str, parent: str = "") -> str:
    """The ARM id; a child type (`accounts/deployments`) under its parent's name (`parent`, or the
    `account/deployment` form of its name)."""
    if arm_type == "Microsoft.Resources/resourceGroups":
        return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{name}"
    namespace, _, path = arm_type.partition("/")
    types = path.split("/")
    names = [*parent.split("/"), name] if parent and "/" not in name else name.split("/")
    if len(types) > 1 and len(names) == len(types):
        path = "/".join(f"{t}/{n}" for t, n in zip(types, names, strict=True))
        return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/{namespace}/{path}"
    return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/{arm_type}/{name}"


def is_child_type(arm_type: str | None) -> bool:
    """`Microsoft.Storage/storageAccounts/blobServices`: a child, not listed in its resource group."""
    return (arm_type or "").count("/") > 1


def endpoint(resource: Resource, token: str, location: str) -> str:
    pattern = ENDPOINTS.get(resource.arm_type or "", "https://{name}.example.azure.com")
    return pattern.format(name=resource.name, token=token, location=location)


def output_values(model: InfraModel, services: list[str], token: str, location: str, group: str) -> dict[str, str]:
    """Every output: its evaluated value, else one made from the resource it names."""
    values: dict[str, str] = {}
    active = [r for r in model.active if r.arm_type]
    for name, value in model.outputs.items():
        if value is not None:
            values[name] = str(value)
            continue
        upper = name.upper()
        resource = next((r for svc in services for r in active if r.service_tag == svc
                         and f"SERVICE_{svc.upper().replace('-', '_')}_" in upper), None)
        if resource is None:  # API_BASE_URL, REACT_APP_WEB_BASE_URL → the host tagged `api`, `web`
            resource = next((r for svc in services for r in active if r.service_tag == svc and r.is_host
                             and f"_{svc.upper().replace('-', '_')}_" in f"_{upper}_"), None)
        if resource is None:  # FRONTEND_URL → the host resource named `frontend`
            resource = next((r for r in active if r.is_host
                             and upper.startswith(r.symbol.rsplit(".", 1)[-1].upper().replace("-", "_") + "_")), None)
        if resource is None:
            arm = next((t for word, t in OUTPUT_TYPES if word in upper), None)
            resource = next((r for r in active if r.arm_type == arm), None) if arm else None
        connection = "CONNECTION_STRING" in upper or "CONNECTIONSTRING" in upper
        if upper.endswith("_LOCATION"):  # a location is the environment's region, whatever it names
            values[name] = location
        elif upper.endswith("TENANT_ID"):  # the simulated subscription's tenant
            values[name] = TENANT_ID
        elif any(upper.endswith(f"_{word}") for word in GUID_WORDS):  # identities are GUIDs, not ARM ids
            values[name] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{token}/{name}"))
        elif resource is None:
            values[name] = "InstrumentationKey=00000000-0000-0000-0000-000000000000" if connection \
                else f"{name.lower().replace('_', '-')}-{token}"
        elif upper.endswith("_NAME") or upper == "AZURE_RESOURCE_GROUP":
            values[name] = resource.name or ""
        elif upper.endswith("_ID"):
            values[name] = arm_id(resource.group or group, resource.arm_type or "", resource.name or "", resource.parent)
        elif connection:
            values[name] = f"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://{location}.in.applicationinsights.azure.com/"
        elif any(word in upper for word in ("ENDPOINT", "URL", "URI", "FQDN")):
            url = endpoint(resource, token, location)
            values[name] = url.split("://", 1)[-1] if upper.endswith("FQDN") else url
        else:
            values[name] = resource.name or ""
    return values


def soft_deleted_by_down(arm_type: str | None) -> bool:
    """`azd down` without --purge leaves these soft-deleted (names held until purged)."""
    return bool(purge_display(arm_type)) and not purged_first(arm_type)
