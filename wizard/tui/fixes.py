"""Preflight fixes from the UI: re-check, plan, (ask), apply, and report each result as an event.

Runs inside an App worker. The preflight package does the work; this only sequences it, asks the
person through a modal, and feeds results back to the engine's record and the UI state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from wizard.core.events import CheckResult, CheckUpdated
from wizard.core.steps import StepId

Ask = Callable[[Any], Awaitable[dict[str, str] | None]]


async def fix_checks(engine: Any, check_ids: list[str], *, ask: Ask | None) -> list[CheckResult]:
    """Fix the given failing checks. With `ask`, each plan is confirmed (and its inputs filled);
    without it (fix all) only safe, free fixes that need no input beyond defaults are applied."""
    from wizard.core.flow import preflight_context
    from wizard.core.preflight import apply_fix, plan_fix, run_preflight

    step = StepId.PREFLIGHT
    ctx = preflight_context(engine)
    ctx.progress = lambda text: engine.say(step, text)
    # A fresh context knows nothing yet: re-run these checks so the planner has their facts.
    current = await run_preflight(ctx, only=set(check_ids))
    fixed: list[CheckResult] = []

    def report(check: CheckResult) -> None:
        engine.emit(CheckUpdated(step=step.value, check=check, ts=engine.clock()))

    for result in current:
        if result.status != "fail":
            report(result)
            continue
        plan = plan_fix(ctx, result)
        if plan is None:
            engine.say(step, f"{result.id}: no automatic fix; {result.fix or 'see the detail'}")
            continue
        if ask is not None:
            answers = await ask(plan)
            if answers is None:
                continue
        else:
            if not plan.safe or plan.paid or any(spec.default is None for spec in plan.needs_input):
                engine.say(step, f"{result.id}: not fixed automatically ({'paid' if plan.paid else 'needs your confirmation'}); press x on it")
                continue
            answers = {spec.key: spec.default for spec in plan.needs_input if spec.default is not None}
        engine.say(step, f"fix {result.id}: {plan.description}", *[f"  {a}" for a in plan.actions])
        outcome = await apply_fix(ctx, plan, answers)
        report(outcome)
        fixed.append(outcome)
    engine.refresh_env_values()
    return fixed
