"""The template functions a static read can evaluate (Bicep and Terraform), as tables.

`uniqueString` and `guid` are deterministic hashes of their arguments, as ARM's are (not the same
values: ARM's hash is not published), so a resource token is stable per subscription/env/location.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from wizard.core.infra.evaluate import Unknown, takes_unknown, to_text


def unique_string(*parts: Any) -> str:
    digest = hashlib.sha256("|".join(to_text(p) for p in parts).encode()).digest()
    return base64.b32encode(digest).decode().lower()[:13]


UNKNOWN_KEYS = "__unknown_keys__"  # in a merged map: some of its keys come from an unknown value


def _union(*items: Any) -> Any:
    if all(isinstance(i, (dict, Unknown)) for i in items) and any(isinstance(i, dict) for i in items):
        out: dict[str, Any] = {}
        for item in items:
            if isinstance(item, Unknown):
                out[UNKNOWN_KEYS] = item
            else:
                out.update(item)
        return out
    if any(isinstance(i, Unknown) for i in items):
        return Unknown("union(…)")
    if all(isinstance(i, dict) for i in items):
        merged: dict[str, Any] = {}
        for item in items:
            merged.update(item)
        return merged
    out_list: list[Any] = []
    for item in items:
        out_list.extend(x for x in item if x not in out_list)
    return out_list


takes_unknown(_union)


def _concat(*items: Any) -> Any:
    if all(isinstance(i, list) for i in items):
        return [x for i in items for x in i]
    return "".join(to_text(i) for i in items)


def _format(fmt: str, *args: Any) -> str:
    return re.sub(r"\{(\d+)(?::[^}]*)?\}", lambda m: to_text(args[int(m.group(1))]), fmt)


def _printf(fmt: str, *args: Any) -> str:
    values = iter(args)
    return re.sub(r"%[-0-9.]*[sdvtf]|%%", lambda m: "%" if m.group(0) == "%%" else to_text(next(values)), fmt)


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, str):
        return to_text(item).lower() in container.lower()
    return item in container


def _empty(value: Any) -> bool:
    return value is None or len(value) == 0


def _coalesce(*items: Any) -> Any:
    return next((i for i in items if i is not None and i != ""), None)


def _take(value: Any, count: int) -> Any:
    return value[: max(0, int(count))]


def _substring(text: str, start: int, length: int | None = None) -> str:
    return text[start:] if length is None else text[start : start + length]


def _lookup(mapping: dict[str, Any], key: str, default: Any = None) -> Any:
    return mapping.get(key, default)


def _try(*items: Any) -> Any:
    return next((i for i in items if not isinstance(i, Unknown)), Unknown("try(…)"))


takes_unknown(_try)


def _guid(*parts: Any) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256("|".join(to_text(p) for p in parts).encode()).digest()[:16]))


def _unknown(name: str) -> Callable[..., Any]:
    return lambda *_a: Unknown(f"{name}(…)")


COMMON: dict[str, Callable[..., Any]] = {
    "length": len, "contains": _contains, "coalesce": _coalesce, "concat": _concat, "join": lambda a, b: (
        to_text(b).join(to_text(x) for x in a) if isinstance(a, list) else to_text(a).join(to_text(x) for x in b)),
    "replace": lambda s, a, b: s.replace(a, b), "min": lambda *a: min(a[0] if len(a) == 1 else a),
    "max": lambda *a: max(a[0] if len(a) == 1 else a),
}  # fmt: skip

BICEP_FUNCTIONS: dict[str, Callable[..., Any]] = {
    **COMMON,
    "uniqueString": unique_string, "toLower": lambda s: s.lower(), "toUpper": lambda s: s.upper(),
    "union": _union, "format": _format, "take": _take, "skip": lambda v, n: v[int(n):],
    "substring": _substring, "empty": _empty, "first": lambda v: v[0], "last": lambda v: v[-1],
    "split": lambda s, d: s.split(d), "trim": lambda s: s.strip(), "string": to_text, "int": int,
    "bool": lambda v: v if isinstance(v, bool) else str(v).lower() == "true", "guid": _guid,
    "startsWith": lambda s, p: s.lower().startswith(p.lower()), "endsWith": lambda s, p: s.lower().endswith(p.lower()),
    "json": json.loads, "array": lambda v: v if isinstance(v, list) else [v], "range": lambda a, n: list(range(a, a + n)),
    "indexOf": lambda s, x: s.lower().find(x.lower()), "lastIndexOf": lambda s, x: s.lower().rfind(x.lower()),
    "padLeft": lambda s, n, c=" ": to_text(s).rjust(n, c), "uri": lambda a, b: a.rstrip("/") + "/" + b.lstrip("/"),
    "base64": lambda s: base64.b64encode(s.encode()).decode(), "dateTimeAdd": _unknown("dateTimeAdd"),
    "utcNow": _unknown("utcNow"), "newGuid": _unknown("newGuid"), "reference": _unknown("reference"),
    "listKeys": _unknown("listKeys"), "filter": _unknown("filter"), "map": _unknown("map"),
    "reduce": _unknown("reduce"), "toObject": _unknown("toObject"), "items": lambda d: [
        {"key": k, "value": v} for k, v in d.items()],
}  # fmt: skip

HCL_FUNCTIONS: dict[str, Callable[..., Any]] = {
    **COMMON,
    "merge": _union, "lower": lambda s: s.lower(), "upper": lambda s: s.upper(), "format": _printf,
    "substr": _substring, "lookup": _lookup, "try": _try, "tomap": dict, "tolist": list, "toset": list,
    "tostring": to_text, "tonumber": float, "trimspace": lambda s: s.strip(), "element": lambda a, i: a[i % len(a)],
    "jsonencode": json.dumps, "base64encode": lambda s: base64.b64encode(s.encode()).decode(),
    "sha256": lambda s: hashlib.sha256(s.encode()).hexdigest(), "md5": lambda s: hashlib.md5(s.encode()).hexdigest(),
    "keys": lambda d: list(d), "values": lambda d: list(d.values()), "flatten": lambda a: [
        y for x in a for y in (x if isinstance(x, list) else [x])], "distinct": lambda a: list(dict.fromkeys(a)),
    "regex": _unknown("regex"), "timestamp": _unknown("timestamp"), "uuid": _unknown("uuid"),
    "file": _unknown("file"), "templatefile": _unknown("templatefile"), "can": lambda v: not isinstance(v, Unknown),
}  # fmt: skip
takes_unknown(HCL_FUNCTIONS["can"])


def load_json_content(base: Path) -> Callable[..., Any]:
    """Bicep's `loadJsonContent('file.json'[, jsonPath])`, relative to the file that calls it."""
    return _load_structured(base, json.loads)


def load_yaml_content(base: Path) -> Callable[..., Any]:
    """Bicep's `loadYamlContent('file.yaml'[, pathFilter])` (contoso-chat reads its model deployments so)."""
    return _load_structured(base, yaml.safe_load)


def _load_structured(base: Path, parse: Callable[[str], Any]) -> Callable[..., Any]:
    def load(path: str, json_path: str | None = None, _encoding: str | None = None) -> Any:
        data = parse((base / path).read_text(encoding="utf-8-sig"))
        if json_path:
            for part in json_path.lstrip("$.").split("."):
                if part:
                    data = data[part]
        return data

    return load


def load_text_content(base: Path) -> Callable[..., Any]:
    return lambda path, *_a: (base / path).read_text(encoding="utf-8")
