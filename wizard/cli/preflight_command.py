"""`deploy-wizard preflight [--json] [--fix | --fix-all] [--with-tests]`.

Loads the project, selects the existing environment (never creates one), runs every check at
once, prints a table or JSON, and optionally applies fixes: `--fix` shows each plan and asks,
`--fix-all` applies what the unattended-fix policy allows (core/preflight/fix_policy.py: failed
checks' safe, free fixes with default answers). Exit 0 when nothing fails, 1 when
something does, 2 for bad input (no project, unknown environment).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import IO, TYPE_CHECKING, Any, TypeAlias

from wizard.core.backend import Backend
from wizard.core.engine import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Engine, RunOptions
from wizard.core.project import ProjectError, list_environments, load_project
from wizard.core.steps import StepId

if TYPE_CHECKING:
    from wizard.core.preflight import CheckResult, FixPlan, PreflightContext

ICONS = {"pass": "ok", "warn": "WARN", "fail": "FAIL", "skip": "skip", "fixed": "FIXED"}


async def run_preflight_command(
    options: RunOptions,
    backend: Backend,
    *,
    fix: bool,
    fix_all: bool,
    json_out: bool,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
    ask: Callable[[str], str] | None = None,
) -> int:
    from wizard.core.flow import preflight_context
    from wizard.core.preflight import run_preflight

    out = out or sys.stdout
    err = err or sys.stderr
    ask = ask or _ask_stdin
    try:
        project = load_project(options.project_dir)
    except ProjectError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    envs = [e.name for e in list_environments(project.root)]
    env = options.env_name or project.default_environment() or (envs[0] if len(envs) == 1 else None)
    if options.env_name and options.env_name not in envs:
        print(f"error: environment {options.env_name!r} does not exist (known: {', '.join(envs) or 'none'}); "
              "preflight does not create environments. Run it without -e for the checks that need none, or "
              f"create it first: azd env new {options.env_name} (or deploy-wizard run -e {options.env_name} --create)",
              file=err)
        return EXIT_USAGE
    options = replace(options, env_name=env if env in envs else None)
    engine = Engine(options, None, backend=backend, project=project)
    try:
        if options.env_name:
            step = await engine.run_step(StepId.ENVIRONMENT)
            if step.failure is not None:
                print(f"error: {step.failure.cause}", file=err)
                return EXIT_USAGE
        ctx = preflight_context(engine)
        progress = (lambda line: print(f"  {line}", file=err)) if not json_out else (lambda line: None)
        ctx.progress = progress
        if not json_out:
            where = f"environment {options.env_name}" if options.env_name else "no environment yet"
            print(f"Preflight for {project.name} ({where})", file=err)
        results = await run_preflight(ctx)
        applied: list[dict[str, Any]] = []
        if fix or fix_all:
            results = await _fixes(ctx, results, fix_all=fix_all, ask=ask, err=err, applied=applied)
        ok = not any(r.status == "fail" for r in results)
        if json_out:
            data: dict[str, Any] = {"checks": [r.to_dict() for r in results], "ok": ok}
            if fix or fix_all:
                data["fixes"] = applied
            out.write(json.dumps(data, indent=2) + "\n")
        else:
            _table(results, out)
            failed = sum(r.status == "fail" for r in results)
            warned = sum(r.status == "warn" for r in results)
            out.write(f"\n{len(results)} checks: {failed} failed, {warned} warning(s)\n")
            if not ok and not (fix or fix_all):
                out.write("Some can be fixed for you: deploy-wizard preflight --fix (or --fix-all)\n"
                          if any(r.fixable for r in results) else "")
        return EXIT_OK if ok else EXIT_FAILED
    finally:
        await engine.finish()


async def _fixes(
    ctx: PreflightContext,
    results: list[CheckResult],
    *,
    fix_all: bool,
    ask: Callable[[str], str],
    err: IO[str],
    applied: list[dict[str, Any]],
) -> list[CheckResult]:
    from wizard.core.preflight import apply_fix

    final: list[CheckResult] = []
    chosen = _unattended(ctx, results, err) if fix_all else _asked(ctx, results, ask, err)
    for result, plan, answers in chosen:
        if plan is None or answers is None:
            final.append(result)
            continue
        fixed = await apply_fix(ctx, plan, answers)
        print(f"  → {fixed.status}: {fixed.detail}", file=err)
        applied.append({"check": result.id, "actions": plan.actions, "status": fixed.status, "detail": fixed.detail})
        final.append(fixed)
    return final


# each result with the plan to apply and its answers, or no plan (left as it is)
Chosen: TypeAlias = "Iterator[tuple[CheckResult, FixPlan | None, dict[str, str] | None]]"


def _unattended(ctx: PreflightContext, results: list[CheckResult], err: IO[str]) -> Chosen:
    """--fix-all: the unattended-fix policy decides (wizard/core/preflight/fix_policy.py)."""
    from wizard.core.preflight import unattended_fixes

    for decision in unattended_fixes(ctx, results):
        if decision.apply and decision.plan is not None:
            _show_plan(decision.check_id, decision.plan, err)
            yield decision.result, decision.plan, decision.answers
            continue
        if decision.askable:
            print(f"- {decision.check_id}: not applied by --fix-all ({decision.why}); run with --fix to choose", file=err)
        yield decision.result, None, None


def _asked(ctx: PreflightContext, results: list[CheckResult], ask: Callable[[str], str], err: IO[str]) -> Chosen:
    """--fix: every fix there is, failed or warned, each shown and confirmed, its inputs asked for."""
    from wizard.core.preflight import plan_fix

    for result in results:
        plan = plan_fix(ctx, result)
        if plan is None:
            yield result, None, None
            continue
        _show_plan(result.id, plan, err)
        if ask("Apply this fix? [y/N] ").strip().lower() not in ("y", "yes"):
            yield result, None, None
            continue
        answers: dict[str, str] = {}
        for spec in plan.needs_input:
            choices = f" ({'/'.join(spec.choices)})" if spec.choices else ""
            value = ask(f"{spec.prompt}{choices} [{spec.default or ''}]: ").strip()
            answers[spec.key] = value or (spec.default or "")
        yield result, plan, answers


def _show_plan(check_id: str, plan: FixPlan, err: IO[str]) -> None:
    print(f"\n{check_id}: {plan.description}", file=err)
    for action in plan.actions:
        print(f"    {action}", file=err)


def _ask_stdin(prompt: str) -> str:
    print(prompt, end="", file=sys.stderr, flush=True)
    try:
        return input()
    except EOFError:
        return ""


def _table(results, out: IO[str]) -> None:
    width_id = max((len(r.id) for r in results), default=10) + 2
    width_title = max((len(r.title) for r in results), default=10) + 2
    out.write(f"{'ID':<{width_id}}{'STATUS':<8}{'TITLE':<{width_title}}DETAIL\n")
    for r in results:
        out.write(f"{r.id:<{width_id}}{ICONS.get(r.status, r.status):<8}{r.title:<{width_title}}{r.detail}\n")
        if r.fix and r.status in ("fail", "warn"):
            pad = " " * (width_id + 8)
            for i, line in enumerate(r.fix.splitlines()):
                out.write(f"{pad}{'fix: ' if i == 0 else '     '}{line}\n")
