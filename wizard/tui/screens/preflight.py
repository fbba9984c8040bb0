"""Preflight: every check as a live row (status, detail, fix); fix one, fix all, re-run.

Rows come from CheckUpdated events. Fixing is an intent to the App, which runs the preflight
package's planner and fixer in its own worker, asking through a modal when the fix needs it.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from wizard.core.events import CheckResult, CheckUpdated, Event
from wizard.core.steps import StepId
from wizard.tui.format import plain, status_text
from wizard.tui.screens.base import WizardScreen
from wizard.tui.widgets.fit_columns import NAME, SHORT, TEXT, fit_columns

COLUMNS = {"status": SHORT, "check": NAME, "detail": TEXT, "fix": TEXT}
ORDER = {"fail": 0, "warn": 1, "fixed": 2, "pass": 3, "skip": 4}


class PreflightScreen(WizardScreen):
    """Checks table + the selected check's full detail and fix."""

    step = StepId.PREFLIGHT
    subtitle = "known traps, before azd runs"
    BINDINGS = [
        Binding("x", "fix_selected", "Fix", id="fix-check"),
        Binding("a", "fix_all", "Fix all", id="fix-all"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(id="checks-summary")
        table: DataTable[Text] = DataTable(id="checks", cursor_type="row")
        yield table
        yield Static(id="check-detail")
        with Horizontal(classes="row"):
            yield Button("Next (n)", id="next", variant="success")

    def on_mount(self) -> None:
        table = self.query_one("#checks", DataTable)
        for key in COLUMNS:
            table.add_column(key.capitalize(), key=key)
        super().on_mount()

    def on_step_event(self, event: Event) -> None:
        if isinstance(event, CheckUpdated):
            self.sync_checks()

    def sync_checks(self) -> None:
        table = self.query_one("#checks", DataTable)
        checks = {k: self.shown(c) for k, c in self.wizard.state.step(StepId.PREFLIGHT).checks.items()}
        ordered = sorted(checks.values(), key=lambda c: ORDER.get(c.status, 9))
        if [c.id for c in ordered] != [k.value for k in table.rows]:
            selected = self.selected_id()
            table.clear()
            for check in ordered:
                table.add_row(*self.cells(check), key=check.id)
            if selected is not None and selected in table.rows:
                table.move_cursor(row=table.get_row_index(selected))
        for check in ordered:
            for key, cell in zip(COLUMNS, self.cells(check), strict=True):
                table.update_cell(check.id, key, cell)
        fit_columns(table, COLUMNS)
        counts: dict[str, int] = {}
        for check in checks.values():
            counts[check.status] = counts.get(check.status, 0) + 1
        summary = Text()
        for status in ("pass", "fixed", "warn", "fail", "skip"):
            if counts.get(status):
                summary.append(f"{counts[status]} {status}  ", style=status_text(status, check=True).style)
        self.query_one("#checks-summary", Static).update(summary or Text("running checks…", style="dim"))
        self.show_selected()
        self.refresh_bindings()

    def shown(self, check: CheckResult) -> CheckResult:
        """A check fixed from this screen stays `fixed` when the re-run finds it passing."""
        if check.status == "pass" and check.id in self.wizard.fixed_checks:
            return replace(check, status="fixed")
        return check

    def shown_status(self, check_id: str) -> str | None:
        check = self.wizard.state.step(StepId.PREFLIGHT).checks.get(check_id)
        return self.shown(check).status if check is not None else None

    @staticmethod
    def cells(check: CheckResult) -> tuple[Text, ...]:
        return (
            status_text(check.status, check=True, label=True),
            plain(check.title or check.id, "bold" if check.status == "fail" else ""),
            plain(check.detail),
            plain(check.fix or "", "green"),
        )

    def selected_id(self) -> str | None:
        table = self.query_one("#checks", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def show_selected(self) -> None:
        check_id = self.selected_id()
        check = self.wizard.state.step(StepId.PREFLIGHT).checks.get(check_id or "")
        detail = Text()
        if check is not None:
            detail.append(f"{check.title or check.id}", style="bold")
            detail.append(f" ({check.id})\n", style="dim")
            detail.append(check.detail)
            if check.fix:
                detail.append("\nfix: ", style="bold green")
                detail.append(check.fix)
        self.query_one("#check-detail", Static).update(detail)

    def on_resize(self) -> None:
        fit_columns(self.query_one("#checks", DataTable), COLUMNS)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_selected()
        self.refresh_bindings()

    def update_view(self) -> None:
        self.sync_checks()
        view = self.wizard.state.step(StepId.PREFLIGHT)
        failing = self.failing()
        if view.status == "failed" and failing and self.selected_id() not in failing:
            table = self.query_one("#checks", DataTable)  # put the first failing check under the cursor
            table.move_cursor(row=table.get_row_index(failing[0]))
            table.focus()

    def failing(self) -> list[str]:
        return [c.id for c in self.wizard.state.step(StepId.PREFLIGHT).checks.values() if c.status == "fail"]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        busy = self.wizard.state.running or self.wizard.busy
        if action == "fix_selected":
            return self.selected_id() in self.failing() and not busy
        if action == "fix_all":
            return bool(self.failing()) and not busy
        return super().check_action(action, parameters)

    def action_fix_selected(self) -> None:
        check_id = self.selected_id()
        if check_id:
            self.wizard.fix([check_id], ask=True)

    def action_fix_all(self) -> None:
        self.wizard.fix(self.failing(), ask=False)
