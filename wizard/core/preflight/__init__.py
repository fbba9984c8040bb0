"""Preflight: every known trap checked before azd runs, and the safe ones fixed.

    ctx = PreflightContext(project, env, env_values, azd, ports, with_tests, tools=...)
    results = await run_preflight(ctx, on_result=callback, only={"tools.azd"})
    plan = plan_fix(ctx, result)          # FixPlan | None
    fixed = await apply_fix(ctx, plan, answers)
    for decision in unattended_fixes(ctx, results):   # --yes, --fix-all, Fix all: one policy
        ...                                           # decision.apply, .plan, .answers, .why

One module per family (tools, signin, project_checks, unattended, subscription, environment,
tests_check); the check table is registry.py, the facts are data.py.
"""

from wizard.core.preflight.check_runner import run_preflight
from wizard.core.preflight.fix_policy import FixDecision, Skip, decide, unattended_fixes
from wizard.core.preflight.fixes import apply_fix, plan_fix
from wizard.core.preflight.model import (
    AzdLike,
    CheckResult,
    FixPlan,
    InputSpec,
    PreflightContext,
    ToolsLike,
)
from wizard.core.preflight.registry import CHECKS

__all__ = [
    "CHECKS",
    "AzdLike",
    "CheckResult",
    "FixDecision",
    "FixPlan",
    "InputSpec",
    "PreflightContext",
    "Skip",
    "ToolsLike",
    "apply_fix",
    "decide",
    "plan_fix",
    "run_preflight",
    "unattended_fixes",
]
