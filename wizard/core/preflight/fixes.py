"""Fixes: plan_fix says exactly what will run or change; apply_fix does it and re-checks.

Only these are offered. Installing tools, signing in, editing infra and buying phone numbers stay
instructions (the check's `fix` text).
"""

from __future__ import annotations

import asyncio
import stat
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from wizard.core.preflight.common import read_hook_scripts, rel, run_tool
from wizard.core.preflight.model import (
    FAIL,
    FIXED,
    PASS,
    WARN,
    CheckResult,
    FixPlan,
    Outcome,
    PreflightContext,
)
from wizard.core.preflight.project_checks import inspect_scripts
from wizard.core.preflight.unattended import env_updates, input_specs, unmet

FIXABLE = ("project.hook_scripts", "hooks.unattended", "subscription.providers", "signin.match")
REGISTERED = "registered"


def plan_fix(ctx: PreflightContext, result: CheckResult) -> FixPlan | None:
    if result.status not in (FAIL, WARN) or result.id not in FIXABLE:
        return None
    planner = {
        "project.hook_scripts": _plan_scripts,
        "hooks.unattended": _plan_unattended,
        "subscription.providers": _plan_providers,
        "signin.match": _plan_account,
    }[result.id]
    return planner(ctx)


async def apply_fix(ctx: PreflightContext, plan: FixPlan, answers: dict[str, str] | None = None) -> CheckResult:
    from wizard.core.preflight.registry import BY_ID

    answers = answers or {}
    spec = BY_ID[plan.check_id]
    doer = {
        "project.hook_scripts": _apply_scripts,
        "hooks.unattended": _apply_unattended,
        "subscription.providers": _apply_providers,
        "signin.match": _apply_account,
    }[plan.check_id]
    try:
        done, error = await doer(ctx, plan, answers)
    except Exception as exc:  # report, never crash the run
        done, error = [], f"{type(exc).__name__}: {exc}"
    ctx.forget("hook_scripts", "az_account")
    outcome: Outcome = await spec.func(ctx)
    ctx.facts[spec.id] = outcome.data
    did = "; ".join(done) if done else "nothing changed"
    if error:
        return CheckResult(spec.id, spec.title, FAIL if outcome.status == FAIL else outcome.status,
                           f"fix failed: {error} (done: {did}); now: {outcome.detail}", outcome.fix or "")
    if outcome.status == PASS:
        return CheckResult(spec.id, spec.title, FIXED, f"{did}; {outcome.detail}", "")
    return CheckResult(spec.id, spec.title, outcome.status, f"{did}; still: {outcome.detail}", outcome.fix or "")


# -- hook scripts --------------------------------------------------------------------------------
def _script_problems(ctx: PreflightContext) -> dict[str, list[Path]]:
    data = ctx.facts.get("project.hook_scripts")
    if isinstance(data, dict):
        return data
    return inspect_scripts(read_hook_scripts(ctx), ctx.tools.platform)


def _plan_scripts(ctx: PreflightContext) -> FixPlan | None:
    problems = _script_problems(ctx)
    crlf, no_exec = problems.get("crlf", []), problems.get("no_exec", [])
    if not crlf and not no_exec:
        return None
    actions = [f"convert CRLF line endings to LF in {rel(ctx, p)}" for p in crlf]
    actions += [f"chmod +x {rel(ctx, p)}" for p in no_exec]
    parts = []
    if crlf:
        parts.append(f"convert {len(crlf)} script(s) to LF line endings")
    if no_exec:
        parts.append(f"restore the run bit on {len(no_exec)} hook script(s)")
    return FixPlan("project.hook_scripts", " and ".join(parts).capitalize(), actions, safe=True,
                   data={"crlf": list(crlf), "no_exec": list(no_exec)})


def _to_lf(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"\r\n", b"\n"))


def _chmod_x(path: Path) -> None:
    mode = path.stat().st_mode
    path.chmod(mode | stat.S_IXUSR | ((mode & (stat.S_IRGRP | stat.S_IROTH)) >> 2))


async def _apply_scripts(ctx: PreflightContext, plan: FixPlan, answers: dict[str, str]) -> tuple[list[str], str | None]:
    done: list[str] = []

    def work() -> None:
        for path in plan.data["crlf"]:
            _to_lf(path)
            done.append(f"LF: {rel(ctx, path)}")
        for path in plan.data["no_exec"]:
            _chmod_x(path)
            done.append(f"chmod +x {rel(ctx, path)}")

    await asyncio.to_thread(work)
    return done, None


