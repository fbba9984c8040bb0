"""run_preflight: every check at once (asyncio.gather), results reported as they finish."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from wizard.core.preflight.model import FAIL, CheckResult, Outcome, PreflightContext
from wizard.core.preflight.registry import CHECKS, CheckSpec
from wizard.core.redact import Redactor

CHECK_TIMEOUT = 120.0  # one stuck tool must not hold the others (tests have their own timeout)


def to_result(spec: CheckSpec, outcome: Outcome, ctx: PreflightContext) -> CheckResult:
    from wizard.core.preflight.fixes import FIXABLE

    fixable = spec.id in FIXABLE and outcome.status == FAIL
    return CheckResult(
        id=spec.id, title=spec.title, status=outcome.status, detail=outcome.detail, fix=outcome.fix or "", fixable=fixable
    )


async def _run_one(spec: CheckSpec, ctx: PreflightContext) -> Outcome:
    timeout = None if spec.id == "tests.project" else CHECK_TIMEOUT
    try:
        return await asyncio.wait_for(spec.func(ctx), timeout)
    except TimeoutError:
        return Outcome("warn", f"check did not finish within {CHECK_TIMEOUT:.0f}s")
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a bug or odd input in one check must not hide the others
        return Outcome("warn", f"check could not run: {type(exc).__name__}: {exc}")


async def run_preflight(
    ctx: PreflightContext,
    on_result: Callable[[CheckResult], None] | None = None,
    only: set[str] | None = None,
) -> list[CheckResult]:
    specs = [c for c in CHECKS if only is None or c.id in only]
    redactor = Redactor.from_env_values(ctx.env_values)

    async def run(spec: CheckSpec) -> CheckResult:
        outcome = await _run_one(spec, ctx)
        ctx.facts[spec.id] = outcome.data
        result = to_result(spec, outcome, ctx)
        result = _masked(result, redactor)
        if on_result is not None:
            on_result(result)
        return result

    return list(await asyncio.gather(*(run(s) for s in specs)))


def _masked(result: CheckResult, redactor: Redactor) -> CheckResult:
    from dataclasses import replace

    return replace(result, detail=redactor.mask(result.detail), fix=redactor.mask(result.fix or ""))
