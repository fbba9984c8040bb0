"""Targets of a step (hooks, resources, services) as rows: status icon, phase, elapsed, detail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from wizard.core.steps import StepId
from wizard.tui.format import describe_target, format_duration, plain, status_text

if TYPE_CHECKING:
    from wizard.tui.app import WizardApp

COLUMNS = (("status", 2), ("target", 44), ("phase", 16), ("time", 6), ("detail", 40))


class TargetTable(DataTable[Text]):
    """Updated in place from `app.state`; Enter on a row filters the log to that target."""

    BINDINGS = [Binding("enter", "filter_log", "Filter log", id="filter-log")]

    class FilterRequested(Message):
        """The user picked a row: show only that target's lines."""

        def __init__(self, target: str) -> None:
            super().__init__()
            self.target = target

    def __init__(self, step: StepId, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.step = step

    def on_mount(self) -> None:
        for key, width in COLUMNS:
            self.add_column(key.capitalize() if key != "status" else "", key=key, width=width)
        self.sync()
        self.set_interval(1.0, self._tick)

    def sync(self) -> None:
        """Add new rows and rewrite changed cells (no full rebuild: keeps the cursor)."""
        app: WizardApp = self.app  # type: ignore[assignment]
        now = app.clock()
        targets = app.state.step(self.step).targets
        if len(targets) < self.row_count:
            self.clear()
        for target in targets.values():
            cells = (
                status_text(target.status),
                plain(describe_target(target.id), "bold" if target.status == "failed" else ""),
                plain(target.phase or target.status),
                Text(format_duration(target.elapsed(now))),
                plain(target.detail, "dim"),
            )
            if target.id not in self.rows:
                self.add_row(*cells, key=target.id)
                continue
            for (key, _), cell in zip(COLUMNS, cells, strict=True):
                self.update_cell(target.id, key, cell)

    def _tick(self) -> None:
        app: WizardApp = self.app  # type: ignore[assignment]
        if app.state.step(self.step).running:
            self.sync()

    def action_filter_log(self) -> None:
        if self.row_count:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
            if key.value:
                self.post_message(self.FilterRequested(key.value))
