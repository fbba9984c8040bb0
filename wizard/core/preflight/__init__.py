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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# name -> the module that defines it. Loaded on first use (PEP 562), so a front end that needs one
# table of this package (toolbox.yaml for the readiness panel, say) does not import every check
# at startup.
_WHERE = {
    "run_preflight": "check_runner",
    "FixDecision": "fix_policy", "Skip": "fix_policy", "decide": "fix_policy", "unattended_fixes": "fix_policy",
    "apply_fix": "fixes", "plan_fix": "fixes",
    "AzdLike": "model", "CheckResult": "model", "FixPlan": "model", "InputSpec": "model",
    "PreflightContext": "model", "ToolsLike": "model",
    "CHECKS": "registry",
}
__all__ = [
    "CHECKS", "AzdLike", "CheckResult", "FixDecision", "FixPlan", "InputSpec", "PreflightContext", "Skip",
    "ToolsLike", "apply_fix", "decide", "plan_fix", "run_preflight", "unattended_fixes",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