# -- unattended ----------------------------------------------------------------------------------
def _plan_unattended(ctx: PreflightContext) -> FixPlan | None:
    if not ctx.env:
        return None
    groups = unmet(ctx, read_hook_scripts(ctx))
    if not groups:
        return None
    specs = input_specs(ctx, groups)
    updates, _ = env_updates({}, specs)
    actions = [f"azd env set {k} {v}  (environment {ctx.env})" for k, v in updates.items()]
    return FixPlan("hooks.unattended", "Write the values the hooks would otherwise prompt for (answers may change them)",
                   actions, safe=True, needs_input=specs)


async def _apply_unattended(ctx: PreflightContext, plan: FixPlan, answers: dict[str, str]) -> tuple[list[str], str | None]:
    updates, errors = env_updates(answers, plan.needs_input)
    if errors:
        return [], "; ".join(errors)
    done = []
    for key, value in updates.items():
        await ctx.azd.env_set(key, value)
        ctx.env_values[key] = value
        done.append(f"azd env set {key} {value}")
    return done, None


# -- providers -----------------------------------------------------------------------------------
def _unregistered(ctx: PreflightContext) -> list[str]:
    data = ctx.facts.get("subscription.providers")
    return list(data) if isinstance(data, list) else []


def _plan_providers(ctx: PreflightContext) -> FixPlan | None:
    namespaces = _unregistered(ctx)
    if not namespaces or ctx.ports is None or not ctx.subscription:
        return None
    actions = [f"register {ns} on subscription {ctx.subscription}  (= az provider register --namespace {ns})" for ns in namespaces]
    actions.append(f"wait until each is Registered (up to {ctx.wait_timeout:.0f}s)")
    return FixPlan("subscription.providers", f"Register {len(namespaces)} resource provider(s) (free)", actions,
                   safe=True, data=namespaces)


async def _apply_providers(ctx: PreflightContext, plan: FixPlan, answers: dict[str, str]) -> tuple[list[str], str | None]:
    assert ctx.ports is not None and ctx.subscription
    port, sub = ctx.ports.providers, ctx.subscription
    namespaces: list[str] = list(plan.data)
    done = []
    for ns in namespaces:
        await asyncio.to_thread(port.register, sub, ns)
        ctx.say(f"registering {ns}")
        done.append(f"registered {ns}")
    start = time.monotonic()
    pending = set(namespaces)
    while pending:
        states: dict[str, Any] = {}
        for ns in sorted(pending):
            states[ns] = await asyncio.to_thread(port.registration_state, sub, ns)
        pending = {ns for ns, st in states.items() if str(st).lower() != REGISTERED}
        elapsed = time.monotonic() - start
        ctx.say(", ".join(f"{ns}: {st}" for ns, st in sorted(states.items())) + f" ({elapsed:.0f}s)")
        if not pending:
            break
        if elapsed >= ctx.wait_timeout:
            return done, f"still registering after {elapsed:.0f}s: {', '.join(sorted(pending))}; re-run preflight in a few minutes"
        await asyncio.sleep(ctx.poll_interval)
    return done, None


# -- az subscription -----------------------------------------------------------------------------
def _plan_account(ctx: PreflightContext) -> FixPlan | None:
    data = ctx.facts.get("signin.match")
    sub = (data or {}).get("subscription") if isinstance(data, dict) else None
    if not sub or ctx.tools.which("az") is None:
        return None
    return FixPlan("signin.match", "Point the az CLI at the environment's subscription (changes az's default for every shell)",
                   [f"az account set --subscription {sub}"], safe=False, data=sub)


async def _apply_account(ctx: PreflightContext, plan: FixPlan, answers: dict[str, str]) -> tuple[list[str], str | None]:
    code, out = await run_tool(ctx, ["az", "account", "set", "--subscription", str(plan.data)], 60)
    if code != 0:
        return [], out.strip().splitlines()[-1] if out.strip() else f"az exit {code}"
    return [f"az account set --subscription {plan.data}"], None


__all__ = ["FIXABLE", "apply_fix", "plan_fix", "replace"]
