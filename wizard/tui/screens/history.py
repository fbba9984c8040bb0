"""History: past runs of the environment (status, duration, failing step); open a run's log."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from wizard.core.records import PastRun, list_runs
from wizard.tui.format import format_duration, plain, status_text


class HistoryScreen(Screen[None]):
    """Pushed over the wizard. Enter opens the selected run's raw.log."""

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="history-back"),
        Binding("o", "open_run", "Open log", id="history-open"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="screen-title")
        yield DataTable(id="runs", cursor_type="row")
        yield Static(id="run-detail")
        yield Footer()

    def on_mount(self) -> None:
        app = self.app
        project = getattr(app, "project", None)
        env = app.teardown_env() if project else None  # type: ignore[attr-defined]
        self.runs: list[PastRun] = list_runs(project.root, env) if project and env else []
        title = Text.assemble(("History", "bold"), (f"  environment {env or '—'}, newest first", "dim"))
        self.query_one("#screen-title", Static).update(title)
        table = self.query_one("#runs", DataTable)
        for key in ("", "Run", "Status", "Took", "Failing step", "Message"):
            table.add_column(key, key=key or "icon")
        for run in self.runs:
            summary = run.summary or {}
            table.add_row(
                status_text({"interrupted": "cancelled"}.get(run.status, run.status)),
                plain(run.run_id),
                plain(run.status),
                Text(format_duration(run.duration)),
                plain(run.failing_step or ""),
                plain(_message(summary), "dim"),
                key=run.run_id,
            )
        if not self.runs:
            self.query_one("#run-detail", Static).update(Text("No runs recorded yet.", style="dim"))
        table.focus()

    def action_open_run(self) -> None:
        table = self.query_one("#runs", DataTable)
        if not self.runs:
            return
        run = self.runs[table.cursor_row]
        self.open_run(run)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_run()

    def open_run(self, run: PastRun) -> None:
        from wizard.tui.screens.log import LogScreen

        path = run.dir / "raw.log"
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            self.notify(f"cannot read {path}: {exc.strerror}", severity="error", markup=False)
            return
        self.app.push_screen(LogScreen(lines=lines, title=f"Run {run.run_id} — {path}"))


def _message(summary: dict[str, object]) -> str:
    for step in summary.get("steps", []) or []:  # type: ignore[union-attr]
        failure = step.get("failure") if isinstance(step, dict) else None
        if failure:
            return str(failure.get("cause", ""))[:80]
    return ""
