"""Reads a Bicep root module (and the local modules it references) by its syntax.

Bicep has no Python parser; this reads declarations (`resource sym 'Type@ver'`, `module sym
'./x.bicep'`) and `'azd-service-name': …` entries. A tag whose value is a parameter is resolved
when a calling module passes that parameter as a literal (the azd template pattern); otherwise it
is reported as an expression.
"""

from __future__ import annotations

import re
from pathlib import Path

from wizard.core.preflight.data import IGNORED_NAMESPACES
from wizard.core.preflight.infra_model import (
    HOST_TYPES,
    InfraFacts,
    TaggedResource,
    block_end,
    find_tag,
    line_of,
)

_DECL_RE = re.compile(r"^\s*(resource|module)\s+(\w+)\s+'([^']+)'", re.MULTILINE)
_TAG_ANY = re.compile(r"""['"]?azd-service-name['"]?\s*:""")
MAX_DEPTH = 6


def read_bicep(root: Path, module: str = "main") -> InfraFacts:
    facts = InfraFacts(provider="bicep", root=root)
    main = root / f"{module}.bicep"
    if not main.is_file():
        facts.errors.append(f"{main} not found")
        return facts
    texts: dict[Path, str] = {}
    _collect(main, texts, 0)
    facts.files.extend(texts)
    for path, text in texts.items():
        code = _strip_comments(text)
        decls = list(_DECL_RE.finditer(code))
        for decl in decls:
            if decl.group(1) == "resource" and decl.group(3).startswith("Microsoft."):
                full = decl.group(3).split("@", 1)[0]
                namespace = full.split("/", 1)[0]
                if namespace not in IGNORED_NAMESPACES:
                    facts.add_namespace(namespace, full)
                if full in HOST_TYPES:
                    address = f"resource {decl.group(2)}"
                    facts.hosts.append(TaggedResource(path, line_of(code, decl.start()), address, None, full))
        for match in _TAG_ANY.finditer(code):
            _found, literal, expr = find_tag(code[match.start() :])
            owner = next((d for d in reversed(decls) if d.start() < match.start()), None)
            address = f"{owner.group(1)} {owner.group(2)}" if owner else "(top level)"
            if literal is None and re.fullmatch(r"\w+", expr or ""):
                resolved = _resolve_param(expr, path, texts)
                if resolved:
                    for svc in resolved:
                        facts.tagged.append(TaggedResource(path, line_of(code, match.start()), address, svc))
                    continue
            facts.tagged.append(TaggedResource(path, line_of(code, match.start()), address, literal, expr))
    return facts


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.DOTALL)
    return re.sub(r"(?m)//.*$", "", text)


def _collect(path: Path, texts: dict[Path, str], depth: int) -> None:
    path = path.resolve()
    if path in texts or depth > MAX_DEPTH:
        return
    try:
        texts[path] = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    for decl in _DECL_RE.finditer(_strip_comments(texts[path])):
        target = decl.group(3)
        if decl.group(1) == "module" and target.endswith(".bicep") and ":" not in target:
            _collect(path.parent / target, texts, depth + 1)


def _resolve_param(param: str, module_path: Path, texts: dict[Path, str]) -> list[str]:
    """Literal values callers pass for `param` to the module file `module_path`."""
    values = []
    for caller, text in texts.items():
        code = _strip_comments(text)
        for decl in _DECL_RE.finditer(code):
            if decl.group(1) != "module" or (caller.parent / decl.group(3)).resolve() != module_path:
                continue
            body = code[decl.end() : block_end(code, code.find("{", decl.end()))]
            match = re.search(rf"^\s*{re.escape(param)}\s*:\s*'([^']*)'", body, re.MULTILINE)
            if match:
                values.append(match.group(1))
    return values
