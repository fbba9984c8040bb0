"""Verify: the engine's post-deploy checks (status, detail, fix) and the endpoints it found."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from wizard.core.events import Event, TargetChanged
from wizard.core.steps import StepId
from wizard.tui.format import plain, status_text
from wizard.tui.screens.base import WizardScreen
from wizard.tui.widgets.target_table import TargetTable


def verify_table(report: dict[str, Any]) -> Table:
    """engine.facts['verify']: checks with status, detail and fix, and below them how many passed,
    warned and failed (each counted apart).

    Check names are never wrapped or cut while the screen has room (their column is as wide as
    the longest); details wrap in what is left; the fix column is there only when a check has one.
    """
    from wizard.core.verify_report import count_text, report_counts

    checks = report.get("checks", [])
    fixes = any(check.get("fix") for check in checks)
    counts = report_counts(report)
    caption = Text(count_text(counts), style="bold red" if counts.get("failed") else "yellow" if counts.get("warned") else "green")
    table = Table(expand=True, box=None, padding=(0, 1), show_edge=False, caption=caption, caption_justify="left")
    table.add_column("", width=2, no_wrap=True)
    table.add_column("check", no_wrap=True)
    table.add_column("detail", ratio=3)
    if fixes:
        table.add_column("fix", ratio=2)
    for check in checks:
        status = str(check.get("status", ""))
        cells = [
            status_text(status, check=True),
            plain(f"{check.get('title') or check.get('id')}", "bold" if status == "fail" else ""),
            plain(check.get("detail") or "", "dim"),
        ]
        if fixes:
            cells.append(plain(check.get("fix") or "", "green"))
        table.add_row(*cells)
    return table


def endpoints_text(endpoints: dict[str, str]) -> Text:
    text = Text("Endpoints", style="bold")
    for name, url in endpoints.items():
        text.append(f"\n  {name:<16}", style="bold")
        text.append(url, style="underline")
    if not endpoints:
        text.append("\n  none found yet", style="dim")
    return text


class VerifyScreen(WizardScreen):
    """Live rows while verify runs; the engine's report when it is done."""

    step = StepId.VERIFY
    subtitle = "is it really working?"

    def compose_body(self) -> ComposeResult:
        yield TargetTable(StepId.VERIFY, id="targets")
        yield Static(id="verify-report")
        yield Static(id="endpoints")
        with Horizontal(classes="row"):
            yield Button("Start verify (g)", id="start", variant="primary")
            yield Button("Summary (n)", id="next", variant="success")

    def on_step_event(self, event: Event) -> None:
        if isinstance(event, TargetChanged):
            self.query_one(TargetTable).sync()

    def update_view(self) -> None:
        view = self.wizard.state.step(StepId.VERIFY)
        facts = getattr(self.wizard.engine, "facts", {}) or {}
        report = facts.get("verify") if view.status != "pending" else None
        table = self.query_one(TargetTable)
        table.sync()
        table.display = not isinstance(report, dict)
        body = self.query_one("#verify-report", Static)
        body.display = isinstance(report, dict)
        if isinstance(report, dict):
            body.update(verify_table(report))
        endpoints = facts.get("endpoints") if view.finished_ok or view.status == "failed" else None
        self.query_one("#endpoints", Static).update(endpoints_text(endpoints) if isinstance(endpoints, dict) else Text(""))
