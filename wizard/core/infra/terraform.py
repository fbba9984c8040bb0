"""Terraform → InfraModel: the root module and its local modules, read with python-hcl2 and evaluated.

Variables take the module call's arguments, else `main.tfvars.json` (`${VAR}` from the
environment) for the root, else their defaults; locals, `merge(...)`, string templates and
`count` are evaluated. Resources inside local modules get Terraform's addresses
(`module.web.azurerm_linux_web_app.web`) and the tags their call site passes
(`tags = merge(local.tags, { azd-service-name : "web" })`). A file hcl2 cannot parse is a syntax
error terraform would report; its resources and literal tags are still found by a scan.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from wizard.core.hcl import unquote
from wizard.core.infra.evaluate import Evaluator, Unknown, is_known, to_text
from wizard.core.infra.expr import HCL, ExprError, parse
from wizard.core.infra.functions import HCL_FUNCTIONS, UNKNOWN_KEYS, unique_string
from wizard.core.infra.model import TAG, InfraModel, ModelDeployment, Resource, Where
from wizard.core.infra.types import arm_type_for_azurerm, caf_prefix, namespace_for_azurerm

MAX_DEPTH = 4
SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:=([^}]*))?\}")
_RESOURCE_RE = re.compile(r'^\s*resource\s+"([\w-]+)"\s+"([\w-]+)"\s*\{', re.MULTILINE)
_LITERAL_TAG = re.compile(r"""["']?azd-service-name["']?\s*[=:]\s*"([^"$]+)\"""")


class LazyMap(dict[str, Any]):
    """A mapping whose values are computed on first access (`var.x`, `local.y`, `module.z`)."""

    def __init__(self, compute: Any) -> None:
        super().__init__()
        self._compute = compute

    def get(self, key: Any, default: Any = None) -> Any:
        if not dict.__contains__(self, key):
            dict.__setitem__(self, key, Unknown(str(key)))  # cycle guard
            dict.__setitem__(self, key, self._compute(key))
        return dict.__getitem__(self, key)


def _value(raw: Any, ev: Evaluator) -> Any:
    """A python-hcl2 value evaluated: `"text"`, `${expr}`, dicts, lists, numbers."""
    if isinstance(raw, str):
        candidates = [raw] if raw.startswith('"') else []
        if raw.startswith("${") and raw.endswith("}"):
            candidates = [raw[2:-1], f'"{raw}"']
        for text in candidates:
            try:
                return ev.eval(parse(text, HCL))
            except ExprError:
                continue
            except RecursionError:
                break
        return Unknown(raw) if candidates else raw
    if isinstance(raw, dict):
        return {str(unquote(k)): _value(v, ev) for k, v in raw.items() if not str(k).startswith("__")}
    if isinstance(raw, list):
        return [_value(v, ev) for v in raw]
    return raw


class _Module:
    def __init__(self, reader: _Reader, folder: Path, args: dict[str, Any] | None, path: tuple[str, ...],
                 active: bool | None, condition: str) -> None:
        self.reader = reader
        self.folder = folder
        self.args = args
        self.path = path
        self.active = active
        self.condition = condition
        self.docs: list[tuple[Path, str, dict[str, Any]]] = []
        self.variables: dict[str, Any] = {}
        self.locals_raw: dict[str, Any] = {}
        self.resources_raw: dict[tuple[str, str], tuple[Path, dict[str, Any]]] = {}
        self.children: dict[str, _Module] = {}
        self.ev = Evaluator(self.resolve, HCL_FUNCTIONS)
        self.var = LazyMap(self._var)
        self.local = LazyMap(lambda k: _value(self.locals_raw[k], self.ev) if k in self.locals_raw else Unknown(f"local.{k}"))
        self.module = LazyMap(self._module_value)
        self.types: dict[str, LazyMap] = {}
        self.call_site: Where | None = None
        self.call_text = ""

    def address(self, rtype: str, name: str) -> str:
        return ".".join([*(f"module.{m}" for m in self.path), f"{rtype}.{name}"])

    def resolve(self, name: str) -> Any:
        if name == "var":
            return self.var
        if name == "local":
            return self.local
        if name == "module":
            return self.module
        if name == "data":
            return LazyMap(lambda t: LazyMap(lambda n: {"subscription_id": self.reader.subscription,
                                                        "tenant_id": self.reader.env.get("AZURE_TENANT_ID") or Unknown("tenant_id"), "object_id": Unknown("object_id")}))
        if name not in self.types:
            self.types[name] = LazyMap(lambda n, t=name: self._resource_value(t, n))
        return self.types[name]

    def _var(self, name: str) -> Any:
        if self.args is not None and name in self.args:
            return self.args[name]
        if self.args is None and name in self.reader.tfvars:
            return self.reader.tfvars[name]
        if name in self.variables and self.variables[name] is not None:
            return _value(self.variables[name], self.ev)
        return Unknown(f"var.{name}")

    def _module_value(self, name: str) -> Any:
        child = self.children.get(name)
        if child is None:
            return Unknown(f"module.{name}")
        return LazyMap(lambda out: child.output(out))

    def output(self, name: str) -> Any:
        for _path, _text, doc in self.docs:
            for block in doc.get("output", []) or []:
                for name_q, body in block.items():
                    if unquote(name_q) == name and isinstance(body, dict):
                        return _value(body.get("value"), self.ev)
        return Unknown(name)

    def _resource_value(self, rtype: str, name: str) -> Any:
        found = self.resources_raw.get((rtype, name))
        if found is None:
            return Unknown(f"{rtype}.{name}")
        body = _value(found[1], self.ev)
        body = body if isinstance(body, dict) else {}
        body.setdefault("id", Unknown(f"{rtype}.{name}.id"))
        if rtype == "azurecaf_name":
            prefix = caf_prefix(arm_type_for_azurerm(str(body.get("resource_type", ""))))
            base = body.get("name")
            body["result"] = f"{prefix}-{base}" if isinstance(base, str) and prefix else (
                base if isinstance(base, str) else Unknown("azurecaf_name.result"))
        elif rtype in ("random_string", "random_id", "random_password", "random_uuid"):
            length = body.get("length") if isinstance(body.get("length"), int) else 8
            token = self.reader.random_token or unique_string(self.address(rtype, name))
            body["result"] = body["hex"] = token[:length]
        return body


class _Reader:
    def __init__(self, root: Path, env: dict[str, str], model: InfraModel) -> None:
        self.root = root
        self.env = env
        self.model = model
        self.subscription = env.get("AZURE_SUBSCRIPTION_ID") or SUBSCRIPTION_ID
        self.random_token: str | None = None
        self.tfvars: dict[str, Any] = {}
        path = root / "main.tfvars.json"
        if path.is_file():
            try:
                raw = path.read_text(encoding="utf-8-sig")
                self.tfvars = json.loads(_ENV_REF.sub(lambda m: env.get(m.group(1)) or m.group(2) or "", raw))
            except ValueError as exc:
                model.errors.append(f"main.tfvars.json: not valid JSON ({exc})")

    def load(self, folder: Path, args: dict[str, Any] | None, path: tuple[str, ...], active: bool | None,
             condition: str, depth: int, call_site: Where | None = None, call_text: str = "") -> _Module:
        mod = _Module(self, folder, args, path, active, condition)
        mod.call_site, mod.call_text = call_site, call_text
        for file in sorted(folder.glob("*.tf")):
            self.model.files.append(file)
            text = file.read_text(encoding="utf-8", errors="replace")
            try:
                import hcl2

                doc = hcl2.loads(text)
            except Exception as exc:  # lark errors vary by version
                line = getattr(exc, "line", "?")
                self.model.errors.append(f"{file.name} line {line}: {str(exc).splitlines()[0][:200]}")
                self._scan(mod, file, text)
                continue
            mod.docs.append((file, text, doc))
            for block in doc.get("variable", []) or []:
                for name_q, body in block.items():
                    mod.variables[str(unquote(name_q))] = body.get("default") if isinstance(body, dict) else None
                    if not path:
                        self.model.variables.append(str(unquote(name_q)))
            for block in doc.get("locals", []) or []:
                mod.locals_raw.update({str(unquote(k)): v for k, v in block.items() if not str(k).startswith("__")})
            for block in doc.get("resource", []) or []:
                for rtype_q, named in block.items():
                    for name_q, body in (named or {}).items():
                        mod.resources_raw[(str(unquote(rtype_q)), str(unquote(name_q)))] = (
                            file, body if isinstance(body, dict) else {})
        for file, text, doc in mod.docs:
            for block in doc.get("module", []) or []:
                for name_q, body in block.items():
                    self._call(mod, file, text, str(unquote(name_q)), body if isinstance(body, dict) else {}, depth)
        for (rtype, name), (file, body) in mod.resources_raw.items():
            self._resource(mod, file, rtype, name, body)
        return mod

    def _count(self, mod: _Module, body: dict[str, Any]) -> tuple[list[tuple[str, dict[str, Any]]], bool | None, str]:
        """(instances as (address suffix, `count`/`each` bindings), active, condition text)."""
        active, condition = mod.active, mod.condition
        if "count" in body:
            count = _value(body["count"], mod.ev)
            text = f"count = {to_text(body['count']).strip('${}')}"
            condition = " && ".join(x for x in (condition, text) if x)
            if isinstance(count, int):
                if count == 0:
                    return [("", {"count": {"index": 0}})], False, condition
                if count == 1:
                    return [("", {"count": {"index": 0}})], active, condition
                return [(f"[{i}]", {"count": {"index": i}}) for i in range(count)], active, condition
            return [("", {"count": {"index": Unknown("count.index")}})], None if active is not False else False, condition
        if "for_each" in body:
            items = _value(body["for_each"], mod.ev)
            if isinstance(items, list):
                items = {to_text(i): i for i in items}
            if isinstance(items, dict) and all(not isinstance(k, Unknown) for k in items):
                inst: list[tuple[str, dict[str, Any]]] = [
                    (f'["{k}"]', {"each": {"key": k, "value": v}}) for k, v in items.items()
                ]
                return (inst or [("", {})]), (active if inst else False), condition
            unknown: dict[str, Any] = {"each": {"key": Unknown("each.key"), "value": Unknown("each.value")}}
            return [("", unknown)], None if active is not False else False, "for_each over an unknown value"
        return [("", {})], active, condition

    def _call(self, mod: _Module, file: Path, text: str, name: str, body: dict[str, Any], depth: int) -> None:
        source = unquote(body.get("source"))
        line = _line(text, rf'module\s+"{re.escape(name)}"')
        if not isinstance(source, str) or not source.startswith(("./", "../")) or depth >= MAX_DEPTH:
            self.model.note(file, line, f"module {name}: source {source} is not a local module — its resources are not known")
            self.model.providers_complete = False
            return
        _suffixes, active, condition = self._count(mod, body)
        args = {k: v for k, v in _value({k: v for k, v in body.items() if k not in ("source", "count", "for_each",
                "depends_on", "providers", "version")}, mod.ev).items()}
        folder = (mod.folder / source).resolve()
        if not folder.is_dir():
            self.model.note(file, line, f"module {name}: {source} not found")
            return
        mod.children[name] = self.load(folder, args, (*mod.path, name), active, condition, depth + 1, Where(file, line), text)

    def _resource(self, mod: _Module, file: Path, rtype: str, name: str, raw: dict[str, Any]) -> None:
        text = file.read_text(encoding="utf-8", errors="replace")
        line = _line(text, rf'resource\s+"{re.escape(rtype)}"\s+"{re.escape(name)}"')
        instances, active, condition = self._count(mod, raw)
        for suffix, bindings in instances:
            mod.ev.locals.append(bindings)
            try:
                body = mod._resource_value(rtype, name) if not bindings else _value(raw, mod.ev)
            finally:
                mod.ev.locals.pop()
            body = body if isinstance(body, dict) else {}
            azapi = body.get("type") if rtype.startswith("azapi_") else None
            arm_type = azapi.split("@", 1)[0] if isinstance(azapi, str) else arm_type_for_azurerm(rtype)
            if isinstance(azapi, str):
                self.model.add_namespace(arm_type or "")
            elif (namespace := namespace_for_azurerm(rtype)) is not None:
                seen = self.model.namespaces.setdefault(namespace, [])
                seen.append(rtype) if rtype not in seen else None
            resource = Resource(arm_type, mod.address(rtype, name) + suffix, Where(file, line), condition=condition,
                                active=active, module=mod.path, source_type=rtype)
            value = body.get("name")
            if isinstance(value, str):
                resource.name = value
            elif value is not None:
                resource.name_expr = getattr(value, "text", "?")
            self._tags(mod, resource, raw, body.get("tags", {}) if "tags" in raw else {}, text, line)
            self._host(resource, body)
            self.model.resources.append(resource)
            if rtype == "azurerm_cognitive_deployment" and active is not False:
                self._deployment(body, Where(file, line))

    def _tags(self, mod: _Module, resource: Resource, raw: dict[str, Any], tags: Any, text: str, line: int) -> None:
        if isinstance(tags, Unknown):
            resource.tags_known = False
            resource.tags_expr = tags.text
            return
        if not isinstance(tags, dict):
            return
        resource.tags = {k: v for k, v in tags.items() if isinstance(v, str) and k != UNKNOWN_KEYS}
        resource.tags_known = UNKNOWN_KEYS not in tags
        resource.tags_expr = tags[UNKNOWN_KEYS].text if UNKNOWN_KEYS in tags else ""
        if TAG not in tags:
            return
        value = tags[TAG]
        if isinstance(value, str) and value:
            resource.service_tag = value
        else:
            resource.service_expr = getattr(value, "text", to_text(value)) or '""'
        resource.tag_where = self._tag_where(mod, resource.where, text, line)

    def _tag_where(self, mod: _Module, where: Where, text: str, line: int) -> Where:
        lines = text.splitlines()
        for i in range(line - 1, min(len(lines), line + 80)):
            if TAG in lines[i]:
                return Where(where.file, i + 1)
            if i > line - 1 and lines[i].startswith("resource "):
                break
        site, call_text = mod.call_site, mod.call_text
        if site is not None:
            call_lines = call_text.splitlines()
            for i in range(site.line - 1, min(len(call_lines), site.line + 80)):
                if TAG in call_lines[i]:
                    return Where(site.file, i + 1)
            return site
        return where

    def _host(self, resource: Resource, body: dict[str, Any]) -> None:
        ingress = _first(body.get("ingress"))
        port = ingress.get("target_port")
        resource.target_port = port if isinstance(port, int) else None
        container = _first(_first(body.get("template")).get("container"))
        image = container.get("image")
        resource.image = image if isinstance(image, str) else None
        if "function_app" in resource.source_type:
            resource.kind = "functionapp,linux"
        elif "web_app" in resource.source_type:
            resource.kind = "app,linux"

    def _deployment(self, body: dict[str, Any], where: Where) -> None:
        model, sku = _first(body.get("model")), _first(body.get("sku"))
        self.model.add_model_deployment(model.get("name"), sku, where)

    def _scan(self, mod: _Module, file: Path, text: str) -> None:
        """Resources and literal tags of a file hcl2 cannot parse."""
        stripped = re.sub(r"(?m)^\s*(#|//).*$", "", text)
        matches = list(_RESOURCE_RE.finditer(stripped))
        for index, match in enumerate(matches):
            rtype, name = match.group(1), match.group(2)
            end = matches[index + 1].start() if index + 1 < len(matches) else len(stripped)
            block = stripped[match.start() : end]
            line = stripped.count("\n", 0, match.start()) + 1
            resource = Resource(arm_type_for_azurerm(rtype), mod.address(rtype, name), Where(file, line),
                                module=mod.path, source_type=rtype, active=mod.active)
            tag = _LITERAL_TAG.search(block)
            if tag:
                resource.service_tag = tag.group(1)
                resource.tag_where = Where(file, line + block.count("\n", 0, tag.start()))
            self.model.resources.append(resource)
            if (namespace := namespace_for_azurerm(rtype)) is not None:
                self.model.namespaces.setdefault(namespace, []).append(rtype)


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def _line(text: str, pattern: str) -> int:
    match = re.search(pattern, text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def read_terraform(root: Path, env: dict[str, str] | None = None, random_token: str | None = None) -> InfraModel:
    model = InfraModel(provider="terraform", root=root)
    if not root.is_dir():
        model.errors.append(f"{root} not found")
        return model
    reader = _Reader(root, dict(env or {}), model)
    reader.random_token = random_token
    top = reader.load(root, None, (), True, "", 0)
    for _path, _text, doc in top.docs:
        for block in doc.get("output", []) or []:
            for name_q in block:
                value = top.output(str(unquote(name_q)))
                model.outputs[str(unquote(name_q))] = (to_text(value) if not isinstance(value, (dict, list))
                                                       else json.dumps(value)) if is_known(value) else None
    if "model_deployments" in top.variables:  # the accelerator's shape: the models as a root variable's default
        models = top.var.get("model_deployments")
        seen = {(m.name, m.sku_name) for m in model.models}
        for item in models if isinstance(models, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                capacity = item.get("capacity")
                found = ModelDeployment(item["name"], str(item.get("sku_name", "Standard")),
                                        capacity if isinstance(capacity, int) else None, Where(root, 1))
                if (found.name, found.sku_name) not in seen:
                    model.models.append(found)
    return model
