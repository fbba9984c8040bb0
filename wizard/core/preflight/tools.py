"""Tools: azd, and what the project needs (toolbox.yaml): terraform, az, node/npm, docker, bash,
jq, Python. Whether a tool is needed, and how to install it, comes from the toolbox only."""

from __future__ import annotations

import json

from wizard.core.preflight.common import (
    fmt_version,
    project_venv_python,
    rel,
    requires_python,
    run_tool,
    version_tuple,
)
from wizard.core.preflight.model import FAIL, PASS, SKIP, WARN, Outcome, PreflightContext
from wizard.core.preflight.toolbox import (
    ToolNeed,
    install_hint,
    read_tool_facts,
    spec,
    tool_needs,
    version_note,
)


def _install(ctx: PreflightContext, tool: str) -> str:
    return f"install {tool}: {install_hint(tool, ctx.tools.platform)}"


async def needs(ctx: PreflightContext) -> dict[str, ToolNeed]:
    """The project's tool needs, read once per preflight run."""
    return await ctx.blocking("tool_needs", lambda: tool_needs(ctx.project, read_tool_facts(ctx.project)))


def _at_least(ctx: PreflightContext, tool: str, version: tuple[int, ...], minimum: tuple[int, ...], why: str = "") -> Outcome:
    """PASS with the version, or FAIL with the upgrade command when it is below `minimum`."""
    if version < minimum:
        return Outcome(
            FAIL,
            f"{tool} {fmt_version(version)} is older than {fmt_version(minimum)}{why}",
            f"upgrade {tool}: {install_hint(tool, ctx.tools.platform)}",
        )
    return Outcome(PASS, f"{tool} {fmt_version(version)}")


async def check_azd(ctx: PreflightContext) -> Outcome:
    try:
        version_text = await ctx.azd.version()
    except Exception as exc:  # the AzdLike may raise AzdError when azd is missing
        version_text = None
        why = str(exc)
    else:
        why = ""
    if not version_text:
        return Outcome(FAIL, f"azd not found or not runnable{': ' + why if why else ''}", _install(ctx, "azd"))
    version = version_tuple(version_text)
    if version is None:
        return Outcome(WARN, f"could not read azd's version from {version_text!r}")
    note = version_note("azd", version, ctx.tools.platform)
    if note is None:  # the toolbox states no tested range
        return Outcome(PASS, f"azd {fmt_version(version)}")
    if note.standing in ("unusable", "older"):
        return Outcome(FAIL if note.standing == "unusable" else WARN, note.text, note.upgrade)
    return Outcome(PASS, note.text)


async def check_terraform(ctx: PreflightContext) -> Outcome:
    need = (await needs(ctx)).get("terraform")
    if need is None:
        return Outcome(SKIP, f"infra provider is {ctx.project.infra.provider}")
    minimum = spec("terraform").min_version or ()
    if ctx.tools.which("terraform") is None:
        return Outcome(
            FAIL,
            f"terraform is not on PATH; {need.why} (azd stops with `Terraform CLI is not installed`)",
            _install(ctx, "terraform") + f"  (needs >= {fmt_version(minimum)})",
        )
    code, out = await run_tool(ctx, ["terraform", "version", "-json"], 30)
    version = None
    try:
        version = version_tuple(str(json.loads(out).get("terraform_version", "")))
    except (ValueError, AttributeError):
        version = version_tuple(out)
    if version is None:
        return Outcome(WARN, f"terraform is installed but its version is unreadable (exit {code})")
    return _at_least(ctx, "terraform", version, minimum, " (azd's minimum)")


def _needed_tool_check(tool: str):
    """SKIP when the project does not need `tool`; FAIL (with the install command) when any of its
    executables is missing; PASS with where it was found."""

    async def check(ctx: PreflightContext) -> Outcome:
        need = (await needs(ctx)).get(tool)
        if need is None:
            return Outcome(SKIP, "the project does not use it")
        found: list[str] = []
        missing: list[str] = []
        for group in spec(tool).executables:
            path = next((p for p in map(ctx.tools.which, group) if p), None)
            (found if path else missing).append(path or group[0])
        if missing:
            return Outcome(FAIL, f"{' and '.join(missing)} not on PATH; {need.why}", _install(ctx, tool))
        return Outcome(PASS, f"{', '.join(found)} ({need.why})")

    return check


check_az = _needed_tool_check("az")
check_jq = _needed_tool_check("jq")
check_bash = _needed_tool_check("bash")
check_node = _needed_tool_check("node")


async def check_docker(ctx: PreflightContext) -> Outcome:
    need = (await needs(ctx)).get("docker")
    if need is None:
        remote = [s.name for s in ctx.project.services if s.remote_build]
        return Outcome(SKIP, "every service builds remotely (docker.remoteBuild)" if remote else "no service builds an image")
    local = [s.name for s in ctx.project.services if s.needs_local_docker]
    path = ctx.tools.which("docker")
    if not need.because_of("local_image_builds"):
        # azd needs no docker for remote builds, but scripts that call docker do (the
        # accelerator's preflight, unless CI=true): only the executable, not a running daemon.
        if path is None:
            return Outcome(FAIL, f"docker is not on PATH; {need.why} (images build remotely)", _install(ctx, "docker"))
        return Outcome(PASS, f"docker at {path} ({need.why}; images build remotely)")
    if path is None:
        return Outcome(FAIL, f"docker is not on PATH; {', '.join(local)} build(s) images locally", _install(ctx, "docker"))
    code, out = await run_tool(ctx, ["docker", "info", "--format", "{{.ServerVersion}}"], 20)
    if code != 0:
        return Outcome(
            FAIL,
            f"docker is installed but its daemon does not answer (`docker info` exit {code})",
            "start Docker (Docker Desktop, or `sudo systemctl start docker`), or set docker.remoteBuild: true in azure.yaml",
        )
    return Outcome(PASS, f"docker daemon {out.strip().splitlines()[-1] if out.strip() else 'running'}")


async def check_python(ctx: PreflightContext) -> Outcome:
    root = ctx.project.root
    need = (await needs(ctx)).get("python")
    if need is None:
        return Outcome(SKIP, "the project declares no Python requirement and its hooks run no Python")
    needed = requires_python(root)
    minimum = needed or spec("python").min_version or ()
    venv = project_venv_python(root)
    candidates = [str(venv)] if venv else []
    candidates += [p for p in (ctx.tools.which("python3"), ctx.tools.which("python")) if p]
    if not candidates:
        return Outcome(FAIL, f"no Python found; the project needs >= {fmt_version(minimum)}", _install(ctx, "python"))
    exe = candidates[0]
    code, out = await run_tool(ctx, [exe, "--version"], 15)
    version = version_tuple(out, 2) if code == 0 else None
    where = rel(ctx, venv) if venv and exe == str(venv) else exe
    if version is None:
        return Outcome(WARN, f"could not run {where} --version (exit {code})")
    if version < minimum:
        return Outcome(
            FAIL,
            f"{where} is Python {fmt_version(version)}; the project needs >= {fmt_version(minimum)} "
            "(older versions fail with errors such as `cannot import name 'TypeAlias'`)",
            f"{_install(ctx, 'python')}; then create the project's venv: python3.11 -m venv .venv",
        )
    source = "requires-python in pyproject.toml" if needed else "the hooks run Python"
    return Outcome(PASS, f"Python {fmt_version(version)} ({where}; {source})")


