"""Typed events: the only thing the engine tells its consumers (TUI, plain renderer, records).

Every event is a frozen dataclass with a `kind` and `to_dict()` for the events JSONL. Lines arrive
in batches (`LinesReceived`) because azd, terraform and docker can burst thousands of lines a
second; per-line events would starve the UI.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, NamedTuple


def now() -> float:
    return time.time()


class Line(NamedTuple):
    """One cleaned output line (ANSI stripped, masked) and the target it belongs to, if known.

    A NamedTuple, not a dataclass: floods create one per line, and this is several times cheaper.
    """

    text: str
    target: str | None = None
    stream: str = "out"


@dataclass(frozen=True, slots=True)
class Failure:
    """Where a step failed and why. `kb_id` is None when the knowledge base did not recognise it."""

    step: str
    target: str | None
    cause: str
    fix: str | None = None
    evidence: tuple[str, ...] = ()
    kb_id: str | None = None
    title: str | None = None
    link: str | None = None
    fix_commands: tuple[str, ...] = ()
    evidence_lines: tuple[int, ...] = ()
    code: str | None = None  # Azure / Entra / Bicep error code of the root cause (InsufficientQuota, AADSTS50076, BCP420)
    code_message: str | None = None  # what Azure said with that code
    resource: str | None = None  # the resource at fault (`resource:<type>/<name>`), also when the target is a service
    doc_url: str | None = None  # the code's own documentation page
    location: str | None = None  # the source file and line at fault (`infra/main.bicep:57`)

    @property
    def recognised(self) -> bool:
        return self.kb_id is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "cause": self.cause,
            "fix": self.fix,
            "evidence": list(self.evidence),
            "id": self.kb_id,
            "title": self.title,
            "link": self.link,
            "fix_commands": list(self.fix_commands),
            "recognised": self.recognised,
            "code": self.code,
            "code_message": self.code_message,
            "resource": self.resource,
            "doc_url": self.doc_url,
            "location": self.location,
        }


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One preflight check outcome (schema of `preflight --json`)."""

    id: str
    title: str
    status: str  # pass | warn | fail | skip | fixed
    detail: str = ""
    fix: str | None = None
    fixable: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "fix": self.fix,
        }


@dataclass(frozen=True, slots=True)
class Event:
    kind: ClassVar[str] = "event"
    ts: float = field(default_factory=now, kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["type"] = self.kind
        return data


@dataclass(frozen=True, slots=True)
class RunStarted(Event):
    kind: ClassVar[str] = "run_started"
    run_id: str
    env: str
    project_dir: str
    steps: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    record_dir: str | None = None
    simulated: bool = False


@dataclass(frozen=True, slots=True)
class StepStarted(Event):
    kind: ClassVar[str] = "step_started"
    step: str
    title: str
    command: str | None = None


@dataclass(frozen=True, slots=True)
class LinesReceived(Event):
    """A batch of one step's output lines, as columns: `texts[i]` belongs to `targets[i]`.

    Columns, not a `Line` per line: a flood delivers 100k lines in a fraction of a second, and one
    object per line cost more than decoding, masking and attributing them together.
    """

    kind: ClassVar[str] = "lines"
    step: str
    texts: tuple[str, ...]
    targets: tuple[str | None, ...]
    stream: str = "out"  # "wizard" for the wizard's own lines (a command header, a notice)

    @classmethod
    def of(cls, step: str, lines: Sequence[Line | str], *, stream: str = "out", ts: float | None = None) -> LinesReceived:
        """From `Line`s or plain strings (no target): handy for tests and scripted runs."""
        pairs = [(line, None) if isinstance(line, str) else (line.text, line.target) for line in lines]
        texts = tuple(text for text, _ in pairs)
        targets = tuple(target for _, target in pairs)
        if ts is None:
            return cls(step=step, texts=texts, targets=targets, stream=stream)
        return cls(step=step, texts=texts, targets=targets, stream=stream, ts=ts)

    @property
    def lines(self) -> tuple[Line, ...]:
        """The batch as `Line`s (builds one object per line: not for hot paths)."""
        return tuple(Line(text, target, self.stream) for text, target in zip(self.texts, self.targets, strict=True))


@dataclass(frozen=True, slots=True)
class TargetChanged(Event):
    """A hook, resource, service or check changed status or phase."""

    kind: ClassVar[str] = "target"
    step: str
    target: str
    status: str  # TargetStatus value
    phase: str = ""
    detail: str = ""
    elapsed: float | None = None


@dataclass(frozen=True, slots=True)
class CheckUpdated(Event):
    kind: ClassVar[str] = "check"
    step: str
    check: CheckResult


@dataclass(frozen=True, slots=True)
class Notice(Event):
    """Something the user must know that is not a failure (telephony disabled, EasyAuth on...)."""

    kind: ClassVar[str] = "notice"
    step: str
    level: str  # info | warning | success
    text: str
    target: str | None = None


@dataclass(frozen=True, slots=True)
class StepFinished(Event):
    kind: ClassVar[str] = "step_finished"
    step: str
    status: str  # StepStatus value
    started: float
    finished: float
    failure: Failure | None = None
    detail: str = ""

    @property
    def duration(self) -> float:
        return max(0.0, self.finished - self.started)


@dataclass(frozen=True, slots=True)
class RunFinished(Event):
    kind: ClassVar[str] = "run_finished"
    ok: bool
    status: str  # done | failed | cancelled
    exit_code: int
    summary: dict[str, Any] = field(default_factory=dict)
    message: str = ""
