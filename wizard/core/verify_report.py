"""The verification report: one check per finding, the endpoints, telephony, and its renderings.

Kept apart from the probing so a renderer (CLI text, JSON, TUI table) can read a report without
pulling in how it was gathered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class VerifyCheck:
    id: str  # e.g. "image:rtaudio-server", "health:backend", "telephony"
    target: str  # "service:<name>" or "check:<id>"
    status: str  # pass | warn | fail | skip
    title: str
    detail: str = ""
    fix: str | None = None
    kb_id: str | None = None  # knowledge-base id (wizard/core/knowledge) when one explains it

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": self.target,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "fix": self.fix,
        }


@dataclass
class VerifyReport:
    checks: list[VerifyCheck] = field(default_factory=list)
    endpoints: dict[str, str] = field(default_factory=dict)
    telephony_enabled: bool = False
    telephony_detail: str = ""
    telephony_applies: bool = True  # False: the project has no telephony at all (a todo app)

    @property
    def ok(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    @property
    def failures(self) -> list[VerifyCheck]:
        return [c for c in self.checks if c.status == "fail"]

    def counts(self) -> dict[str, int]:
        """How many checks passed, warned, failed and were skipped: each counted apart (a warning
        is not a pass)."""
        keys = {"pass": "passed", "warn": "warned", "fail": "failed", "skip": "skipped"}
        counts = dict.fromkeys(keys.values(), 0)
        for check in self.checks:
            counts[keys.get(check.status, "skipped")] += 1
        return counts

    def count_text(self) -> str:
        return count_text(self.counts())

    def for_target(self, target: str) -> list[VerifyCheck]:
        return [c for c in self.checks if c.target == target]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "counts": self.counts(),
            "checks": [c.to_dict() for c in self.checks],
            "endpoints": dict(self.endpoints),
            "telephony": {"enabled": self.telephony_enabled, "detail": self.telephony_detail},
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2)

    def lines(self) -> list[str]:
        """A plain-text rendering (one line per check, endpoints, telephony)."""
        marks = {"pass": "ok  ", "warn": "warn", "fail": "FAIL", "skip": "skip"}
        out = [f"[{marks.get(c.status, c.status)}] {c.target}: {c.title}" + (f" - {c.detail}" if c.detail else "") for c in self.checks]
        out.append(f"checks: {self.count_text()}")
        for check in self.failures:
            if check.fix:
                out.append(f"fix {check.target}: {check.fix}")
        for name, url in self.endpoints.items():
            out.append(f"endpoint {name}: {url}")
        out.append(f"telephony: {'enabled' if self.telephony_enabled else 'disabled'} ({self.telephony_detail})")
        return out


def report_counts(report: dict[str, Any]) -> dict[str, int]:
    """The counts of a report as JSON (summary.json's `verify`), from its checks when it has none."""
    counts = report.get("counts")
    if isinstance(counts, dict):
        return {str(k): int(v) for k, v in counts.items()}
    checks = [c for c in report.get("checks", []) if isinstance(c, dict)]
    rebuilt = VerifyReport([VerifyCheck(str(c.get("id", "")), str(c.get("target", "")), str(c.get("status", "")), "") for c in checks])
    return rebuilt.counts()


def count_text(counts: dict[str, int]) -> str:
    """`3 passed, 2 warned, 0 failed` (and `, 1 skipped` when any was)."""
    text = f"{counts.get('passed', 0)} passed, {counts.get('warned', 0)} warned, {counts.get('failed', 0)} failed"
    return text + (f", {counts['skipped']} skipped" if counts.get("skipped") else "")


def short_error(exc: BaseException) -> str:
    """An exception as a check's detail: its first line, bounded, so SDK tracebacks stay readable."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
