"""Preflight fixes from the UI: re-check, plan, (ask), apply, and report each result as an event.

Runs inside an App worker. The preflight package does the work and, for Fix all, decides
(`unattended_fixes`: the same policy as `run --yes` and `preflight --fix-all`); this only
sequences it, asks the person through a modal, and feeds results back to the engine's record and
the UI state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from wizard.core.events import CheckResult, CheckUpdated
from wizard.core.steps import StepId

Ask = Callable[[Any], Awaitable[dict[str, str] | None]]


async def fix_checks(engine: Any, check_ids: list[str], *, ask: Ask | None) -> list[CheckResult]:
    """Fix the given failing checks. With `ask`, each plan is confirmed (and its inputs filled);
    without it (fix all) the unattended-fix policy picks the fixes and their answers."""
    from wizard.core.flow import preflight_context
    from wizard.core.preflight import (
        FixPlan,
        apply_fix,
        decide,
        plan_fix,
        run_preflight,
        unattended_fixes,
    )

    step = StepId.PREFLIGHT
    ctx = preflight_context(engine)
    ctx.progress = lambda text: engine.say(step, text)
    # A fresh context knows nothing yet: re-run these checks so the planner has their facts.
    current = await run_preflight(ctx, only=set(check_ids))
    fixed: list[CheckResult] = []

    def report(check: CheckResult) -> None:
        engine.emit(CheckUpdated(step=step.value, check=check, ts=engine.clock()))

    async def apply(plan: FixPlan, answers: dict[str, str]) -> None:
        engine.say(step, *plan.announce())
        outcome = await apply_fix(ctx, plan, answers)
        report(outcome)
        fixed.append(outcome)

    if ask is None:
        for decision in unattended_fixes(ctx, current):
            if decision.apply and decision.plan is not None:
                await apply(decision.plan, decision.answers)
            elif decision.result.status != "fail":
                report(decision.result)
            elif decision.askable:
                engine.say(step, f"{decision.check_id}: not fixed automatically ({decision.why}); press x on it")
            else:
                engine.say(step, f"{decision.check_id}: {decision.why}")
    else:
        for result in current:
            if result.status != "fail":
                report(result)
                continue
            plan = plan_fix(ctx, result)
            if plan is None:
                engine.say(step, f"{result.id}: {decide(result, None).why}")
                continue
            answers = await ask(plan)
            if answers is not None:
                await apply(plan, answers)
    engine.refresh_env_values()
    return fixed
