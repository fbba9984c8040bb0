"""What the parser reports: target statuses, per-line attributions and failure marks.

Plain data shared by the parser and its readers (`attribute`, `diagnose`), kept apart from the
state machine so they can be used without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.core.steps import TargetStatus

# The target statuses the parser reports, as plain strings (steps.TargetStatus is the vocabulary).
RUNNING = TargetStatus.RUNNING.value
DONE = TargetStatus.DONE.value
FAILED = TargetStatus.FAILED.value
SKIPPED = TargetStatus.SKIPPED.value
WARNING = TargetStatus.WARNING.value
PENDING = TargetStatus.PENDING.value

# Mark kinds that say the run failed (a hook-warning does not): for `diagnose` and `explain` alike.
FAILURE_MARKS = frozenset(
    {"azd-error", "tf-error", "resource-failed", "service-failed", "hook-failed", "prompt-required", "arm-detail"}
)


@dataclass(frozen=True)
class TargetUpdate:
    target: str
    status: str  # TargetStatus value: pending|running|done|failed|skipped|warning
    phase: str = ""
    detail: str = ""


@dataclass
class Attribution:
    target: str | None
    updates: list[TargetUpdate] = field(default_factory=list)


@dataclass
class Mark:
    """A failure signal seen in the output. `index` is the 0-based number of the fed line."""

    kind: str  # azd-error | tf-error | resource-failed | service-failed | hook-failed | hook-warning | arm-detail | prompt-required
    index: int
    text: str
    target: str | None = None
    file: str | None = None
    line: int | None = None
    block: str | None = None
    step_hint: str | None = None
    related: list[int] = field(
        default_factory=list
    )  # indices of lines that belong to the mark (with/on lines)
