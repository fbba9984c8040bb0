"""What the engine knows about each step of a run: status, times, targets, failure.

Plain data the engine updates as events go out, and the TUI's run model (tui/run_state.py) as
they come in: the same reducer for both. `to_dict()` is the summary's step schema. Step
bodies (`flow`, `teardown`) return a `StepOutcome` without importing the engine itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.core.events import Failure, TargetChanged
from wizard.core.steps import StepId, StepStatus, TargetStatus


def merged_phase(old_status: str, old_phase: str, status: str, phase: str) -> str:
    """A target's phase after an update: the update's own, else the old one while the status holds.

    A hook's "Running" must not outlive its run: an update to `done` without a phase of its own
    leaves no phase (the status says it), never the phase of the status before.
    """
    if phase:
        return phase
    return old_phase if status == old_status else ""


# A target that reaches one of these has finished (its clock stops); `running` starts it again.
FINISHED_TARGET = (TargetStatus.DONE, TargetStatus.FAILED, TargetStatus.SKIPPED, TargetStatus.WARNING)


@dataclass
class TargetState:
    """One hook, resource, service or check: what the summary records and the target table shows."""

    id: str
    status: str = TargetStatus.PENDING
    phase: str = ""
    detail: str = ""
    started: float | None = None
    finished: float | None = None

    def apply(self, event: TargetChanged) -> None:
        """The one reducer of a target's state, for the engine's record and the UI's model alike."""
        if event.status == TargetStatus.RUNNING:
            if self.started is None:
                self.started = event.ts
            self.finished = None
        elif event.status in FINISHED_TARGET:
            if self.started is None and event.elapsed is not None:
                self.started = event.ts - event.elapsed
            self.finished = event.ts
        self.phase = merged_phase(self.status, self.phase, event.status, event.phase)
        self.status = event.status
        self.detail = event.detail or self.detail

    def elapsed(self, now: float) -> float | None:
        return _elapsed(self.started, self.finished, now)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "phase": self.phase, "detail": self.detail}


@dataclass
class StepState:
    """A step's status, times, targets and failure. The engine and the UI's model (a subclass)
    change it only through `begin`, `apply_target` and `end`: one reducer for both."""

    id: StepId
    status: StepStatus = StepStatus.PENDING
    started: float | None = None
    finished: float | None = None
    targets: dict[str, TargetState] = field(default_factory=dict)
    failure: Failure | None = None
    detail: str = ""
    command: str | None = None

    @property
    def running(self) -> bool:
        return self.status == StepStatus.RUNNING

    @property
    def finished_ok(self) -> bool:
        """Done, or skipped: the flow may go on past it."""
        return self.status in (StepStatus.DONE, StepStatus.SKIPPED)

    def elapsed(self, now: float) -> float | None:
        return _elapsed(self.started, self.finished, now)

    def begin(self, ts: float) -> None:
        """The step (re)starts: a clean slate for its targets, failure and detail."""
        self.status = StepStatus.RUNNING
        self.started = ts
        self.finished = None
        self.failure = None
        self.detail = ""
        self.targets.clear()

    def apply_target(self, event: TargetChanged) -> TargetState:
        target = self.targets.get(event.target)
        if target is None:
            target = self.targets[event.target] = TargetState(event.target)
        target.apply(event)
        return target

    def end(self, status: StepStatus, *, finished: float, started: float | None = None,
            failure: Failure | None = None, detail: str = "") -> None:
        self.status = status
        if started is not None:
            self.started = started
        self.finished = finished
        self.failure = failure
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id.value,
            "status": self.status.value,
            "started": self.started,
            "finished": self.finished,
            "targets": [t.to_dict() for t in self.targets.values()],
            "failure": self.failure.to_dict() if self.failure else None,
            "detail": self.detail,
        }


def _elapsed(started: float | None, finished: float | None, now: float) -> float | None:
    if started is None:
        return None
    return (finished if finished is not None else now) - started


@dataclass
class StepOutcome:
    status: StepStatus
    failure: Failure | None = None
    detail: str = ""
