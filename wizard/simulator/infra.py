"""What the simulator will "create": the terraform of the project on disk, read with python-hcl2.

Behaviour comes from the project, not from a script: the resources, their `azd-service-name`
tags, ingress ports and outputs are those of `infra/terraform/*.tf`. A tag set through a variable
is resolved from the variable's default, the way terraform would without overrides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from wizard.core.hcl import unquote
from wizard.core.project import Project

# terraform type -> (ARM type or None when not an ARM resource of its own, name prefix)
TYPES: dict[str, tuple[str | None, str]] = {
    "azurerm_resource_group": ("Microsoft.Resources/resourceGroups", "rg"),
    "azurerm_log_analytics_workspace": ("Microsoft.OperationalInsights/workspaces", "log"),
    "azurerm_application_insights": ("Microsoft.Insights/components", "appi"),
    "azurerm_container_registry": ("Microsoft.ContainerRegistry/registries", "cr"),
    "azurerm_key_vault": ("Microsoft.KeyVault/vaults", "kv"),
    "azurerm_cognitive_account": ("Microsoft.CognitiveServices/accounts", "aif"),
    "azurerm_communication_service": ("Microsoft.Communication/communicationServices", "acs"),
    "azurerm_app_configuration": ("Microsoft.AppConfiguration/configurationStores", "appconfig"),
    "azurerm_user_assigned_identity": ("Microsoft.ManagedIdentity/userAssignedIdentities", "id"),
    "azurerm_container_app_environment": ("Microsoft.App/managedEnvironments", "cae"),
    "azurerm_container_app": ("Microsoft.App/containerApps", "ca"),
    "azurerm_redis_cache": ("Microsoft.Cache/redis", "redis"),
    "azurerm_storage_account": ("Microsoft.Storage/storageAccounts", "st"),
    "azurerm_cosmosdb_account": ("Microsoft.DocumentDB/databaseAccounts", "cosmos"),
}
# ARM types `azd down --purge` purges (soft-deleted otherwise).
SOFT_DELETE_TYPES = {
    "Microsoft.KeyVault/vaults",
    "Microsoft.CognitiveServices/accounts",
    "Microsoft.AppConfiguration/configurationStores",
}
PROJECT_PREFIX = "rtagent"
# creation order terraform's dependency graph would give the accelerator's resources
RANK = {"random_string": 0, "azurerm_resource_group": 0, "azurerm_user_assigned_identity": 1,
        "azurerm_log_analytics_workspace": 1, "azurerm_application_insights": 2,
        "azurerm_container_app_environment": 3, "azurerm_container_app": 4}


@dataclass
class TfResource:
    type: str
    name: str
    tags: dict[str, str] = field(default_factory=dict)
    target_port: int | None = None
    image: str | None = None

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"

    @property
    def arm_type(self) -> str | None:
        return TYPES.get(self.type, (None, ""))[0]

    @property
    def service(self) -> str | None:
        return self.tags.get("azd-service-name")

    def cloud_name(self, env: str, token: str) -> str:
        """Names in the accelerator's patterns (rg without token, apps `<name>-<role>-<token>`)."""
        if self.type == "azurerm_resource_group":
            return f"rg-{PROJECT_PREFIX}-{env}"
        if self.type == "azurerm_container_app":
            return f"{PROJECT_PREFIX}-{self.name.replace('_', '-')}-{token}"
        prefix = TYPES.get(self.type, (None, self.type.split("_")[-1]))[1]
        if self.type in ("azurerm_container_registry", "azurerm_storage_account"):
            return f"{prefix}{PROJECT_PREFIX}{token}"
        if self.name not in ("main", "this", "default"):
            return f"{prefix}-{self.name.replace('_', '-')}-{token}"
        return f"{prefix}-{PROJECT_PREFIX}-{token}"


@dataclass
class InfraModel:
    resources: list[TfResource]
    outputs: list[str]
    error: str | None = None  # a terraform syntax error, reported the way terraform would

    def by_type(self, tf_type: str) -> list[TfResource]:
        return [r for r in self.resources if r.type == tf_type]


_TAG_IN_EXPR = re.compile(r'\\?"?azd-service-name\\?"?\s*[=:]\s*\\?"([^"\\]+)\\?"')
_VAR_REF = re.compile(r"var\.([A-Za-z_][\w-]*)")


def _resolve_tags(raw: Any, variables: dict[str, Any]) -> dict[str, str]:
    if isinstance(raw, list) and raw:
        raw = raw[0]
    if isinstance(raw, dict):
        return {str(unquote(k)): str(unquote(v)) for k, v in raw.items() if not str(k).startswith("__")}
    if not isinstance(raw, str):
        return {}
    tags: dict[str, str] = {}
    for name in _VAR_REF.findall(raw):
        default = variables.get(name)
        if isinstance(default, dict):
            tags.update(_resolve_tags(default, variables))
    literal = _TAG_IN_EXPR.search(raw)
    if literal:
        tags["azd-service-name"] = literal.group(1)
    return tags


def _first_block(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


_COND_COUNT = re.compile(r"var\.([A-Za-z_][\w-]*)\s*\?\s*(\d+)\s*:\s*(\d+)")


def _count(raw: Any, variables: dict[str, Any]) -> int | None:
    """`count = 0`, or `count = var.flag ? 1 : 0` resolved from the variable's default."""
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        m = _COND_COUNT.search(raw)
        if m:
            flag = unquote(variables.get(m.group(1)))
            return int(m.group(2)) if flag in (True, "true") else int(m.group(3))
    return None


def read_infra(project: Project) -> InfraModel:
    import hcl2

    folder = project.infra_dir
    resources: list[TfResource] = []
    outputs: list[str] = []
    variables: dict[str, Any] = {}
    documents = []
    for path in sorted(folder.glob("*.tf")) if folder.is_dir() else []:
        try:
            with open(path, encoding="utf-8") as handle:
                documents.append(hcl2.load(handle))
        except Exception as exc:  # hcl2 raises lark errors of several kinds
            line = getattr(exc, "line", "?")
            return InfraModel([], [], error=f"{path.name} line {line}: {str(exc).splitlines()[0][:200]}")
    for doc in documents:
        for block in doc.get("variable", []):
            for name, body in block.items():
                variables[str(unquote(name))] = body.get("default") if isinstance(body, dict) else None
    for doc in documents:
        for block in doc.get("resource", []):
            for tf_type, named in block.items():
                for name, body in named.items():
                    body = body if isinstance(body, dict) else {}
                    if _count(body.get("count"), variables) == 0:
                        continue
                    resource = TfResource(str(unquote(tf_type)), str(unquote(name)))
                    resource.tags = _resolve_tags(body.get("tags"), variables)
                    port = _first_block(body, "ingress").get("target_port")
                    resource.target_port = port if isinstance(port, int) else None
                    container = _first_block(_first_block(body, "template"), "container")
                    image = unquote(container.get("image")) if container else None
                    resource.image = image if isinstance(image, str) else None
                    resources.append(resource)
        for block in doc.get("output", []):
            outputs.extend(str(unquote(name)) for name in block)
    resources.sort(key=lambda r: RANK.get(r.type, 2 if r.arm_type else 3))
    return InfraModel(resources, outputs)
