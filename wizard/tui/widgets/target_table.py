"""Targets of a step (hooks, resources, services) as rows: status icon, phase, elapsed, detail."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from wizard.core.steps import StepId, describe_target
from wizard.tui.format import format_duration, phase_text, plain, status_text
from wizard.tui.host import host
from wizard.tui.widgets.fit_columns import NAME, SHORT, TEXT, fit_columns

COLUMNS = {"status": SHORT, "target": NAME, "phase": SHORT, "time": SHORT, "detail": TEXT}


class TargetTable(DataTable[Text]):
    """Updated in place from `app.state`; Enter on a row filters the log to that target."""

    DEFAULT_CSS = """
    TargetTable {
        height: auto;
        max-height: 12;
    }
    """

    BINDINGS = [Binding("enter", "filter_log", "Filter log", id="filter-log")]

    class FilterRequested(Message):
        """The user picked a row: show only that target's lines."""

        def __init__(self, target: str) -> None:
            super().__init__()
            self.target = target

    def __init__(self, step: StepId, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.step = step
        self._shown: dict[str, tuple[object, ...]] = {}
        self._sync_pending = False
        self._revealed: str | None = None  # the failed target the cursor was last moved to

    def on_mount(self) -> None:
        for key in COLUMNS:
            self.add_column(key.capitalize() if key != "status" else "", key=key)
        self.sync()
        self.set_interval(1.0, self._tick)

    def on_resize(self) -> None:
        fit_columns(self, COLUMNS)
        # The failure panel appearing shrinks the table after the cursor was put on the failed
        # row: keep that row in view (DataTable scrolls to its cursor only when the cursor moves).
        if self.row_count:  # after the refresh: the scroll limits follow the new size only then
            self.call_after_refresh(self.move_cursor, row=self.cursor_row, animate=False)

    def sync_soon(self) -> None:
        """Sync once after the messages already queued: a batch of target events costs one sync."""
        if not self._sync_pending:
            self._sync_pending = True
            self.call_later(self._sync_if_pending)

    def _sync_if_pending(self) -> None:
        if self._sync_pending:
            self.sync()

    def sync(self) -> None:
        """Add new rows and rewrite changed cells (no full rebuild: keeps the cursor)."""
        self._sync_pending = False
        app = host(self)
        now = app.clock()
        view = app.state.step(self.step)
        targets = view.targets
        if len(targets) < self.row_count or any(key.value not in targets for key in self.rows):
            self.clear()
            self._shown.clear()
            self._revealed = None
        changed = False
        for target in targets.values():
            shown = (
                target.status,
                target.status == "failed",
                phase_text(target.status, target.phase),
                format_duration(target.elapsed(now)),
                target.detail,
            )
            before = self._shown.get(target.id)
            if before == shown:
                continue
            self._shown[target.id] = shown
            changed = True
            status, failed, phase, elapsed, detail = shown
            if before is None:
                self.add_row(
                    status_text(target.status),
                    plain(describe_target(target.id), "bold" if failed else ""),
                    plain(phase),
                    Text(elapsed),
                    plain(detail, "dim"),
                    key=target.id,
                )
                continue
            if before[0] != status:
                self.update_cell(target.id, "status", status_text(target.status))
            if before[1] != failed:
                self.update_cell(target.id, "target", plain(describe_target(target.id), "bold" if failed else ""))
            if before[2] != phase:
                self.update_cell(target.id, "phase", plain(phase))
            if before[3] != elapsed:
                self.update_cell(target.id, "time", Text(elapsed))
            if before[4] != detail:
                self.update_cell(target.id, "detail", plain(detail, "dim"))
        if changed:
            fit_columns(self, COLUMNS)
        failed_target = view.failure.target if view.failure is not None else None
        if failed_target is not None and failed_target != self._revealed and failed_target in self.rows:
            self.call_after_refresh(self._reveal, failed_target, 10)

    def _reveal(self, target: str, tries: int) -> None:
        """Once per failure (the user may move on), put the cursor on the row that failed, after a
        refresh and again until it holds. Under heavy load the cursor has still been seen back on
        the first row later (cause not found); the failure panel names the target either way."""
        if target == self._revealed or target not in self.rows:
            return
        if self.reveal_failure():
            self._revealed = target
        elif tries > 0:
            self.call_after_refresh(self._reveal, target, tries - 1)

    def reveal_failure(self) -> bool:
        """Put the cursor on the step's failed row, if there is one; whether it is there now."""
        app = host(self)
        failure = app.state.step(self.step).failure
        if failure is None or failure.target is None or failure.target not in self.rows:
            return False
        row = self.get_row_index(failure.target)
        self.move_cursor(row=row, animate=False)
        return self.cursor_row == row

    def _tick(self) -> None:
        app = host(self)
        if app.state.step(self.step).running:
            self.sync()

    def action_filter_log(self) -> None:
        if self.row_count:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
            if key.value:
                self.post_message(self.FilterRequested(key.value))
