"""Facts several checks share, each computed once per run (see PreflightContext.once)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.core.infra import InfraModel, read_infra
from wizard.core.preflight.model import PreflightContext
from wizard.core.project import Project

_SCRIPT_REF = re.compile(r"[\w./${}-]*?([\w.-]+\.(?:sh|bash|py))\b")
MAX_SCRIPTS = 60


def version_tuple(text: str, parts: int = 3) -> tuple[int, ...] | None:
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text or "")
    if not match:
        return None
    nums = [int(g) if g is not None else 0 for g in match.groups()]
    return tuple(nums[:parts])


def fmt_version(v: tuple[int, ...]) -> str:
    return ".".join(str(x) for x in v)


async def run_tool(ctx: PreflightContext, argv: list[str], timeout: float = 30.0) -> tuple[int, str]:
    """`ctx.tools.run` with timeouts and missing executables turned into exit codes."""
    try:
        return await ctx.tools.run(argv, timeout)
    except TimeoutError:
        return 124, f"`{' '.join(argv)}` did not finish within {timeout:.0f}s"
    except FileNotFoundError:
        return 127, f"{argv[0]}: command not found"


@dataclass
class HookScripts:
    """The hook scripts azd runs, the helper scripts they call, and inline hook code."""

    hook_scripts: list[tuple[str, Path]] = field(default_factory=list)  # (hook name, path)
    missing: list[tuple[str, Path]] = field(default_factory=list)
    helpers: list[Path] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)
    # scripts a multi-command `run` starts from the shell (`chmod +x ./a.sh; ./a.sh`): sh runs a
    # script without `#!` itself, and a `chmod` in the same line sets the run bit first
    from_shell: set[Path] = field(default_factory=set)
    chmodded: set[Path] = field(default_factory=set)

    @property
    def all_text(self) -> str:
        return "\n".join([*self.texts.values(), *self.inline])

    def code_text(self) -> str:
        """Non-comment lines only."""
        lines: list[str] = []
        for text in (*self.texts.values(), *self.inline):
            lines.extend(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
        return "\n".join(lines)

    def mentions(self, word: str) -> bool:
        return mentions(self.code_text(), word)


def mentions(text: str, word: str) -> bool:
    """`word` used as a command name in `text` (not part of a longer word, path or option)."""
    return re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", text) is not None


def read_hook_scripts(source: PreflightContext | Project) -> HookScripts:
    """The project's hook scripts and the helper scripts they call (a context or a project)."""
    project = source.project if isinstance(source, PreflightContext) else source
    found = HookScripts()
    queue: list[Path] = []
    search_dirs: list[Path] = []
    for hook in project.hooks:
        paths = project.hook_script_paths(hook)
        if not paths:
            found.inline.append(hook.run)
            continue
        for path in paths:
            if not path.is_file():
                if path not in [p for _, p in found.missing]:
                    found.missing.append((hook.name, path))
                continue
            if hook.chained:
                found.from_shell.add(path)
                if re.search(r"\bchmod\b[^;&|]*" + re.escape(path.name), hook.run):
                    found.chmodded.add(path)
            if path in [p for _, p in found.hook_scripts]:
                continue
            found.hook_scripts.append((hook.name, path))
            queue.append(path)
            if path.parent not in search_dirs:
                search_dirs.append(path.parent)
    seen: set[Path] = set()
    while queue and len(seen) < MAX_SCRIPTS:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        text = raw.decode("utf-8", "replace")
        found.texts[path] = text
        if path not in [p for _, p in found.hook_scripts]:
            found.helpers.append(path)
        for name in set(_SCRIPT_REF.findall(text)):
            for folder in search_dirs:
                for candidate in _find_named(folder, name):
                    if candidate not in seen:
                        queue.append(candidate)
    return found


def _find_named(folder: Path, name: str) -> list[Path]:
    try:
        return sorted(p.resolve() for p in folder.rglob(name) if p.is_file() and ".terraform" not in p.parts)
    except OSError:
        return []


async def hook_scripts(ctx: PreflightContext) -> HookScripts:
    return await ctx.blocking("hook_scripts", lambda: read_hook_scripts(ctx))


async def infra_facts(ctx: PreflightContext) -> InfraModel:
    """The project's infra model, read once per run with the environment's values."""
    return await ctx.blocking("infra", lambda: read_infra(ctx.project, ctx.env_values, ctx.env))


async def az_account(ctx: PreflightContext) -> tuple[dict[str, Any] | None, str]:
    """(`az account show` JSON, or None with the reason)."""

    async def show() -> tuple[dict[str, Any] | None, str]:
        if ctx.tools.which("az") is None:
            return None, "az is not installed"
        code, out = await run_tool(ctx, ["az", "account", "show", "--output", "json"], 45)
        if code != 0:
            first = next((ln for ln in out.splitlines() if ln.strip()), "")
            return None, first.strip() or f"exit {code}"
        try:
            data = json.loads(out[out.find("{") :] if "{" in out else out)
        except ValueError:
            return None, "az account show gave no JSON"
        return (data if isinstance(data, dict) else None), ""

    return await ctx.once("az_account", show)


def requires_python(project_root: Path) -> tuple[int, int] | None:
    """The minimum Python from pyproject.toml `requires-python` (>=3.11 → (3, 11))."""
    path = project_root / "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(r"""requires-python\s*=\s*["']([^"']+)["']""", text)
    if not match:
        return None
    low = re.search(r">=?\s*(\d+)\.(\d+)", match.group(1))
    return (int(low.group(1)), int(low.group(2))) if low else None


def project_venv_python(root: Path) -> Path | None:
    for rel in (".venv/bin/python", "venv/bin/python", ".venv/Scripts/python.exe", "venv/Scripts/python.exe"):
        path = root / rel
        if path.exists():
            return path
    return None


def rel(ctx: PreflightContext, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ctx.project.root))
    except ValueError:
        return str(path)
