"""Per-run records on disk: `.azure/<env>/wizard/runs/<run-id>/{raw.log,events.jsonl,summary.json}`.

The raw log is appended and flushed batch by batch as output streams, so a crash or `kill -9`
loses at most the batch in flight. Everything written here has already been masked.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from wizard.core.events import Event, LinesReceived

RUNS_DIR = ("wizard", "runs")


def new_run_id(now: float | None = None) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now if now is not None else time.time()))
    return f"{stamp}-{secrets.token_hex(2)}"


def runs_dir(project_root: Path, env: str) -> Path:
    return project_root / ".azure" / env / RUNS_DIR[0] / RUNS_DIR[1]


class RunRecord:
    """Writes one run's files. Buffers in memory until `open()` (the env may not exist yet)."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.dir: Path | None = None
        self._raw: IO[str] | None = None
        self._events: IO[str] | None = None
        self._pending_raw: list[str] = []
        self._pending_events: list[str] = []
        self._raw_lines = 0

    @property
    def raw_log(self) -> Path | None:
        return self.dir / "raw.log" if self.dir else None

    @property
    def summary_path(self) -> Path | None:
        return self.dir / "summary.json" if self.dir else None

    def open(self, project_root: Path, env: str) -> Path:
        if self.dir is not None:
            return self.dir
        folder = runs_dir(project_root, env) / self.run_id
        folder.mkdir(parents=True, exist_ok=True)
        self.dir = folder
        self._raw = open(folder / "raw.log", "a", encoding="utf-8", errors="replace")
        self._events = open(folder / "events.jsonl", "a", encoding="utf-8")
        if self._pending_raw:
            self._raw.write("".join(self._pending_raw))
            self._raw.flush()
        if self._pending_events:
            self._events.write("".join(self._pending_events))
            self._events.flush()
        self._pending_raw.clear()
        self._pending_events.clear()
        return folder

    def write_raw(self, lines: list[str]) -> None:
        text = "\n".join(lines) + "\n" if lines else ""
        self._raw_lines += len(lines)
        if self._raw is None:
            self._pending_raw.append(text)
            return
        self._raw.write(text)
        self._raw.flush()

    def write_event(self, event: Event) -> None:
        if isinstance(event, LinesReceived):
            # The text is in raw.log already; the event keeps where it landed.
            data: dict[str, Any] = {
                "type": event.kind,
                "ts": event.ts,
                "step": event.step,
                "count": len(event.texts),
                "raw_log_end": self._raw_lines,
            }
        else:
            data = event.to_dict()
        line = json.dumps(data, default=str, ensure_ascii=False) + "\n"
        if self._events is None:
            self._pending_events.append(line)
            return
        self._events.write(line)
        self._events.flush()

    def write_summary(self, summary: dict[str, Any]) -> Path | None:
        if self.dir is None:
            return None
        path = self.dir / "summary.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(summary, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return path

    def close(self) -> None:
        for handle in (self._raw, self._events):
            if handle is not None:
                try:
                    handle.flush()
                    os.fsync(handle.fileno())
                except (OSError, ValueError):
                    pass
                handle.close()
        self._raw = self._events = None


@dataclass(frozen=True)
class PastRun:
    run_id: str
    dir: Path
    summary: dict[str, Any] | None

    @property
    def status(self) -> str:
        if self.summary is None:
            return "interrupted"
        return str(self.summary.get("status") or ("done" if self.summary.get("ok") else "failed"))

    @property
    def failing_step(self) -> str | None:
        for step in (self.summary or {}).get("steps", []):
            if step.get("status") in ("failed", "cancelled"):
                return step.get("id")
        return None

    @property
    def duration(self) -> float | None:
        steps = (self.summary or {}).get("steps", [])
        starts = [s["started"] for s in steps if s.get("started")]
        ends = [s["finished"] for s in steps if s.get("finished")]
        return (max(ends) - min(starts)) if starts and ends else None


def list_runs(project_root: Path, env: str) -> list[PastRun]:
    """Past runs of an environment, newest first."""
    folder = runs_dir(project_root, env)
    if not folder.is_dir():
        return []
    runs = []
    for child in sorted(folder.iterdir(), key=lambda p: p.name, reverse=True):
        if not child.is_dir():
            continue
        summary = None
        try:
            summary = json.loads((child / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            summary = None
        runs.append(PastRun(run_id=child.name, dir=child, summary=summary))
    return runs


def last_done(project_root: Path, env: str, steps: tuple[str, ...]) -> str | None:
    """Which of `steps` (e.g. provision, teardown) most recently finished done in this env's runs."""
    for run in list_runs(project_root, env):
        done = [s.get("id") for s in (run.summary or {}).get("steps", []) if s.get("status") == "done"]
        for step in reversed(done):
            if step in steps:
                return str(step)
    return None


def run_to_dict(run: PastRun) -> dict[str, Any]:
    """A past run as `report --json` and the History screen show it, with its first failure."""
    summary = run.summary or {}
    failure = None
    for step in summary.get("steps", []):
        if step.get("failure"):
            failure = {"step": step["id"], **step["failure"]}
            break
    return {
        "run_id": run.run_id,
        "status": run.status,
        "duration": run.duration,
        "failing_step": run.failing_step,
        "failure": failure,
        "log": str(run.dir / "raw.log"),
        "summary": str(run.dir / "summary.json") if run.summary is not None else None,
    }
