"""The UI's model of a run, fed only by engine events.

Screens and widgets read this instead of the engine, so they can be tested with synthetic events
and stay correct when a screen is rebuilt mid-run (state outlives screens). No Textual import.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wizard.core.events import (
    CheckResult,
    Event,
    Failure,
    Line,
    LinesReceived,
    Notice,
    RunFinished,
    RunStarted,
    StepFinished,
    StepStarted,
    TargetChanged,
)
from wizard.core.steps import FLOW, STEP_TITLES, StepId, StepStatus

MAX_LINES = 50_000


@dataclass
class TargetView:
    """One hook, resource, service or check row: what the target table shows."""

    id: str
    status: str = "pending"
    phase: str = ""
    detail: str = ""
    started: float | None = None
    finished: float | None = None

    def elapsed(self, now: float) -> float | None:
        if self.started is None:
            return None
        return (self.finished if self.finished is not None else now) - self.started


@dataclass
class StepView:
    """A step as the stepper, the step screens and the summary show it."""

    id: StepId
    status: str = StepStatus.PENDING.value
    started: float | None = None
    finished: float | None = None
    detail: str = ""
    failure: Failure | None = None
    targets: dict[str, TargetView] = field(default_factory=dict)
    checks: dict[str, CheckResult] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    skipped_in_plan: bool = False

    @property
    def title(self) -> str:
        return STEP_TITLES[self.id]

    @property
    def running(self) -> bool:
        return self.status == StepStatus.RUNNING.value

    @property
    def finished_ok(self) -> bool:
        return self.status in (StepStatus.DONE.value, StepStatus.SKIPPED.value)

    def elapsed(self, now: float) -> float | None:
        if self.started is None:
            return None
        return (self.finished if self.finished is not None else now) - self.started


@dataclass(frozen=True, slots=True)
class LogEntry:
    """A line with the step it came from (the engine's Line knows only its target)."""

    step: str
    line: Line


class RunState:
    """Everything the UI knows about the current run. `apply()` is the only writer."""

    def __init__(self, steps: Iterable[StepId] = FLOW) -> None:
        self.steps: dict[StepId, StepView] = {s: StepView(s) for s in steps}
        self.lines: deque[LogEntry] = deque(maxlen=MAX_LINES)
        self.total_lines = 0
        self.run_id: str | None = None
        self.env: str | None = None
        self.simulated = False
        self.current: StepId | None = None
        self.finished: RunFinished | None = None
        self.notices: list[Notice] = []

    # -- reading ---------------------------------------------------------------------------------
    def step(self, step: StepId) -> StepView:
        if step not in self.steps:
            self.steps[step] = StepView(step)
        return self.steps[step]

    @property
    def running(self) -> bool:
        return any(s.running for s in self.steps.values())

    @property
    def failed_step(self) -> StepView | None:
        return next((s for s in self.steps.values() if s.status == StepStatus.FAILED.value), None)

    def log_entries(self, *, target: str | None = None, search: str = "") -> Iterator[LogEntry]:
        needle = search.lower()
        for entry in self.lines:
            if target is not None and entry.line.target != target:
                continue
            if needle and needle not in entry.line.text.lower():
                continue
            yield entry

    def log_targets(self) -> list[str]:
        """Targets that own at least one log line, in first-seen order (the log filter's choices)."""
        seen: dict[str, None] = {}
        for entry in self.lines:
            if entry.line.target:
                seen.setdefault(entry.line.target, None)
        return list(seen)

    def summary(self) -> dict[str, Any]:
        return self.finished.summary if self.finished else {}

    # -- writing ---------------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        handler = getattr(self, f"_on_{event.kind}", None)
        if handler is not None:
            handler(event)

    def _on_run_started(self, event: RunStarted) -> None:
        self.run_id = event.run_id
        self.env = event.env or self.env
        self.simulated = event.simulated
        self.finished = None
        ordered = [StepId(s) for s in event.steps]
        for step in ordered:
            view = self.step(step)
            view.skipped_in_plan = step.value in event.skipped
        # Keep the plan's order (teardown runs append after the flow).
        self.steps = {**{s: self.steps[s] for s in ordered}, **{k: v for k, v in self.steps.items() if k not in ordered}}

    def _on_step_started(self, event: StepStarted) -> None:
        view = self.step(StepId(event.step))
        view.status = StepStatus.RUNNING.value
        view.started = event.ts
        view.finished = None
        view.failure = None
        view.detail = ""
        view.targets.clear()
        view.checks.clear()
        view.notices.clear()
        self.current = view.id

    def _on_lines(self, event: LinesReceived) -> None:
        self.lines.extend(LogEntry(event.step, line) for line in event.lines)
        self.total_lines += len(event.lines)

    def _on_target(self, event: TargetChanged) -> None:
        view = self.step(StepId(event.step))
        target = view.targets.get(event.target)
        if target is None:
            target = view.targets[event.target] = TargetView(event.target)
        if event.status == "running" and target.started is None:
            target.started = event.ts
        if event.status in ("done", "failed", "skipped", "warning"):
            if target.started is None and event.elapsed is not None:
                target.started = event.ts - event.elapsed
            target.finished = event.ts
        elif event.status == "running":
            target.finished = None
        target.status = event.status
        target.phase = event.phase or target.phase
        target.detail = event.detail or target.detail

    def _on_check(self, event: Any) -> None:
        self.step(StepId(event.step)).checks[event.check.id] = event.check

    def _on_notice(self, event: Notice) -> None:
        self.step(StepId(event.step)).notices.append(event)
        self.notices.append(event)

    def _on_step_finished(self, event: StepFinished) -> None:
        view = self.step(StepId(event.step))
        view.status = event.status
        view.started = event.started
        view.finished = event.finished
        view.failure = event.failure
        view.detail = event.detail
        if self.current == view.id:
            self.current = None

    def _on_run_finished(self, event: RunFinished) -> None:
        self.finished = event
        env = event.summary.get("env") if event.summary else None
        self.env = env or self.env

    def update_check(self, step: StepId, check: CheckResult) -> None:
        """A fix applied from the preflight screen returns a fresh result outside a step run."""
        self.step(step).checks[check.id] = check
