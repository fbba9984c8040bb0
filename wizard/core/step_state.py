"""What the engine knows about each step of a run: status, times, targets, failure.

Plain data the engine updates as events go out; `to_dict()` is the summary's step schema. Step
bodies (`flow`, `teardown`) return a `StepOutcome` without importing the engine itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.core.events import Failure
from wizard.core.steps import StepId, StepStatus, TargetStatus


def merged_phase(old_status: str, old_phase: str, status: str, phase: str) -> str:
    """A target's phase after an update: the update's own, else the old one while the status holds.

    A hook's "Running" must not outlive its run: an update to `done` without a phase of its own
    leaves no phase (the status says it), never the phase of the status before.
    """
    if phase:
        return phase
    return old_phase if status == old_status else ""


@dataclass
class TargetState:
    id: str
    status: str = TargetStatus.PENDING
    phase: str = ""
    detail: str = ""
    started: float | None = None
    finished: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "phase": self.phase, "detail": self.detail}


@dataclass
class StepState:
    id: StepId
    status: StepStatus = StepStatus.PENDING
    started: float | None = None
    finished: float | None = None
    targets: dict[str, TargetState] = field(default_factory=dict)
    failure: Failure | None = None
    detail: str = ""
    command: str | None = None

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


@dataclass
class StepOutcome:
    status: StepStatus
    failure: Failure | None = None
    detail: str = ""
