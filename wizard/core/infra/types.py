"""Resource type facts from types.yaml: display names, hosts, purgeable types, Terraform and AVM mappings."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

_TABLE = Path(__file__).with_name("types.yaml")


@functools.cache
def _table() -> dict[str, Any]:
    data = yaml.safe_load(_TABLE.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def arm_type_facts(arm_type: str | None) -> dict[str, Any]:
    """The row of `arm_type` (case-insensitive, as ARM treats types), {} when not listed."""
    if not arm_type:
        return {}
    return _by_lower().get(arm_type.lower(), {})


@functools.cache
def _by_lower() -> dict[str, dict[str, Any]]:
    return {k.lower(): dict(v or {}, arm_type=k) for k, v in _table().get("types", {}).items()}


@functools.cache
def _azurerm() -> dict[str, str]:
    return {tf: arm for arm, row in _table().get("types", {}).items() for tf in (row or {}).get("azurerm", [])}


@functools.cache
def _avm() -> dict[str, str]:
    return {path: arm for arm, row in _table().get("types", {}).items() for path in (row or {}).get("avm", [])}


@functools.cache
def _by_display() -> dict[str, str]:
    """azd's display names (and purge names) of a type, lower-cased -> the ARM type."""
    found: dict[str, str] = {}
    for arm, row in _table().get("types", {}).items():
        for key in ("display", "purge"):
            if (row or {}).get(key):
                found.setdefault(str(row[key]).lower(), arm)
    return found


def arm_type_for_display(display: str) -> str | None:
    """`Resource group` (as azd prints it) -> Microsoft.Resources/resourceGroups; None when unknown."""
    return _by_display().get(display.strip().lower())


def arm_type_for_azurerm(tf_type: str) -> str | None:
    return _azurerm().get(tf_type)


def namespace_for_azurerm(tf_type: str) -> str | None:
    """The provider namespace a Terraform azurerm type needs (None: no registration of its own)."""
    arm = arm_type_for_azurerm(tf_type)
    if arm:
        namespace = arm.split("/", 1)[0]
        return None if namespace in ("Microsoft.Resources", "Microsoft.Authorization") else namespace
    if not tf_type.startswith("azurerm_"):
        return None
    rest = tf_type[len("azurerm_") :]
    best: tuple[str, str] | None = None
    for prefix, namespace in _table().get("azurerm_namespaces", {}).items():
        if rest.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, namespace)
    return best[1] if best else None


def arm_type_for_registry_module(reference: str) -> str | None:
    """`br/public:avm/res/app/container-app:0.8.0` → Microsoft.App/containerApps (AVM resource modules)."""
    path = reference.split(":", 1)[1] if ":" in reference else reference
    path = path.rsplit(":", 1)[0]
    return _avm().get(path)


def registry_pattern(reference: str) -> list[dict[str, Any]] | None:
    """The resources an AVM pattern module creates (see types.yaml `patterns`), None when unknown."""
    path = reference.split(":", 1)[1] if ":" in reference else reference
    rows = _table().get("patterns", {}).get(path.rsplit(":", 1)[0])
    return None if rows is None else [dict(r) for r in rows]


def caf_prefix(arm_type: str | None) -> str:
    return str(arm_type_facts(arm_type).get("prefix", ""))


def create_seconds(arm_type: str | None) -> int:
    return int(arm_type_facts(arm_type).get("seconds", 6))


def purge_display(arm_type: str | None) -> str | None:
    value = arm_type_facts(arm_type).get("purge")
    return str(value) if value else None


def purged_first(arm_type: str | None) -> bool:
    return bool(arm_type_facts(arm_type).get("purge_first"))


def host_types() -> list[str]:
    return [k for k, v in _table().get("types", {}).items() if (v or {}).get("host")]
