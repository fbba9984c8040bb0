"""Ready before anything runs: azd (present, version, signed in) and the tools this project needs.

The Project screen's readiness panel, `--plain` and `deploy-wizard login` show the same facts; what
a project needs and how to install a tool come from the toolbox (preflight/toolbox.py), the same
table preflight's tools checks read.

    readiness = await probe_readiness(project, backend)
    readiness.blocked          # True while azd is missing: no step may start
    readiness.lines()          # the facts as plain text
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

# At module level: the TUI imports this module in a thread, so these imports never hold the loop.
from wizard.core.azd import AzdClient, AzdError, format_version
from wizard.core.backend import Backend
from wizard.core.preflight.toolbox import (
    install_hint,
    read_tool_facts,
    spec,
    tool_needs,
    version_note,
)
from wizard.core.project import Project
from wizard.core.signin import tools_for


@dataclass(frozen=True)
class ToolStatus:
    tool: str
    title: str
    why: str  # why the project needs it
    path: str | None = None
    version: str | None = None
    problem: str | None = None  # missing, not runnable; None when fine
    install: str = ""  # the install (or upgrade) command for this OS, with its note
    warning: str | None = None  # usable, but something may not work (azd older than tested)

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class SignInState:
    signed_in: bool | None  # None: could not tell
    detail: str  # "signed in as me@x", "not signed in", "could not ask azd: …"


@dataclass(frozen=True)
class Readiness:
    tools: tuple[ToolStatus, ...]  # azd first, then what the project needs
    platform: str
    signin: SignInState | None = None  # azd's sign-in (None while azd is missing)
    simulated: bool = False

    @property
    def azd(self) -> ToolStatus:
        return self.tools[0]

    @property
    def blocked(self) -> bool:
        """No step may start: azd itself is missing, not runnable or below the toolbox's minimum
        (older than the tested releases only warns)."""
        return not self.azd.ok

    @property
    def missing(self) -> tuple[ToolStatus, ...]:
        return tuple(t for t in self.tools if not t.ok)

    @property
    def needs_sign_in(self) -> bool:
        return self.signin is not None and self.signin.signed_in is False

    def lines(self) -> list[str]:
        """The panel's facts as plain text lines (for --plain and the command line)."""
        out = []
        for tool in self.tools:
            if tool.ok:
                found = " ".join(x for x in (tool.version, f"({tool.path})" if tool.path and not tool.version else None) if x)
                out.append(f"{'!' if tool.warning else '✓'} {tool.title}: {found or 'found'} — {tool.why}")
                if tool.warning:
                    out.append(f"    {tool.warning}")
                    out.append(f"    upgrade: {tool.install}")
            else:
                out.append(f"✗ {tool.title}: {tool.problem} — {tool.why}")
                out.append(f"    install: {tool.install}")
        if self.signin is not None:
            mark = "✓" if self.signin.signed_in else "✗" if self.signin.signed_in is False else "?"
            out.append(f"{mark} sign-in: {self.signin.detail}")
            if self.signin.signed_in is False:
                out.append("    sign in: deploy-wizard login")
        return out


async def probe_readiness(project: Project, backend: Backend, *, with_signin: bool = True) -> Readiness:
    """Probe azd and every tool the project needs (blocking reads run in a thread)."""
    tools = tools_for(backend, project.root)
    needs = await asyncio.to_thread(lambda: tool_needs(project, read_tool_facts(project)))
    azd_status, signin = await _probe_azd(project, backend, needs["azd"].why, tools.platform, with_signin)
    statuses = [azd_status]
    for name, need in needs.items():
        if name == "azd":
            continue
        found: list[str] = []
        missing: list[str] = []
        for group in spec(name).executables:
            path = next((p for p in map(tools.which, group) if p), None)
            (found if path else missing).append(path or group[0])
        statuses.append(
            ToolStatus(
                tool=name,
                title=spec(name).title,
                why=need.why,
                path=", ".join(found) or None,
                problem=f"{' and '.join(missing)} not on PATH" if missing else None,
                install=install_hint(name, tools.platform),
            )
        )
    return Readiness(tuple(statuses), tools.platform, signin, backend.simulated)


async def _probe_azd(project: Project, backend: Backend, why: str, platform: str, with_signin: bool) -> tuple[ToolStatus, SignInState | None]:

    title = spec("azd").title
    install = install_hint("azd", platform)
    if backend.unavailable:
        return ToolStatus("azd", title, why, problem="not installed or not on PATH", install=install), None
    client = AzdClient(list(backend.azd_command), project.root, extra_env=dict(backend.azd_env))
    try:
        version = await client.version()
    except AzdError as exc:
        return ToolStatus("azd", title, why, problem=str(exc), install=install), None
    note = version_note("azd", version, platform)
    shown = format_version(version) + (" (simulator)" if backend.simulated else "")
    if note is not None and note.standing == "newer":
        shown += f" ({note.remark})"
    path = backend.azd_command[0] if not backend.simulated else None
    if note is not None and note.standing == "unusable":
        return ToolStatus("azd", title, why, path=path, version=shown, problem=note.text, install=install), None
    warning = note.text if note is not None and note.standing == "older" else None
    status = ToolStatus("azd", title, why, path=path, version=shown, install=install, warning=warning)
    if not with_signin:
        return status, None
    try:
        auth = await client.auth_status()
    except AzdError as exc:
        return status, SignInState(None, f"could not ask azd: {exc}")
    state = str(auth.get("status", "")).lower()
    if state in ("success", "authenticated"):
        who = auth.get("email") or auth.get("clientId") or ""
        return status, SignInState(True, "signed in" + (f" as {who}" if who else ""))
    if state == "unauthenticated":
        return status, SignInState(False, "azd is not signed in (provision and deploy would stop at once)")
    return status, SignInState(None, f"azd reported an unknown sign-in status {state!r}")
