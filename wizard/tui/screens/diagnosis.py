"""A past run's diagnosis, as the engine recorded it in summary.json: what failed, where, why,
the fix, and the log lines it was read from. Pushed from History; Esc or q returns."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from wizard.core.records import PastRun, run_to_dict


def diagnosis_text(env: str, run: PastRun) -> Text:
    data: dict[str, Any] = run_to_dict(run)
    failure: dict[str, Any] = data.get("failure") or {}
    text = Text(f"{failure.get('title') or 'Failure'}\n", style="bold red")
    rows = (
        ("environment", env),
        ("run", run.run_id),
        ("step", failure.get("step")),
        ("target", failure.get("target") or "no specific target"),
        ("cause", failure.get("cause")),
        ("fix", failure.get("fix")),
        ("known issue", failure.get("kb_id")),
        ("log", data.get("log")),
    )
    for label, value in rows:
        if value:
            text.append(f"{label:<12}", style="bold green" if label == "fix" else "bold")
            text.append(f"{value}\n")
    evidence = failure.get("evidence") or []
    if evidence:
        text.append("\nevidence (from the log)\n", style="bold")
        for line in evidence:
            text.append(f"  {line}\n", style="dim")
    return text


class DiagnosisScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="diagnosis-back"),
        Binding("o", "open_log", "Open log", id="diagnosis-log"),
    ]

    def __init__(self, env: str, run: PastRun) -> None:
        super().__init__()
        self.env, self.run = env, run

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Diagnosis", "bold"), (f"  {self.env} · run {self.run.run_id}", "dim")), id="screen-title")
        with VerticalScroll():
            yield Static(diagnosis_text(self.env, self.run), id="diagnosis")
        yield Footer()

    def action_open_log(self) -> None:
        from wizard.tui.screens.log import open_run_log

        open_run_log(self.app, self.run)
