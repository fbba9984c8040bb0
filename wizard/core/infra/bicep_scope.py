"""One Bicep module instantiated with parameter values: the names its expressions can see."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from wizard.core.infra.bicep_syntax import BicepFile, Decl
from wizard.core.infra.evaluate import Evaluator, Unknown, to_text
from wizard.core.infra.functions import (
    BICEP_FUNCTIONS,
    load_json_content,
    load_text_content,
    load_yaml_content,
)

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"


@dataclass
class Context:
    """What the read knows of the deployment: env values, subscription, location."""

    env: dict[str, str] = field(default_factory=dict)
    subscription: str = SUBSCRIPTION_ID

    @property
    def location(self) -> str:
        return self.env.get("AZURE_LOCATION", "")

    @property
    def tenant(self) -> Any:
        """The environment's tenant (AZURE_TENANT_ID), else unknown: never a made-up value."""
        return self.env.get("AZURE_TENANT_ID") or Unknown("tenantId")


class ScopeReader(Protocol):
    """What a module scope reads from the read it belongs to (bicep.BicepReader)."""

    ctx: Context
    parameters: dict[str, Any]

    def module_outputs(self, caller: ModuleScope, decl: Decl) -> Any: ...


class ModuleScope:
    """One module (file) instantiated with parameter values."""

    def __init__(self, reader: ScopeReader, file: BicepFile, args: dict[str, Any] | None, path: tuple[str, ...],
                 group: str | None, active: bool | None, condition: str) -> None:
        self.reader = reader
        self.file = file
        self.args = args  # None = the root module (params come from the parameters file)
        self.path = path
        self.group = group
        self.active = active
        self.condition = condition
        self.values: dict[str, Any] = {}
        self.busy: set[str] = set()
        functions = dict(BICEP_FUNCTIONS)
        functions["loadJsonContent"] = load_json_content(file.path.parent)
        functions["loadTextContent"] = load_text_content(file.path.parent)
        functions["loadYamlContent"] = load_yaml_content(file.path.parent)
        functions["resourceGroup"] = self._resource_group
        functions["subscription"] = lambda *_a: {"id": f"/subscriptions/{reader.ctx.subscription}",
                                                 "subscriptionId": reader.ctx.subscription, "tenantId": reader.ctx.tenant}
        functions["deployment"] = lambda *_a: {"name": Unknown("deployment().name")}
        functions["environment"] = lambda *_a: {"name": "AzureCloud", "suffixes": {"storage": "core.windows.net"}}
        functions["tenant"] = lambda *_a: {"tenantId": reader.ctx.tenant}
        functions["resourceId"] = lambda *a: "/" + "/".join(to_text(x) for x in a)
        functions["subscriptionResourceId"] = functions["resourceId"]
        self.eval = Evaluator(self.resolve, functions)

    def _resource_group(self, *args: Any) -> dict[str, Any]:
        name = args[-1] if args else self.group
        return {"name": name if name is not None else Unknown("resourceGroup().name"),
                "location": self.reader.ctx.location or Unknown("location"),
                "id": f"/subscriptions/{self.reader.ctx.subscription}/resourceGroups/{name}"
                if isinstance(name, str) else Unknown("resourceGroup().id")}

    def resolve(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        if name in self.busy:
            return Unknown(name)
        self.busy.add(name)
        try:
            value = self._compute(name)
        finally:
            self.busy.discard(name)
        self.values[name] = value
        return value

    def _compute(self, name: str) -> Any:
        decl = next((d for d in self.file.decls if d.name == name and d.kind in ("param", "var", "resource", "module")), None)
        if decl is None:
            return Unknown(name)
        if decl.kind == "param":
            return self._param(decl)
        if decl.kind == "var":
            return self.eval.eval(decl.value) if decl.value else Unknown(name)
        body = body_of(decl.value)
        if body is None:
            return Unknown(name)
        obj = self.eval.eval(body)
        obj = obj if isinstance(obj, dict) else {}
        if decl.kind == "module":
            return {"name": obj.get("name", Unknown(name)), "outputs": self.reader.module_outputs(self, decl)}
        return {**obj, "id": self._resource_id(decl, obj), "properties": {**(obj.get("properties") or {})}
                if isinstance(obj.get("properties"), dict) else Unknown(f"{name}.properties")}

    def _resource_id(self, decl: Decl, obj: dict[str, Any]) -> Any:
        """The resource's ARM id, made as ARM makes it from its type, name, parent and group (an
        output of it is what a next run reads back, so a made-up value would change that run)."""
        name, unknown = obj.get("name"), Unknown(f"{decl.name}.id")
        namespace, _, path = decl.target.split("@", 1)[0].partition("/")
        types = path.split("/") if path else []
        parent = obj.get("parent")
        if not isinstance(name, str) or not types:
            return unknown
        if isinstance(parent, dict):
            parent_id = parent.get("id")
            return f"{parent_id}/{types[-1]}/{name}" if isinstance(parent_id, str) else unknown
        names = name.split("/")
        if len(names) != len(types):
            return unknown
        subscription = f"/subscriptions/{self.reader.ctx.subscription}"
        if namespace.lower() == "microsoft.resources" and types == ["resourceGroups"]:
            return f"{subscription}/resourceGroups/{name}"
        scope = obj.get("scope")
        group = scope.get("name") if isinstance(scope, dict) else self.group
        if not isinstance(group, str):
            return unknown
        segments = "/".join(f"{t}/{n}" for t, n in zip(types, names, strict=True))
        return f"{subscription}/resourceGroups/{group}/providers/{namespace}/{segments}"

    def _param(self, decl: Decl) -> Any:
        if self.args is not None and decl.name in self.args:
            value = self.args[decl.name]
        elif self.args is None and decl.name in self.reader.parameters:
            value = typed(self.reader.parameters[decl.name], decl.type_text)
        elif decl.value is not None:
            value = self.eval.eval(decl.value)
        else:
            value = Unknown(f"param {decl.name}")
        return value


def body_of(value: tuple | None) -> tuple | None:
    """The object of `{…}`, `if (c) {…}` or `[for …: {…}]` (the loop's body)."""
    if value is None:
        return None
    if value[0] == "if":
        return body_of(value[2])
    if value[0] == "for":
        return body_of(value[3])
    return value if value[0] == "obj" else None


def typed(value: Any, type_text: str) -> Any:
    """A parameters-file string given to a bool/int param, converted as azd does."""
    if isinstance(value, str):
        if type_text == "bool" and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if type_text == "int" and value.lstrip("-").isdigit():
            return int(value)
        if type_text in ("array", "object") and value.strip().startswith(("[", "{")):
            try:
                return json.loads(value)
            except ValueError:
                return value
    return value
