"""The unattended-fix policy: which checks get a fix applied without asking, with which answers.

One rule for every front end that fixes without asking: `deploy-wizard run --yes`, `deploy-wizard
preflight --fix-all` and the TUI's Fix all. Each asks `unattended_fixes` (or `decide`, for a plan
it already has) and only sequences and shows the decisions; none of them decides.

A fix is applied unattended when, and only when:

* the check **failed** (a warning does not stop the run: its fix is offered by `--fix` and the TUI's
  fix key, which ask first);
* a fix exists for it (`plan_fix` returns a plan);
* the plan is **free** (`paid` false) and **safe** (it changes only this project or environment;
  an unsafe one, such as moving az's default subscription for every shell, needs a confirmation);
* every input the plan needs has a **default**: the answers are exactly those defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from wizard.core.preflight.fixes import plan_fix
from wizard.core.preflight.model import FAIL, CheckResult, FixPlan, PreflightContext

__all__ = ["FixDecision", "Skip", "decide", "unattended_fixes"]


class Skip(StrEnum):
    """Why a check's fix is not applied unattended."""

    NOT_FAILING = "not-failing"  # passed, skipped, fixed, or only a warning
    NO_FIX = "no-fix"  # failed, but the fix is an instruction (install, sign in, edit the infra)
    PAID = "paid"
    UNSAFE = "unsafe"  # changes more than this project: needs a confirmation
    NEEDS_INPUT = "needs-input"  # asks for a value that has no default


@dataclass(frozen=True)
class FixDecision:
    """What unattended fixing does with one check: apply `plan` with `answers`, or skip and why."""

    result: CheckResult
    plan: FixPlan | None
    skip: Skip | None = None
    answers: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # NEEDS_INPUT: the inputs without a default

    @property
    def check_id(self) -> str:
        return self.result.id

    @property
    def apply(self) -> bool:
        return self.skip is None

    @property
    def why(self) -> str:
        """The skip reason in words (empty when the fix is applied)."""
        if self.skip is None:
            return ""
        if self.skip is Skip.NOT_FAILING:
            return f"{self.result.status}, not a failure: unattended fixes mend failed checks only"
        if self.skip is Skip.NO_FIX:
            return "no automatic fix; " + (self.result.fix or "see the check's detail")
        if self.skip is Skip.PAID:
            return "paid; needs your confirmation"
        if self.skip is Skip.UNSAFE:
            return "changes more than this project; needs your confirmation"
        return f"needs a value with no default ({', '.join(self.missing)})"

    @property
    def askable(self) -> bool:
        """Skipped, but a fix exists that an asking front end can offer (`--fix`, the TUI's x)."""
        return self.skip is not None and self.plan is not None

    @property
    def quiet(self) -> bool:
        """Nothing worth telling: a check that did not fail and has no fix either."""
        return self.skip is Skip.NOT_FAILING and self.plan is None

    def lines(self) -> list[str]:
        """What an unattended run says about this check: the plan it applies, or why it skips it."""
        if self.quiet:
            return []
        if self.plan is not None and self.apply:
            return self.plan.announce()
        if self.skip is Skip.NO_FIX:
            return [f"{self.check_id}: {self.why}"]
        return [f"{self.check_id}: not fixed unattended ({self.why})"]


def decide(result: CheckResult, plan: FixPlan | None) -> FixDecision:
    """The policy for one check result and its plan (`plan_fix(ctx, result)`)."""
    if result.status != FAIL:
        return FixDecision(result, plan, Skip.NOT_FAILING)
    if plan is None:
        return FixDecision(result, None, Skip.NO_FIX)
    if plan.paid:
        return FixDecision(result, plan, Skip.PAID)
    if not plan.safe:
        return FixDecision(result, plan, Skip.UNSAFE)
    missing = tuple(spec.key for spec in plan.needs_input if spec.default is None)
    if missing:
        return FixDecision(result, plan, Skip.NEEDS_INPUT, missing=missing)
    answers = {spec.key: spec.default for spec in plan.needs_input if spec.default is not None}
    return FixDecision(result, plan, None, answers)


def unattended_fixes(ctx: PreflightContext, results: Iterable[CheckResult]) -> Iterator[FixDecision]:
    """A decision per result, in order. `ctx` must have run these checks (the planner reads their
    facts). Lazy: each check is planned when the caller asks for it, so after the fix before it
    was applied (a fix may change what the next plan finds)."""
    for result in results:
        yield decide(result, plan_fix(ctx, result))
