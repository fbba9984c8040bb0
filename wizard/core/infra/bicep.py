"""Bicep → InfraModel: main.bicep and its local modules, evaluated with the values at hand.

Params take the caller's values, else main.parameters.json (`${VAR}` / `${VAR=default}` from the
environment), else their defaults; vars, `loadJsonContent`, string interpolation and the common
functions are evaluated; `= if (...)` conditions are evaluated where their inputs are known (a
condition that cannot be evaluated leaves the resource as "may be created"); `[for ...]` loops
over known arrays give one resource per item. Registry modules (`br/public:avm/res/...`) become
the resource type their path names; any other registry module is listed as unmodelled.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from wizard.core.infra.bicep_scope import SUBSCRIPTION_ID, Context, ModuleScope, body_of
from wizard.core.infra.bicep_syntax import BicepFile, Decl, parse_bicep
from wizard.core.infra.evaluate import Unknown, is_known, list_at, mapping_at, to_text
from wizard.core.infra.functions import (
    UNKNOWN_KEYS,
    unique_string,
)
from wizard.core.infra.model import TAG, InfraModel, Resource, Where
from wizard.core.infra.types import arm_type_for_registry_module, registry_pattern

MAX_DEPTH = 8
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:=([^}]*))?\}")
DEPLOYMENT_TYPE = "Microsoft.CognitiveServices/accounts/deployments"


class BicepReader:
    def __init__(self, infra_dir: Path, ctx: Context, model: InfraModel) -> None:
        self.infra_dir = infra_dir
        self.ctx = ctx
        self.model = model
        self.files: dict[Path, BicepFile] = {}
        self.parameters: dict[str, Any] = {}
        self.instances: dict[tuple[str, ...], ModuleScope] = {}

    def file(self, path: Path) -> BicepFile:
        path = path.resolve()
        if path not in self.files:
            self.files[path] = parse_bicep(path)
            self.model.files.append(path)
            for line, what in self.files[path].problems:
                self.model.note(path, line, what)
        return self.files[path]

    def load_parameters(self, module: str) -> None:
        path = self.infra_dir / f"{module}.parameters.json"
        if not path.is_file():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except ValueError as exc:
            self.model.errors.append(f"{path.name}: not valid JSON ({exc})")
            return
        for name, entry in (data.get("parameters") or {}).items():
            if isinstance(entry, dict) and "value" in entry:
                value = self._substitute(entry["value"])
                if value != "":  # azd drops parameters that substitute to "" (the default applies)
                    self.parameters[name] = value
            elif isinstance(entry, dict) and "reference" in entry:
                self.parameters[name] = Unknown(f"Key Vault reference for {name}")

    def _substitute(self, value: Any) -> Any:
        if isinstance(value, str):
            def sub(m: re.Match[str]) -> str:
                return self.ctx.env.get(m.group(1)) or (m.group(2) or "")

            whole = _ENV_REF.fullmatch(value)
            if whole and whole.group(1) not in self.ctx.env and whole.group(2) is None:
                return ""  # azd substitutes an unset variable with ""
            return _ENV_REF.sub(sub, value)
        if isinstance(value, list):
            return [self._substitute(v) for v in value]
        if isinstance(value, dict):
            return {k: self._substitute(v) for k, v in value.items()}
        return value

    # -- walking ---------------------------------------------------------------------------------
    def instance(self, parent: ModuleScope | None, decl: Decl | None, file: BicepFile, args: dict[str, Any] | None,
                 group: str | None, active: bool | None, condition: str, item: str = "") -> ModuleScope:
        path = (*(parent.path if parent else ()), *((decl.name + item,) if decl else ()))
        if path not in self.instances:
            self.instances[path] = ModuleScope(self, file, args, path, group, active, condition)
        return self.instances[path]

    def module_outputs(self, caller: ModuleScope, decl: Decl) -> Any:
        if decl.target.startswith(("br:", "br/", "ts:", "ts/")):
            return self._registry_outputs(caller, decl)
        child = self.instances.get((*caller.path, decl.name)) or self._child(caller, decl)
        if child is None:
            return Unknown(f"{decl.name}.outputs")
        out = {}
        for output in child.file.of("output"):
            out[output.name] = child.eval.eval(output.value) if output.value else Unknown(output.name)
        return out

    def _registry_outputs(self, caller: ModuleScope, decl: Decl) -> Any:
        """A registry module's outputs that name what it creates (`outputs.name` of an AVM resource
        module, `registryName` of a pattern), whichever order the template declares modules in."""
        rows = _registry_rows(decl.target)
        looped = decl.value is not None and _body_kind(decl.value) == "for"
        body = body_of(decl.value)
        if not rows or looped or body is None:
            return Unknown(f"{decl.name}.outputs")
        obj = caller.eval.eval(body)
        args = mapping_at(obj if isinstance(obj, dict) else {}, "params")
        return _outputs_of(rows, args)

    def _child(self, caller: ModuleScope, decl: Decl) -> ModuleScope | None:
        """The instance of a local, loop-free module, made on first reference to its outputs."""
        if decl.target.startswith(("br:", "br/", "ts:", "ts/")) or (decl.value and decl.value[0] == "for"):
            return None
        path = (caller.file.path.parent / decl.target).resolve()
        if not path.is_file():
            return None
        iterations = self._iterations(caller, decl)
        if not iterations:
            return None
        _scope, active, condition = iterations[0]
        body = body_of(decl.value)
        obj = caller.eval.eval(body) if body else {}
        obj = obj if isinstance(obj, dict) else {}
        args = mapping_at(obj, "params")
        return self.instance(caller, decl, self.file(path), args, _group_of(obj.get("scope"), caller.group), active, condition)

    def walk(self, inst: ModuleScope, depth: int) -> None:
        for decl in inst.file.decls:
            if decl.kind == "resource" and not decl.existing:
                self._resource(inst, decl, parent_name="")
            elif decl.kind == "module":
                self._module(inst, decl, depth)

    def _iterations(self, inst: ModuleScope, decl: Decl) -> list[tuple[dict[str, Any], bool | None, str]]:
        """(loop locals, active, condition text) per instance the declaration makes."""
        value = decl.value
        active: bool | None = inst.active
        condition = inst.condition
        if value is not None and value[0] == "if":
            cond = inst.eval.eval(value[1])
            text = _source(inst.file, decl)
            condition = " && ".join(x for x in (condition, text) if x)
            active = _and(active, None if isinstance(cond, Unknown) else bool(cond))
            value = value[2]
        if value is not None and value[0] == "for":
            _, names, iterable_node, _body_node, filt, _ = value
            iterable = inst.eval.eval(iterable_node)
            if not isinstance(iterable, list) or not is_known(iterable) and not isinstance(iterable, list):
                self.model.note(inst.file.path, decl.line, f"{decl.kind} {decl.name}: a loop over a value the read cannot compute")
                return []
            out = []
            for index, item in enumerate(iterable):
                scope = {names[0]: item} if len(names) == 1 else {names[0]: item, names[1]: index}
                keep: bool | None = True
                if filt is not None:
                    inst.eval.locals.append(scope)
                    try:
                        result = inst.eval.eval(filt)
                    finally:
                        inst.eval.locals.pop()
                    keep = None if isinstance(result, Unknown) else bool(result)
                out.append((scope, _and(active, keep), condition))
            return out
        return [({}, active, condition)]

    def _resource(self, inst: ModuleScope, decl: Decl, parent_name: str, parent_type: str = "") -> None:
        arm_type = decl.target.split("@", 1)[0]
        if parent_type and "/" not in arm_type.replace("Microsoft.", "", 1):
            arm_type = f"{parent_type}/{arm_type}"
        elif parent_type and not arm_type.startswith("Microsoft."):
            arm_type = f"{parent_type}/{arm_type}"
        self.model.add_namespace(arm_type)
        body = body_of(decl.value)
        looped = decl.value is not None and _body_kind(decl.value) == "for"
        for index, (scope, active, condition) in enumerate(self._iterations(inst, decl)):
            inst.eval.locals.append(scope)
            try:
                obj = inst.eval.eval(body) if body else {}
            finally:
                inst.eval.locals.pop()
            obj = obj if isinstance(obj, dict) else {}
            symbol = ".".join((*inst.path, decl.name)) + (f"[{index}]" if looped else "")
            resource = Resource(arm_type, symbol, Where(inst.file.path, decl.line),
                                condition=condition, active=active, module=inst.path, source_type=decl.target,
                                group=inst.group)
            self._fill(resource, obj, inst, decl)
            parent = obj.get("parent")
            if isinstance(parent, dict) and isinstance(parent.get("id"), str) and "/providers/" in parent["id"]:
                resource.parent = "/".join(parent["id"].split("/providers/", 1)[1].split("/")[2::2])
            elif isinstance(parent, dict) and isinstance(parent.get("name"), str):
                resource.parent = parent["name"]
            elif parent_name:
                resource.parent = parent_name
            if arm_type == "Microsoft.Resources/resourceGroups" and resource.name:
                resource.group = resource.name
            self.model.resources.append(resource)
            if arm_type.lower() == DEPLOYMENT_TYPE.lower() and active is not False:
                self._deployment(obj, resource.where)
            for child in decl.nested:
                self._resource(inst, child, "/".join(x for x in (resource.parent, resource.name or "") if x), arm_type)

    def _fill(self, resource: Resource, obj: dict[str, Any], inst: ModuleScope, decl: Decl) -> None:
        name = obj.get("name")
        if isinstance(name, str):
            resource.name = name
        elif name is not None:
            resource.name_expr = getattr(name, "text", "?")
        kind = obj.get("kind")
        resource.kind = kind if isinstance(kind, str) else ""
        _tags(resource, obj.get("tags", {}), self._tag_where(inst, decl))
        props = mapping_at(obj, "properties")
        config = mapping_at(props, "configuration")
        ingress = mapping_at(config, "ingress")
        port = ingress.get("targetPort")
        resource.target_port = port if isinstance(port, int) else None
        template = mapping_at(props, "template")
        containers = list_at(template, "containers")
        image = containers[0].get("image") if containers and isinstance(containers[0], dict) else None
        resource.image = image if isinstance(image, str) else None

    def _tag_where(self, inst: ModuleScope, decl: Decl) -> Where:
        """The line writing `azd-service-name`: in the declaration, else at the module call sites."""
        for line in range(decl.line, decl.end_line + 1):
            if TAG in (inst.file.lines[line - 1] if line - 1 < len(inst.file.lines) else ""):
                return Where(inst.file.path, line)
        path = inst.path
        while path:
            caller = self.instances.get(path[:-1])
            call = caller.file.get("module", _strip_item(path[-1])) if caller else None
            if caller and call:
                for line in range(call.line, call.end_line + 1):
                    if TAG in (caller.file.lines[line - 1] if line - 1 < len(caller.file.lines) else ""):
                        return Where(caller.file.path, line)
            path = path[:-1]
        return Where(inst.file.path, decl.line)

    def _deployment(self, obj: dict[str, Any], where: Where) -> None:
        props = mapping_at(obj, "properties")
        model = mapping_at(props, "model")
        self.model.add_model_deployment(model.get("name"), mapping_at(obj, "sku"), where)

    def _module(self, inst: ModuleScope, decl: Decl, depth: int) -> None:
        body = body_of(decl.value)
        target = decl.target
        looped = decl.value is not None and _body_kind(decl.value) == "for"
        for index, (scope, active, condition) in enumerate(self._iterations(inst, decl)):
            inst.eval.locals.append(scope)
            try:
                obj = inst.eval.eval(body) if body else {}
            finally:
                inst.eval.locals.pop()
            obj = obj if isinstance(obj, dict) else {}
            args = mapping_at(obj, "params")
            group = _group_of(obj.get("scope"), inst.group)
            if target.startswith(("br:", "br/", "ts:", "ts/")):
                self._registry(inst, decl, target, args, active, condition, group)
                continue
            path = (inst.file.path.parent / target).resolve()
            if depth >= MAX_DEPTH or not path.is_file():
                self.model.note(inst.file.path, decl.line, f"module {decl.name}: {target} not found")
                self.model.providers_complete = False
                continue
            child = self.instance(inst, decl, self.file(path), args, group, active, condition,
                                  f"[{index}]" if looped else "")
            self.walk(child, depth + 1)

    def _registry(self, inst: ModuleScope, decl: Decl, target: str, args: dict[str, Any], active: bool | None,
                  condition: str, group: str | None) -> None:
        rows = _registry_rows(target)
        if rows is None:
            self.model.note(inst.file.path, decl.line,
                            f"module {decl.name}: registry module {target} — its resources are not known")
            self.model.providers_complete = False
            return
        first: Resource | None = None
        for row in rows:
            rtype = str(row["type"])
            self.model.add_namespace(rtype)
            resource = Resource(rtype, ".".join((*inst.path, decl.name)), Where(inst.file.path, decl.line),
                                condition=condition, active=active, module=inst.path, source_type=target, group=group)
            fields = {"name": args.get(str(row.get("name", "name"))), "kind": args.get("kind"),
                      "tags": args.get(str(row.get("tags", "tags")), {})}
            self._fill(resource, fields, inst, decl)
            resource.target_port = _registry_port(row, args)
            containers = list_at(args, "containers")
            image = containers[0].get("image") if containers and isinstance(containers[0], dict) else None
            resource.image = image if isinstance(image, str) else args.get("containerImage") if isinstance(
                args.get("containerImage"), str) else None
            self.model.resources.append(resource)
            first = first or resource
        deployments = args.get("deployments")
        if isinstance(deployments, list) and active is not False:
            self.model.add_namespace(DEPLOYMENT_TYPE)
            for item in deployments:
                if isinstance(item, dict):
                    self._deployment({"properties": {"model": item.get("model")}, "sku": item.get("sku")},
                                     Where(inst.file.path, decl.line))
        name = first.name if first and first.name else Unknown(f"{decl.name}.name")
        inst.values.setdefault(decl.name, {"name": name, "outputs": _outputs_of(rows, args)})


def _registry_rows(target: str) -> list[dict[str, Any]] | None:
    """What a registry module creates: an AVM resource module its one resource (its name in `name`,
    its outputs `name` and `resourceId`), a known pattern module its rows from types.yaml."""
    arm_type = arm_type_for_registry_module(target)
    if arm_type:
        row: dict[str, Any] = {"type": arm_type, "name": "name", "outputs": ["name"]}
        if arm_type == "Microsoft.App/containerApps":  # avm/res/app/container-app: ingress on port 80 unless disabled
            row.update(port="ingressTargetPort", port_default=80, no_ingress="disableIngress")
        return [row]
    return registry_pattern(target)


def _registry_port(row: dict[str, Any], args: dict[str, Any]) -> int | None:
    """The ingress target port a registry module gives its app: the param, else the module's
    default while ingress is on; None when ingress is off or cannot be told."""
    port = args.get(str(row.get("port", "")))
    if isinstance(port, int):
        return port
    if port is not None or "port_default" not in row:
        return None
    on = args.get(str(row["ingress"]), True) if "ingress" in row else True
    off = args.get(str(row["no_ingress"]), False) if "no_ingress" in row else False
    return int(row["port_default"]) if on is True and off is False else None


def _outputs_of(rows: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    """The module outputs that are a created resource's name (what references to it read)."""
    out: dict[str, Any] = {}
    for row in rows:
        name = args.get(str(row.get("name", "name")))
        for output in row.get("outputs") or ():
            out.setdefault(str(output), name if isinstance(name, str) else Unknown(str(output)))
    return out


