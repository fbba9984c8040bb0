"""The UI's model of a run, fed only by engine events.

Screens and widgets read this instead of the engine, so they can be tested with synthetic events
and stay correct when a screen is rebuilt mid-run (state outlives screens). No Textual import.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from wizard.core.events import (
    CheckResult,
    Event,
    Line,
    LinesReceived,
    Notice,
    RunFinished,
    RunStarted,
    StepFinished,
    StepStarted,
    TargetChanged,
)
from wizard.core.step_state import StepState
from wizard.core.steps import FLOW, STEP_TITLES, StepId, StepStatus

MAX_LINES = 50_000


@dataclass
class StepView(StepState):
    """A step as the stepper, the step screens and the summary show it: the engine's step state
    (same reducer, core/step_state.py) plus what only the screens keep."""

    checks: dict[str, CheckResult] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    skipped_in_plan: bool = False

    @property
    def title(self) -> str:
        return STEP_TITLES[self.id]

    def begin(self, ts: float) -> None:
        super().begin(ts)
        self.checks.clear()
        self.notices.clear()


@dataclass(frozen=True, slots=True)
class StepActions:
    """What a step's screen offers now: its keys (g n r c) and its Start / Next buttons alike."""

    start: bool  # it has not run, and nothing else runs
    next: bool  # it finished well (done or skipped), and nothing runs
    retry: bool  # it failed or was cancelled, and nothing runs
    cancel: bool  # it runs


@dataclass(frozen=True, slots=True)
class LogEntry:
    """A line with the step it came from (the engine's Line knows only its target)."""

    step: str
    line: Line


class LogChunk:
    """One batch of lines of one step, kept as the event's columns.

    Plain tuples of strings instead of one object per line: a 100k-line flood would otherwise
    leave ~100k live container objects that every full garbage collection walks (70 ms pauses).
    """

    __slots__ = ("step", "texts", "targets", "wizard", "target_set")

    def __init__(self, step: str, texts: Sequence[str], targets: Sequence[str | None], *, wizard: bool = False) -> None:
        self.step = step
        self.texts: Sequence[str] = texts
        self.targets: Sequence[str | None] = targets
        self.wizard = wizard  # the wizard's own lines (a command header, a notice), marked with »
        self.target_set: dict[str | None, None] = dict.fromkeys(targets)

    @classmethod
    def of(cls, event: LinesReceived) -> LogChunk:
        return cls(event.step, event.texts, event.targets, wizard=event.stream == "wizard")

    def __len__(self) -> int:
        return len(self.texts)

    def drop_first(self, count: int) -> None:
        self.texts = self.texts[count:]
        self.targets = self.targets[count:]
        self.target_set = dict.fromkeys(self.targets)

    def line(self, index: int) -> Line:
        return Line(self.texts[index], self.targets[index], "wizard" if self.wizard else "out")

    def rendered(self, *, target: str | None = None, search: str = "") -> list[str]:
        """The chunk's lines as the log shows them (wizard lines marked), optionally filtered."""
        texts = self.texts
        if target is not None or search:
            needle = search.lower()
            if target is not None and target not in self.target_set:
                return []
            texts = [
                text for text, owner in zip(texts, self.targets, strict=True)
                if (target is None or owner == target) and (not needle or needle in text.lower())
            ]
        if self.wizard:
            return [f"» {text}" for text in texts]
        return list(texts)


class LogBuffer:
    """The last `maxlen` log lines of the run, kept per batch (see `LogChunk`)."""

    def __init__(self, maxlen: int = MAX_LINES) -> None:
        self.maxlen = maxlen
        self.chunks: deque[LogChunk] = deque()
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[LogEntry]:
        for chunk in list(self.chunks):
            for index in range(len(chunk)):
                yield LogEntry(chunk.step, chunk.line(index))

    def add(self, chunk: LogChunk) -> None:
        if not len(chunk):
            return
        if len(chunk) > self.maxlen:
            chunk.drop_first(len(chunk) - self.maxlen)
        self.chunks.append(chunk)
        self._len += len(chunk)
        while self._len > self.maxlen:
            first = self.chunks[0]
            extra = self._len - self.maxlen
            if extra >= len(first):
                self.chunks.popleft()
                self._len -= len(first)
            else:
                first.drop_first(extra)
                self._len -= extra

    def clear(self) -> None:
        self.chunks.clear()
        self._len = 0


class RunState:
    """Everything the UI knows about the current run. `apply()` is the only writer."""

    def __init__(self, steps: Iterable[StepId] = FLOW) -> None:
        self.steps: dict[StepId, StepView] = {s: StepView(s) for s in steps}
        self.lines = LogBuffer(MAX_LINES)
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

    def actions(self, step: StepId) -> StepActions:
        view = self.step(step)
        idle = not self.running
        return StepActions(
            start=view.status == StepStatus.PENDING and idle,
            next=view.finished_ok and idle,
            retry=view.status in (StepStatus.FAILED, StepStatus.CANCELLED) and idle,
            cancel=view.running,
        )

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

    def log_lines(self, *, step: str | None = None, target: str | None = None, search: str = "") -> list[str]:
        """The kept lines as the log shows them (wizard lines marked), filtered; fast for floods."""
        out: list[str] = []
        for chunk in list(self.lines.chunks):
            if step is None or chunk.step == step:
                out.extend(chunk.rendered(target=target, search=search))
        return out

    def log_targets(self) -> list[str]:
        """Targets that own at least one log line, in first-seen order (the log filter's choices)."""
        seen: dict[str, None] = {}
        for chunk in self.lines.chunks:
            for target in chunk.target_set:
                if target:
                    seen.setdefault(target, None)
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
        view.begin(event.ts)
        self.current = view.id

    def _on_lines(self, event: LinesReceived) -> None:
        self.lines.add(LogChunk.of(event))
        self.total_lines += len(event.texts)

    def _on_target(self, event: TargetChanged) -> None:
        self.step(StepId(event.step)).apply_target(event)

    def _on_check(self, event: Any) -> None:
        self.step(StepId(event.step)).checks[event.check.id] = event.check

    def _on_notice(self, event: Notice) -> None:
        self.step(StepId(event.step)).notices.append(event)
        self.notices.append(event)

    def _on_step_finished(self, event: StepFinished) -> None:
        view = self.step(StepId(event.step))
        view.end(StepStatus(event.status), started=event.started, finished=event.finished,
                 failure=event.failure, detail=event.detail)
        if self.current == view.id:
            self.current = None

    def _on_run_finished(self, event: RunFinished) -> None:
        self.finished = event
        env = event.summary.get("env") if event.summary else None
        self.env = env or self.env

    def update_check(self, step: StepId, check: CheckResult) -> None:
        """A fix applied from the preflight screen returns a fresh result outside a step run."""
        self.step(step).checks[check.id] = check
