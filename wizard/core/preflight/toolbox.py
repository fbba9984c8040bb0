"""Which tools a project needs, and how to install each one on this OS: `toolbox.yaml`, as code.

One rule in one place: preflight's tools checks, the Project screen's readiness panel and the
plain path all ask here, so "azd is missing, install it with …" reads the same everywhere.

    needs = tool_needs(project)                 # {"azd": ToolNeed(...), "terraform": ...}
    install_command("azd", "darwin")            # "brew tap azure/azd && brew install azd"
    install_hint("docker", "linux")             # the command and what to do after it
    version_note("azd", (1, 20, 0), "linux")    # older than the tested releases: what may break, how to upgrade
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from wizard.core.preflight.common import HookScripts, mentions, read_hook_scripts, requires_python
from wizard.core.project import Project
from wizard.core.text_scan import block_end, line_of

TABLE = Path(__file__).with_name("toolbox.yaml")
PLATFORMS = ("linux", "darwin", "win32")
CONTAINER_HOSTS = ("containerapp", "aks")  # azd builds these from a Dockerfile (npm runs in the image)
NODE_LANGUAGES = ("js", "ts", "javascript", "typescript")
_LOCAL_EXEC_RE = re.compile(r'provisioner\s+"local-exec"\s*\{')
_RESOURCE_RE = re.compile(r'^\s*resource\s+"([\w-]+)"\s+"([\w-]+)"', re.MULTILINE)
_SHELL_CHARS = re.compile(r"[|&;<>$`]")


@dataclass(frozen=True)
class TestedRange:
    """The releases of a tool tested end to end, and what may not work on an older one."""

    oldest: tuple[int, ...]
    newest: tuple[int, ...]
    older_may_break: str = ""

    @property
    def text(self) -> str:
        return f"{_dotted(self.oldest)}–{_dotted(self.newest)}"


@dataclass(frozen=True)
class VersionNote:
    """Where a found version stands against the tested range: `unusable` (below `min_version`: the
    wizard cannot run it), `older` (a warning, with the upgrade command), `newer` (fine, with a
    note) or `tested`."""

    standing: str  # unusable | older | tested | newer
    remark: str  # "newer than tested (1.31.2)": what to show beside the version
    text: str  # the whole sentence
    upgrade: str = ""


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    executables: tuple[tuple[str, ...], ...]  # all groups needed; any name of a group will do
    install: dict[str, str]
    note: dict[str, str] = field(default_factory=dict)
    min_version: tuple[int, ...] | None = None
    rules: tuple[dict[str, Any], ...] = ()
    tested: TestedRange | None = None


@dataclass(frozen=True)
class NeedReason:
    rule: str  # the rule kind that matched (always, infra, hooks_call, ...)
    text: str


@dataclass(frozen=True)
class ToolNeed:
    """A tool the project needs, and every reason why."""

    tool: str
    reasons: tuple[NeedReason, ...]

    @property
    def why(self) -> str:
        return "; ".join(r.text for r in self.reasons)

    def because_of(self, rule: str) -> bool:
        return any(r.rule == rule for r in self.reasons)


@dataclass(frozen=True)
class LocalExec:
    """A Terraform `local-exec` provisioner: where it is and what it runs."""

    where: str  # infra/main.tf:12 (null_resource.seed)
    text: str


@dataclass
class ToolFacts:
    """What the rules look at, read once from the project on disk."""

    scripts: HookScripts
    local_exec: list[LocalExec]
    requires_python: bool


# -- the table -----------------------------------------------------------------------------------
def _version(raw: object) -> tuple[int, ...] | None:
    if raw is None:
        return None
    return tuple(int(part) for part in str(raw).split("."))


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def _tested(raw: Any) -> TestedRange | None:
    if raw is None:
        return None
    oldest, newest = _version(raw["oldest"]), _version(raw["newest"])
    if oldest is None or newest is None or oldest > newest:
        raise ValueError(f"toolbox.yaml: tested range {raw!r} is not oldest <= newest")
    return TestedRange(oldest, newest, " ".join(str(raw.get("older_may_break", "")).split()))


@lru_cache(maxsize=1)
def tool_specs() -> dict[str, ToolSpec]:
    """Every tool of `toolbox.yaml`, checked when first loaded (a bad table fails loudly)."""
    data = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    specs = {}
    for name, raw in data["tools"].items():
        install = {str(k): str(v) for k, v in raw["install"].items()}
        missing = [p for p in PLATFORMS if p not in install]
        if missing:
            raise ValueError(f"toolbox.yaml: {name} has no install command for {', '.join(missing)}")
        executables = tuple(tuple(e) if isinstance(e, list) else (str(e),) for e in raw.get("executables", [name]))
        specs[name] = ToolSpec(
            name=name,
            title=str(raw.get("title", name)),
            executables=executables,
            install=install,
            note={str(k): str(v) for k, v in (raw.get("note") or {}).items()},
            min_version=_version(raw.get("min_version")),
            rules=tuple(raw.get("needed_when") or ()),
            tested=_tested(raw.get("tested")),
        )
        for rule in specs[name].rules:
            kind = next(iter(rule))
            if kind not in RULES:
                raise ValueError(f"toolbox.yaml: {name}: unknown rule {kind!r}")
    return specs


def spec(tool: str) -> ToolSpec:
    return tool_specs()[tool]


def platform_key(platform: str) -> str:
    """sys.platform style (linux, darwin, win32, cygwin, …) → a key of the install table."""
    return "darwin" if platform == "darwin" else "win32" if platform.startswith(("win", "cygwin")) else "linux"


def install_command(tool: str, platform: str) -> str:
    """The command that installs `tool` on `platform` (the table's linux one for other Unixes)."""
    table = tool_specs().get(tool)
    if table is None:
        return f"install {tool}"
    return table.install[platform_key(platform)]


def install_hint(tool: str, platform: str) -> str:
    """The install command, and what to do before or after it, as one line."""
    table = tool_specs().get(tool)
    command = install_command(tool, platform)
    note = table.note.get(platform_key(platform)) or table.note.get("*") if table else None
    return f"{command}  ({note})" if note else command


def install_argv(tool: str, platform: str) -> list[str]:
    """The install command as an argv to run (subprocess never gets a shell flag): a pipeline runs under
    `sh -c` (`cmd /c` on Windows), a plain command as its words."""
    command = install_command(tool, platform)
    if not _SHELL_CHARS.search(command):
        return shlex.split(command)
    return ["cmd", "/c", command] if platform_key(platform) == "win32" else ["sh", "-c", command]


def tested_range(tool: str) -> TestedRange | None:
    """The releases of `tool` tested end to end (toolbox.yaml `tested`), None when not stated."""
    table = tool_specs().get(tool)
    return table.tested if table else None


def version_note(tool: str, version: tuple[int, ...], platform: str) -> VersionNote | None:
    """How `version` of `tool` stands against its tested range (None: the table states no range).

    Below `min_version`: unusable; older than the oldest tested: what may not work and the upgrade
    command for this OS; newer than the newest: fine, noted as newer than tested; in between: tested.
    """
    tested = tested_range(tool)
    if tested is None:
        return None
    found = _dotted(tuple(version))
    floor = spec(tool).min_version
    if floor is not None and tuple(version) < floor:
        return VersionNote("unusable", f"too old (tested: {tested.text})",
                           f"{tool} {found} is too old: the wizard needs {tool} >= {_dotted(floor)} (tested: {tested.text})",
                           f"upgrade {tool}: {install_hint(tool, platform)}")
    if tuple(version) < tested.oldest:
        remark = f"older than tested ({tested.text})"
        may_break = f": {tested.older_may_break} may not work" if tested.older_may_break else ""
        return VersionNote("older", remark, f"{tool} {found} is {remark}{may_break}",
                           f"upgrade {tool}: {install_hint(tool, platform)}")
    if tuple(version) > tested.newest:
        remark = f"newer than tested ({_dotted(tested.newest)})"
        return VersionNote("newer", remark, f"{tool} {found}, {remark}")
    remark = f"tested: {tested.text}"
    return VersionNote("tested", remark, f"{tool} {found} ({remark})")


def missing_text(tool: str, platform: str) -> str:
    """`azd is not installed or not on PATH. Install it: <command> (<note>)` — the one sentence."""
    title = spec(tool).title if tool in tool_specs() else tool
    return f"{title} is not installed or not on PATH. Install it: {install_hint(tool, platform)}"


# -- what the project needs ------------------------------------------------------------------------
def read_local_exec(infra_dir: Path) -> list[LocalExec]:
    """Every `provisioner "local-exec"` block of the Terraform under `infra_dir` (modules too)."""
    found: list[LocalExec] = []
    try:
        files = sorted(p for p in infra_dir.rglob("*.tf") if ".terraform" not in p.parts)
    except OSError:
        return found
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for match in _LOCAL_EXEC_RE.finditer(text):
            body = text[match.start() : block_end(text, match.end() - 1)]
            code = "\n".join(ln for ln in body.splitlines() if not ln.lstrip().startswith(("#", "//")))
            owner = [m for m in _RESOURCE_RE.finditer(text, 0, match.start())]
            address = f" ({owner[-1].group(1)}.{owner[-1].group(2)})" if owner else ""
            try:
                shown = path.relative_to(infra_dir.parent)
            except ValueError:
                shown = path
            found.append(LocalExec(f"{shown}:{line_of(text, match.start())}{address}", code))
    return found


def read_tool_facts(project: Project) -> ToolFacts:
    """The facts the rules need, from disk (blocking: hook scripts, terraform files, pyproject)."""
    terraform = project.infra.provider.lower() == "terraform"
    return ToolFacts(
        scripts=read_hook_scripts(project),
        local_exec=read_local_exec(project.infra_dir) if terraform else [],
        requires_python=requires_python(project.root) is not None,
    )


def _words(rule: dict[str, Any], key: str) -> list[str]:
    raw = rule[key]
    return [str(w) for w in (raw if isinstance(raw, list) else [raw])]


def _rule_always(project: Project, facts: ToolFacts, rule: dict[str, Any]) -> dict[str, str] | None:
    return {} if rule["always"] else None


def _rule_infra(project: Project, facts: ToolFacts, rule: dict[str, Any]) -> dict[str, str] | None:
    return {} if project.infra.provider.lower() in _words(rule, "infra") else None


def _rule_hooks_call(project: Project, facts: ToolFacts, rule: dict[str, Any]) -> dict[str, str] | None:
    used = [w for w in _words(rule, "hooks_call") if facts.scripts.mentions(w)]
    return {"words": ", ".join(used)} if used else None


def _rule_local_exec(project: Project, facts: ToolFacts, rule: dict[str, Any]) -> dict[str, str] | None:
    words = _words(rule, "local_exec_calls")
    hits = [(block, [w for w in words if mentions(block.text, w)]) for block in facts.local_exec]
    hits = [(block, used) for block, used in hits if used]
    if not hits:
        return None
    used = list(dict.fromkeys(w for _, ws in hits for w in ws))
    return {"words": ", ".join(used), "where": ", ".join(block.where for block, _ in hits[:3])}


def _rule_npm_services(project: Project, facts: ToolFacts, rule: dict[str, Any]) -> dict[str, str] | None:
    names = [
        s.name for s in project.services
        if s.language.lower() in NODE_LANGUAGES and (s.host or "appservice").lower() not in CONTAINER_HOSTS
    ]
    return {"services": ", ".join(names)} if names and rule["npm_services"] else None


def _rule_local_images(project: Project, facts: ToolFacts, rule: dict[str, Any]) -> dict[str, str] | None:
    names = [s.name for s in project.services if s.needs_local_docker]
    return {"services": ", ".join(names)} if names and rule["local_image_builds"] else None


def _rule_bash_scripts(project: Project, facts: ToolFacts, rule: dict[str, Any]) -> dict[str, str] | None:
    found = [
        path.name for path, text in facts.scripts.texts.items()
        if text.startswith("#!") and "bash" in text.splitlines()[0]
    ]
    return {"scripts": ", ".join(found[:3])} if found and rule["bash_scripts"] else None


def _rule_requires_python(project: Project, facts: ToolFacts, rule: dict[str, Any]) -> dict[str, str] | None:
    return {} if facts.requires_python and rule["requires_python"] else None


RULES = {
    "always": _rule_always,
    "infra": _rule_infra,
    "hooks_call": _rule_hooks_call,
    "local_exec_calls": _rule_local_exec,
    "npm_services": _rule_npm_services,
    "local_image_builds": _rule_local_images,
    "bash_scripts": _rule_bash_scripts,
    "requires_python": _rule_requires_python,
}


def tool_needs(project: Project, facts: ToolFacts | None = None) -> dict[str, ToolNeed]:
    """The tools `project` needs (in the table's order), each with the reasons that hold."""
    facts = facts if facts is not None else read_tool_facts(project)
    needs: dict[str, ToolNeed] = {}
    for name, table in tool_specs().items():
        reasons = []
        for rule in table.rules:
            kind = next(iter(rule))
            filled = RULES[kind](project, facts, rule)
            if filled is not None:
                reasons.append(NeedReason(kind, str(rule.get("why", kind)).format_map(_Blank(filled))))
        if reasons:
            needs[name] = ToolNeed(name, tuple(reasons))
    return needs


class _Blank(dict[str, str]):
    """`str.format_map` that leaves unknown fields empty instead of raising."""

    def __missing__(self, key: str) -> str:
        return ""
