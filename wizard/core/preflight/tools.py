"""Tools: azd, terraform, az/jq/bash (when the hooks use them), docker, Python."""

from __future__ import annotations

import json

from wizard.core.azd import MIN_AZD_VERSION
from wizard.core.preflight.common import (
    fmt_version,
    hook_scripts,
    project_venv_python,
    rel,
    requires_python,
    run_tool,
    version_tuple,
)
from wizard.core.preflight.data import MIN_PYTHON_DEFAULT, MIN_TERRAFORM, install_command
from wizard.core.preflight.model import FAIL, PASS, SKIP, WARN, Outcome, PreflightContext


def _install(ctx: PreflightContext, tool: str) -> str:
    return f"install {tool}: {install_command(tool, ctx.tools.platform)}"


def _at_least(ctx: PreflightContext, tool: str, version: tuple[int, ...], minimum: tuple[int, ...], why: str = "") -> Outcome:
    """PASS with the version, or FAIL with the upgrade command when it is below `minimum`."""
    if version < minimum:
        return Outcome(
            FAIL,
            f"{tool} {fmt_version(version)} is older than {fmt_version(minimum)}{why}",
            f"upgrade {tool}: {install_command(tool, ctx.tools.platform)}",
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
    return _at_least(ctx, "azd", version, MIN_AZD_VERSION)


async def check_terraform(ctx: PreflightContext) -> Outcome:
    if ctx.project.infra.provider.lower() != "terraform":
        return Outcome(SKIP, f"infra provider is {ctx.project.infra.provider}")
    if ctx.tools.which("terraform") is None:
        return Outcome(
            FAIL,
            "terraform is not on PATH; azd stops with `Terraform CLI is not installed` (azd does not install it)",
            _install(ctx, "terraform") + f"  (needs >= {fmt_version(MIN_TERRAFORM)})",
        )
    code, out = await run_tool(ctx, ["terraform", "version", "-json"], 30)
    version = None
    try:
        version = version_tuple(str(json.loads(out).get("terraform_version", "")))
    except (ValueError, AttributeError):
        version = version_tuple(out)
    if version is None:
        return Outcome(WARN, f"terraform is installed but its version is unreadable (exit {code})")
    return _at_least(ctx, "terraform", version, MIN_TERRAFORM, " (azd's minimum)")


def _hook_tool_check(tool: str, why: str):
    async def check(ctx: PreflightContext) -> Outcome:
        scripts = await hook_scripts(ctx)
        used = tool == "bash" and _bash_needed(scripts) or tool != "bash" and scripts.mentions(tool)
        if not used:
            return Outcome(SKIP, "the project's hooks do not use it")
        path = ctx.tools.which(tool)
        if path is None:
            return Outcome(FAIL, f"{tool} is not on PATH; the hooks use it ({why})", _install(ctx, tool))
        return Outcome(PASS, f"{tool} at {path}")

    return check


def _bash_needed(scripts) -> bool:
    for text in scripts.texts.values():
        first = text.splitlines()[0] if text else ""
        if first.startswith("#!") and "bash" in first:
            return True
    return scripts.mentions("bash")


check_az = _hook_tool_check("az", "sign-in, subscription and App Configuration steps")
check_jq = _hook_tool_check("jq", "JSON parsing; without it the hook exits 127")
check_bash = _hook_tool_check("bash", "the scripts are bash scripts")


async def check_docker(ctx: PreflightContext) -> Outcome:
    local = [s.name for s in ctx.project.services if s.needs_local_docker]
    scripts = await hook_scripts(ctx)
    hook_wants = scripts.mentions("docker")
    if not local and not hook_wants:
        remote = [s.name for s in ctx.project.services if s.remote_build]
        return Outcome(SKIP, "every service builds remotely (docker.remoteBuild)" if remote else "no service builds an image")
    path = ctx.tools.which("docker")
    if not local:
        # azd needs no docker for remote builds, but the accelerator's preflight script does
        # (unless CI=true): only the executable is required there, not a running daemon.
        if path is None:
            return Outcome(
                FAIL,
                "services build remotely, but the hook scripts require the docker command (the "
                "accelerator's preflight fails without it unless CI=true)",
                _install(ctx, "docker"),
            )
        return Outcome(PASS, f"docker at {path} (needed by the hook scripts only; images build remotely)")
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
    needed = requires_python(root)
    scripts = await hook_scripts(ctx)
    hook_python = scripts.mentions("python3") or scripts.mentions("python")
    if needed is None and not hook_python:
        return Outcome(SKIP, "the project declares no Python requirement and its hooks run no Python")
    minimum = needed or MIN_PYTHON_DEFAULT
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


