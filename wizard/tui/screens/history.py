"""History: past runs per environment (status, duration, failing step); open a run's log (o or
Enter) or its diagnosis (d). Read from the run records on disk (`records.list_runs`)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from wizard.core.project import list_environments
from wizard.core.records import PastRun, list_runs, run_to_dict
from wizard.tui.format import format_duration, plain, status_text


def runs_by_env(root: Any, first: str | None) -> list[tuple[str, PastRun]]:
    """Every environment's runs, newest first; the current environment's come first."""
    names = [e.name for e in list_environments(root)]
    names.sort(key=lambda n: (n != first, n))
    return [(name, run) for name in names for run in list_runs(root, name)]


def detail_text(env: str, run: PastRun) -> Text:
    data = run_to_dict(run)
    text = Text.assemble((f"{env} · {run.run_id}", "bold"), "  ", status_text(run.status), f" {run.status}")
    if run.duration is not None:
        text.append(f"  took {format_duration(run.duration)}", style="dim")
    failure = data.get("failure")
    if failure:
        text.append(f"\n{failure.get('step')} failed", style="bold red")
        text.append(f": {failure.get('target') or 'no specific target'}")
        text.append("\ncause: ", style="bold")
        text.append(str(failure.get("cause") or ""))
        if failure.get("fix"):
            text.append("\nfix: ", style="bold green")
            text.append(str(failure["fix"]))
        text.append("\nd opens the full diagnosis, o the log", style="dim")
    else:
        text.append("\no opens the log", style="dim")
    return text


class HistoryScreen(Screen[None]):
    """Pushed over the wizard; Esc or q returns."""

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="history-back"),
        Binding("o", "open_run", "Open log", id="history-open"),
        Binding("d", "diagnosis", "Diagnosis", id="history-diagnosis"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="screen-title")
        yield DataTable(id="runs", cursor_type="row")
        yield Static(id="history-detail")
        yield Footer()

    def on_mount(self) -> None:
        app: Any = self.app
        project = getattr(app, "project", None)
        current = app.teardown_env() if project else None
        self.runs = runs_by_env(project.root, current) if project else []
        title = Text.assemble(("History", "bold"), ("  past runs per environment, newest first", "dim"))
        self.query_one("#screen-title", Static).update(title)
        table = self.query_one("#runs", DataTable)
        for key in ("", "Environment", "Run", "Status", "Took", "Failing step", "Cause"):
            table.add_column(key, key=key or "icon")
        for env, run in self.runs:
            failure = run_to_dict(run).get("failure") or {}
            table.add_row(
                status_text({"interrupted": "cancelled"}.get(run.status, run.status)),
                plain(env, "bold"),
                plain(run.run_id),
                plain(run.status),
                Text(format_duration(run.duration)),
                plain(run.failing_step or ""),
                plain(str(failure.get("cause") or "")[:80], "dim"),
                key=f"{env}/{run.run_id}",
            )
        if not self.runs:
            self.query_one("#history-detail", Static).update(Text("No runs recorded yet (.azure/<env>/wizard/runs/).", style="dim"))
        table.focus()

    def selected(self) -> tuple[str, PastRun] | None:
        table = self.query_one("#runs", DataTable)
        if not self.runs or not 0 <= table.cursor_row < len(self.runs):
            return None
        return self.runs[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.query_one("#history-detail", Static).update(detail_text(*chosen))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "diagnosis":
            chosen = self.selected()
            return chosen is not None and run_to_dict(chosen[1]).get("failure") is not None
        if action == "open_run":
            return self.selected() is not None
        return True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_run()

    def action_open_run(self) -> None:
        from wizard.tui.screens.log import open_run_log

        chosen = self.selected()
        if chosen is None:
            return
        open_run_log(self.app, chosen[1])

    def action_diagnosis(self) -> None:
        from wizard.tui.screens.diagnosis import DiagnosisScreen

        chosen = self.selected()
        if chosen is not None and run_to_dict(chosen[1]).get("failure"):
            self.app.push_screen(DiagnosisScreen(*chosen))