def _body_kind(value: tuple) -> str:
    return _body_kind(value[2]) if value[0] == "if" else value[0]


def _strip_item(name: str) -> str:
    return name.split("[", 1)[0]


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _group_of(scope: Any, default: str | None) -> str | None:
    if isinstance(scope, dict) and isinstance(scope.get("name"), str):
        return scope["name"]
    return default


def _source(file: BicepFile, decl: Decl) -> str:
    line = file.lines[decl.line - 1] if decl.line - 1 < len(file.lines) else ""
    m = re.search(r"=\s*if\s*(\(.*\))\s*\{?\s*$", line)
    return f"if {m.group(1)}" if m else "if (…)"


def _tags(resource: Resource, tags: Any, where: Where) -> None:
    if isinstance(tags, Unknown):
        resource.tags_known = False
        resource.tags_expr = tags.text
        resource.tags = {}
        return
    if not isinstance(tags, dict):
        return
    resource.tags = {k: v for k, v in tags.items() if isinstance(v, str) and k != UNKNOWN_KEYS}
    resource.tags_known = UNKNOWN_KEYS not in tags
    resource.tags_expr = tags[UNKNOWN_KEYS].text if UNKNOWN_KEYS in tags else ""
    if TAG in tags:
        value = tags[TAG]
        if isinstance(value, str) and value:
            resource.service_tag = value
        else:
            resource.service_expr = getattr(value, "text", to_text(value)) or "''"
        resource.tag_where = where


