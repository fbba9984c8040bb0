"""Reads a Terraform root module (and the local modules it calls) with python-hcl2.

Files that hcl2 cannot parse fall back to a brace-matching scan, so one odd file never hides the
tags in the others. Nothing here evaluates Terraform: a tag set through a variable is reported as
an expression, not guessed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from wizard.core.hcl import unquote
from wizard.core.preflight.data import AZURERM_NAMESPACES, IGNORED_NAMESPACES
from wizard.core.preflight.infra_model import (
    HOST_TYPES,
    TAG,
    InfraFacts,
    TaggedResource,
    block_end,
    find_tag,
    line_of,
)

_RESOURCE_RE = re.compile(r'^\s*resource\s+"([\w-]+)"\s+"([\w-]+)"\s*\{', re.MULTILINE)
_MODULE_RE = re.compile(r'^\s*module\s+"([\w-]+)"\s*\{', re.MULTILINE)
_SOURCE_RE = re.compile(r'^\s*source\s*=\s*"([^"]+)"', re.MULTILINE)
_AZAPI_TYPE_RE = re.compile(r'^\s*type\s*=\s*"(Microsoft\.[A-Za-z]+)[/.]([^"@]*)', re.MULTILINE)
MAX_MODULE_DEPTH = 3


def namespace_for_type(rtype: str) -> str | None:
    if not rtype.startswith("azurerm_"):
        return None
    rest = rtype[len("azurerm_") :]
    best = None
    for prefix, namespace in AZURERM_NAMESPACES.items():
        if rest.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, namespace)
    return best[1] if best else None


def read_terraform(root: Path) -> InfraFacts:
    facts = InfraFacts(provider="terraform", root=root)
    _read_module(root, facts, depth=0, seen=set())
    return facts


def _read_module(folder: Path, facts: InfraFacts, depth: int, seen: set[Path]) -> None:
    folder = folder.resolve()
    if folder in seen or not folder.is_dir():
        return
    seen.add(folder)
    parsed: list[tuple[Path, str, dict[str, Any] | None]] = []
    module_locals: dict[str, Any] = {}
    for path in sorted(folder.glob("*.tf")):
        facts.files.append(path)
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            facts.errors.append(f"{path}: {exc.strerror}")
            continue
        data = _parse(path, text, facts)
        parsed.append((path, text, data))
        for block in (data or {}).get("locals", []) or []:
            if isinstance(block, dict):
                module_locals.update({unquote(k): v for k, v in block.items()})
        for block in (data or {}).get("variable", []) or []:
            for name_q, body in block.items():  # defaults, for `var.x` in model capacities
                if isinstance(body, dict) and "default" in body:
                    module_locals[f"var.{unquote(name_q)}"] = body["default"]
    for path, text, data in parsed:
        if data is None:
            modules = _scan_file(path, text, facts, top=depth == 0)
        else:
            modules = _read_file(path, text, data, module_locals, facts, top=depth == 0)
        if depth < MAX_MODULE_DEPTH:
            for source in modules:
                if source.startswith(("./", "../")):
                    _read_module(folder / source, facts, depth + 1, seen)


def _parse(path: Path, text: str, facts: InfraFacts) -> dict[str, Any] | None:
    try:
        import hcl2

        data = hcl2.loads(text)
    except Exception as exc:  # lark errors vary by version; fall back to scanning
        facts.errors.append(f"{path.name}: hcl2 could not parse ({type(exc).__name__}); scanned instead")
        return None
    return data if isinstance(data, dict) else None


def _read_file(
    path: Path, text: str, data: dict[str, Any], locals_: dict[str, Any], facts: InfraFacts, *, top: bool
) -> list[str]:
    """Record resources/tags/namespaces of one file; return the local module sources it calls."""
    for block in data.get("resource", []) or []:
        for rtype_q, named in block.items():
            rtype = unquote(rtype_q)
            for name_q, body in (named or {}).items():
                name = unquote(name_q)
                body = body if isinstance(body, dict) else {}
                azapi_type = unquote(body.get("type"))
                _note_namespace(rtype, azapi_type, facts)
                if "tags" in body:
                    _note_tags(path, text, rtype, name, body["tags"], locals_, facts)
                _note_host(path, text, rtype, name, azapi_type, facts)
                if rtype == "azurerm_cognitive_deployment":
                    facts.models.extend(_deployment_model(body, locals_))
    sources = []
    for block in data.get("module", []) or []:
        for _name, body in block.items():
            if isinstance(body, dict) and isinstance(unquote(body.get("source")), str):
                sources.append(unquote(body["source"]))
    if top:
        for block in data.get("variable", []) or []:
            for name_q, body in block.items():
                facts.variables.append(unquote(name_q))
                if unquote(name_q) == "model_deployments" and isinstance(body, dict):
                    facts.models.extend(_models(body.get("default")))
    return sources


def _block(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    value = value[0] if isinstance(value, list) and value else value
    return value if isinstance(value, dict) else {}


def _deployment_model(body: dict[str, Any], locals_: dict[str, Any]) -> list[dict[str, object]]:
    """`resource "azurerm_cognitive_deployment"` → {name, sku_name, capacity} (capacity when literal)."""
    model, sku = _block(body, "model"), _block(body, "sku")
    name = unquote(model.get("name"))
    if not isinstance(name, str) or "${" in name:
        return []
    found: dict[str, object] = {"name": name, "sku_name": unquote(sku.get("name")) or "Standard"}
    capacity = sku.get("capacity")
    if isinstance(capacity, str) and capacity.startswith("${var."):
        capacity = locals_.get(capacity[2:-1])
    if isinstance(capacity, int):
        found["capacity"] = capacity
    return [found]


def _models(value: Any) -> list[dict[str, object]]:
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            clean = {unquote(k): unquote(v) for k, v in item.items()}
            if clean.get("name"):
                out.append(clean)
    return out


def _note_namespace(rtype: str, azapi_type: Any, facts: InfraFacts) -> None:
    if rtype.startswith("azapi_") and isinstance(azapi_type, str) and azapi_type.startswith("Microsoft."):
        full = azapi_type.split("@", 1)[0]
        namespace = re.split(r"[/.]", full.replace("Microsoft.", "", 1), maxsplit=1)[0]
        namespace = "Microsoft." + namespace
        if namespace not in IGNORED_NAMESPACES:
            facts.add_namespace(namespace, full)
        return
    namespace = namespace_for_type(rtype)
    if namespace:
        facts.add_namespace(namespace, rtype)


def _tag_text(tags: Any, locals_: dict[str, Any]) -> str:
    """The tags value as text, with `local.X` references expanded one level."""
    if isinstance(tags, dict):
        parts = []
        for key, value in tags.items():
            k, v = unquote(key), unquote(value)
            if isinstance(v, str) and v.startswith("${"):
                parts.append(f'"{k}" = {v[2:-1]}')
            else:
                parts.append(f'"{k}" = "{v}"')
        return "{" + ", ".join(parts) + "}"
    text = str(tags)
    if TAG not in text:
        for ref in re.findall(r"local\.([\w-]+)", text):
            if ref in locals_:
                text += " " + _tag_text(locals_[ref], {})
    return text


def _resource_line(text: str, rtype: str, name: str) -> int:
    match = re.search(rf'resource\s+"{re.escape(rtype)}"\s+"{re.escape(name)}"', text)
    return line_of(text, match.start()) if match else 1


def _opaque_ref(tags: Any, locals_: dict[str, Any], depth: int = 0) -> str | None:
    """The first reference whose keys a static read cannot see (`var.tags`, `module.x.tags`).

    Map literals are dropped first, so `{ env = var.name }` (a variable as a value) is not one.
    """
    if isinstance(tags, dict) or not isinstance(tags, str):
        return None
    text = tags[2:-1] if tags.startswith("${") and tags.endswith("}") else tags
    while True:
        stripped = re.sub(r"\{[^{}]*\}", "", text)
        if stripped == text:
            break
        text = stripped
    for kind, name in re.findall(r"\b(var|module|data|local|each)\.([\w-]+)", text):
        if kind != "local":
            return f"{kind}.{name}"
        if depth < 3 and name in locals_:
            inner = _opaque_ref(locals_[name], locals_, depth + 1)
            if inner:
                return inner
        elif name not in locals_:
            return f"local.{name}"
    return None


def _note_tags(path: Path, text: str, rtype: str, name: str, tags: Any, locals_: dict[str, Any], facts: InfraFacts) -> None:
    found, literal, expr = find_tag(_tag_text(tags, locals_))
    line = _resource_line(text, rtype, name)
    if found:
        facts.tagged.append(TaggedResource(path, line, f"{rtype}.{name}", literal, expr))
        return
    opaque = _opaque_ref(tags, locals_)
    if opaque:
        facts.opaque.append(TaggedResource(path, line, f"{rtype}.{name}", None, f"tags = {opaque}"))


def _note_host(path: Path, text: str, rtype: str, name: str, azapi_type: Any, facts: InfraFacts) -> None:
    kind = azapi_type.split("@", 1)[0] if rtype.startswith("azapi_") and isinstance(azapi_type, str) else rtype
    if kind in HOST_TYPES:
        facts.hosts.append(TaggedResource(path, _resource_line(text, rtype, name), f"{rtype}.{name}", None, kind))


def _scan_file(path: Path, text: str, facts: InfraFacts, *, top: bool) -> list[str]:
    stripped = re.sub(r"(?m)^\s*(#|//).*$", "", text)
    for match in _RESOURCE_RE.finditer(stripped):
        rtype, name = match.group(1), match.group(2)
        block = stripped[match.start() : block_end(stripped, match.end() - 1)]
        azapi = _AZAPI_TYPE_RE.search(block)
        _note_namespace(rtype, f"{azapi.group(1)}/{azapi.group(2)}" if azapi else None, facts)
        found, literal, expr = find_tag(block)
        line = line_of(stripped, match.start())
        if found:
            facts.tagged.append(TaggedResource(path, line, f"{rtype}.{name}", literal, expr))
        kind = f"{azapi.group(1)}/{azapi.group(2)}" if azapi and rtype.startswith("azapi_") else rtype
        if kind in HOST_TYPES:
            facts.hosts.append(TaggedResource(path, line, f"{rtype}.{name}", None, kind))
    sources = []
    for match in _MODULE_RE.finditer(stripped):
        block = stripped[match.start() : block_end(stripped, match.end() - 1)]
        src = _SOURCE_RE.search(block)
        if src:
            sources.append(src.group(1))
    return sources
