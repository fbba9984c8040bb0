"""Headless rendering of engine events (`--plain`): for CI logs, pipes and terminals without a TUI.

One header per step, one line per target change (hook, resource, service, check) with elapsed
time, notices, the failure block, and a final summary whose last line names the failed step and
target. azd's own lines go to the run's raw log; `--verbose` echoes them too. Under GitHub
Actions (`GITHUB_ACTIONS=true`) each step is a `::group::`, failures become `::error`
annotations, and a Markdown table is appended to `$GITHUB_STEP_SUMMARY`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any

from wizard.cli.failure_text import annotation, describe_target, failure_lines
from wizard.core.durations import format_duration
from wizard.core.events import (
    CheckUpdated,
    Event,
    LinesReceived,
    Notice,
    RunFinished,
    RunStarted,
    StepFinished,
    StepStarted,
    TargetChanged,
)
from wizard.core.next_action import next_action
from wizard.core.steps import STEP_TITLES, StepId

ICONS = {
    "done": "✓",
    "failed": "✗",
    "running": "•",
    "skipped": "-",
    "warning": "!",
    "pending": " ",
    "cancelled": "⊘",
}
CHECK_ICONS = {"pass": "✓", "fixed": "✓", "warn": "!", "fail": "✗", "skip": "-"}


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


class PlainRenderer:
    """An engine sink that writes readable progress to a text stream."""

    def __init__(
        self,
        out: IO[str] | None = None,
        *,
        verbose: bool = False,
        github: bool | None = None,
        step_summary: Path | None = None,
    ) -> None:
        self.out = out or sys.stdout
        self.verbose = verbose
        self.github = os.environ.get("GITHUB_ACTIONS") == "true" if github is None else github
        summary_env = os.environ.get("GITHUB_STEP_SUMMARY")
        self.step_summary = step_summary or (Path(summary_env) if self.github and summary_env else None)
        self._steps: list[str] = []
        self._group_open = False
        self._last_target: dict[str, tuple[str, str]] = {}
        self._fixable: set[str] = set()  # preflight checks a fix exists for (their next action)
        self._env = ""

    def __call__(self, event: Event) -> None:
        handler = getattr(self, f"_on_{event.kind}", None)
        if handler is not None:
            handler(event)

    def _write(self, text: str) -> None:
        self.out.write(text + "\n")

    # -- events ---------------------------------------------------------------------------------
    def _on_run_started(self, event: RunStarted) -> None:
        self._steps = list(event.steps)
        self._env = event.env
        mode = " (simulated)" if event.simulated else ""
        self._write(f"deploy-wizard{mode}: {event.project_dir}")
        self._write(f"plan: {' → '.join(event.steps)}")
        self.out.flush()

    def _on_step_started(self, event: StepStarted) -> None:
        index = self._steps.index(event.step) + 1 if event.step in self._steps else 0
        header = f"[{index}/{len(self._steps)}] {event.title}" if index else event.title
        if self.github:
            self._close_group()
            self._write(f"::group::{header}")
            self._group_open = True
        else:
            self._write("")
            self._write(f"── {header} " + "─" * max(4, 60 - len(header)))
        self.out.flush()

    def _on_lines(self, event: LinesReceived) -> None:
        if self.verbose:
            if event.texts:
                self.out.write("  │ " + "\n  │ ".join(event.texts) + "\n")

    def _on_target(self, event: TargetChanged) -> None:
        key = (event.status, event.phase)
        if self._last_target.get(event.target) == key:
            return
        self._last_target[event.target] = key
        if event.target.startswith("check:"):
            return  # preflight checks print as check lines
        icon = ICONS.get(event.status, "•")
        elapsed = f" [{format_duration(event.elapsed)}]" if event.elapsed is not None and event.status != "running" else ""
        detail = f" — {event.detail}" if event.detail and event.status in ("done", "failed", "warning") else ""
        phase = event.phase or event.status
        self._write(f"  {icon} {describe_target(event.target)}: {phase}{elapsed}{detail}")
        self.out.flush()

    def _on_check(self, event: CheckUpdated) -> None:
        check = event.check
        if check.fixable:
            self._fixable.add(check.id)
        icon = CHECK_ICONS.get(check.status, "•")
        self._write(f"  {icon} {check.id:<26} {check.status:<5} {check.detail}")
        if check.status in ("fail", "warn") and check.fix:
            for line in check.fix.splitlines():
                self._write(f"      fix: {line}")
        self.out.flush()

    def _on_notice(self, event: Notice) -> None:
        icon = {"warning": "!", "success": "✓"}.get(event.level, "i")
        self._write(f"  {icon} {event.text}")

    def _on_step_finished(self, event: StepFinished) -> None:
        duration = format_duration(event.duration)
        if event.status == "failed" and event.failure is not None:
            failure = event.failure
            self._write(f"  ✗ {event.step} failed: {describe_target(failure.target)}")
            check = (failure.target or "").removeprefix("check:")
            after = next_action(failure, env=self._env or None, fixable=check in self._fixable)
            for line in failure_lines(failure, next_action=after):
                self._write(f"    {line}")
            if self.github:
                title = _gh_escape(f"{event.step} failed", prop=True)
                self._write(f"::error title={title}::{_gh_escape(annotation(failure, event.step))}")
        else:
            icon = ICONS.get(event.status, "•")
            detail = f" — {event.detail}" if event.detail else ""
            self._write(f"  {icon} {event.step} {event.status} in {duration}{detail}")
        self._close_group()
        self.out.flush()

    def _close_group(self) -> None:
        if self._group_open:
            self._write("::endgroup::")
            self._group_open = False

    def _on_run_finished(self, event: RunFinished) -> None:
        self._close_group()
        summary = event.summary
        self._write("")
        self._write("── Summary " + "─" * 50)
        for step in summary.get("steps", []):
            started, finished = step.get("started"), step.get("finished")
            took = format_duration(finished - started) if started and finished else ""
            icon = ICONS.get(step.get("status", ""), "•")
            self._write(f"  {icon} {step['id']:<12} {step.get('status', ''):<10} {took}")
        verify = summary.get("verify")
        if isinstance(verify, dict) and verify.get("checks"):
            from wizard.core.verify_report import count_text, report_counts

            self._write(f"  verify: {count_text(report_counts(verify))}")
        endpoints = summary.get("endpoints") or {}
        for name, url in endpoints.items():
            self._write(f"  endpoint {name}: {url}")
        telephony = summary.get("telephony")
        if isinstance(telephony, dict) and telephony.get("applies", True):
            state = "enabled" if telephony.get("enabled") else "disabled"
            self._write(f"  telephony: {state} ({telephony.get('detail', '')})")
        if summary.get("log"):
            self._write(f"  log: {summary['log']}")
        ran = {step.get("id") for step in summary.get("steps", []) if step.get("status") != "skipped"}
        if event.status == "done" and summary.get("env") and "teardown" not in ran:
            self._write(f"  next: deploy-wizard teardown -e {summary['env']}  (when you are done)")
        if self.step_summary is not None:
            self._append_step_summary(summary)
        self._write(event.message if event.status != "done" else f"deploy-wizard: {event.message}")
        self.out.flush()

    def _append_step_summary(self, summary: dict[str, Any]) -> None:
        rows = ["| Step | Status | Duration | Target | Cause |", "|---|---|---|---|---|"]
        for step in summary.get("steps", []):
            failure = step.get("failure") or {}
            started, finished = step.get("started"), step.get("finished")
            took = format_duration(finished - started) if started and finished else ""
            cause = str(failure.get("cause") or "").replace("|", "\\|").replace("\n", " ")
            rows.append(f"| {step['id']} | {step.get('status')} | {took} | {failure.get('target') or ''} | {cause} |")
        title = f"### deploy-wizard: {summary.get('env', '')} — {summary.get('status', '')}"
        if self.step_summary is None:
            return
        try:
            with open(self.step_summary, "a", encoding="utf-8") as handle:
                handle.write("\n".join([title, "", *rows, ""]) + "\n")
        except OSError:
            pass


def step_title(step: str) -> str:
    try:
        return STEP_TITLES[StepId(step)]
    except ValueError:
        return step