def read_bicep(infra_dir: Path, module: str = "main", env: dict[str, str] | None = None,
               subscription: str = SUBSCRIPTION_ID) -> InfraModel:
    model = InfraModel(provider="bicep", root=infra_dir)
    main = infra_dir / f"{module}.bicep"
    if not main.is_file():
        model.errors.append(f"{main} not found")
        return model
    subscription = (env or {}).get("AZURE_SUBSCRIPTION_ID") or subscription  # names derive from the real one
    reader = BicepReader(infra_dir, Context(dict(env or {}), subscription), model)
    reader.load_parameters(module)
    root_file = reader.file(main)
    model.scope = root_file.scope
    model.variables = [d.name for d in root_file.of("param")]
    group = None
    if root_file.scope == "resourceGroup":
        group = (env or {}).get("AZURE_RESOURCE_GROUP") or f"rg-{(env or {}).get('AZURE_ENV_NAME', 'env')}"
        model.resources.append(Resource("Microsoft.Resources/resourceGroups", "(azd resource group)", Where(main, 1),
                                        name=group, group=group, tags={"azd-env-name": (env or {}).get("AZURE_ENV_NAME", "")}))
    root = reader.instance(None, None, root_file, None, group, True, "")
    reader.walk(root, 0)
    for output in root_file.of("output"):
        value = root.eval.eval(output.value) if output.value else None
        model.outputs[output.name] = to_text(value) if is_known(value) and not isinstance(value, (dict, list)) else (
            json.dumps(value) if is_known(value) else None)
    return model


__all__ = ["read_bicep", "unique_string"]
