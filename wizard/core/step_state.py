"""What the engine knows about each step of a run: status, times, targets, failure.

Plain data the engine updates as events go out; `to_dict()` is the summary's step schema. Step
bodies (`flow`, `teardown`) return a `StepOutcome` without importing the engine itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.core.events import Failure
from wizard.core.steps import StepId, StepStatus, TargetStatus


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
