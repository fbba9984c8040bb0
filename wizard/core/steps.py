"""Step ids, statuses, targets and the plan: the vocabulary shared by engine, UI, records and JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class StepId(StrEnum):
    ENVIRONMENT = "environment"
    PREFLIGHT = "preflight"
    PROVISION = "provision"
    DEPLOY = "deploy"
    PHONE = "phone"
    VERIFY = "verify"
    TEARDOWN = "teardown"


FLOW: tuple[StepId, ...] = (
    StepId.ENVIRONMENT,
    StepId.PREFLIGHT,
    StepId.PROVISION,
    StepId.DEPLOY,
    StepId.PHONE,
    StepId.VERIFY,
)

STEP_TITLES: dict[StepId, str] = {
    StepId.ENVIRONMENT: "Environment",
    StepId.PREFLIGHT: "Preflight",
    StepId.PROVISION: "Provision",
    StepId.DEPLOY: "Deploy",
    StepId.PHONE: "Phone",
    StepId.VERIFY: "Verify",
    StepId.TEARDOWN: "Teardown",
}


class StepStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self not in (StepStatus.PENDING, StepStatus.RUNNING)


class TargetStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    WARNING = "warning"


# A check's status (preflight's and verify's: pass | fixed | warn | fail | skip) as its target row's.
CHECK_TARGET_STATUS: dict[str, TargetStatus] = {
    "pass": TargetStatus.DONE,
    "fixed": TargetStatus.DONE,
    "warn": TargetStatus.WARNING,
    "skip": TargetStatus.SKIPPED,
    "fail": TargetStatus.FAILED,
}


def check_target_status(status: str) -> TargetStatus:
    """The target status a check's row shows; a status no check should report counts as failed
    (never shown as fine or skipped)."""
    return CHECK_TARGET_STATUS.get(status, TargetStatus.FAILED)


class TargetKind(StrEnum):
    HOOK = "hook"
    SERVICE = "service"
    RESOURCE = "resource"
    CHECK = "check"


def target_id(kind: TargetKind | str, name: str) -> str:
    """`hook:preprovision`, `service:webchat-demo`, `resource:azurerm_container_app/backend`."""
    return f"{TargetKind(kind).value}:{name}"


def split_target(target: str) -> tuple[str, str]:
    kind, _, name = target.partition(":")
    return kind, name


def describe_target(target: str | None) -> str:
    """`service:webchat-demo` → `service webchat-demo` (how every front end names a target)."""
    if not target:
        return "no specific target"
    kind, _, name = target.partition(":")
    kind = {"auth": "sign-in"}.get(kind, kind)
    return f"{kind} {name}" if name else kind


class PlanError(ValueError):
    """A --steps / --from value that names no step, or a plan with nothing to run."""


@dataclass(frozen=True)
class Plan:
    """The ordered steps of one run; `skipped` steps are shown but not run."""

    steps: tuple[StepId, ...] = FLOW
    skipped: frozenset[StepId] = field(default_factory=frozenset)

    def for_project(self, telephony: bool, phone: str | None = None) -> Plan:
        """The whole flow without the phone step where the project has no telephony (unless a number
        was given); a plan of chosen steps (`--steps`, `deploy-wizard phone`) stays as asked."""
        if telephony or phone or self.steps != FLOW:
            return self
        return Plan(steps=tuple(s for s in self.steps if s is not StepId.PHONE), skipped=self.skipped - {StepId.PHONE})

    @classmethod
    def build(
        cls,
        *,
        only: str | None = None,
        start: str | None = None,
        skip: str | None = None,
    ) -> Plan:
        """Build from CLI values: `--steps a,b`, `--from STEP`, `--skip a,b` (comma lists)."""
        steps = FLOW
        if only:
            wanted = {_parse_step(s) for s in only.split(",") if s.strip()}
            steps = tuple(s for s in FLOW if s in wanted) or tuple(wanted)
        skipped: set[StepId] = set()
        if start:
            first = _parse_step(start)
            if first not in steps:
                raise PlanError(f"--from {start}: that step is not in the plan ({', '.join(steps)})")
            index = steps.index(first)
            # The environment step always runs: later steps need the chosen environment.
            skipped.update(s for s in steps[:index] if s is not StepId.ENVIRONMENT)
        if skip:
            skipped.update(_parse_step(s) for s in skip.split(",") if s.strip())
        if not [s for s in steps if s not in skipped]:
            raise PlanError("the plan has no step left to run")
        return cls(steps=steps, skipped=frozenset(skipped))

    def runnable(self) -> list[StepId]:
        return [s for s in self.steps if s not in self.skipped]


def _parse_step(value: str) -> StepId:
    try:
        return StepId(value.strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in StepId)
        raise PlanError(f"unknown step {value.strip()!r}; steps are: {names}") from None
