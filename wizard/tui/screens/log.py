"""The full log: every step's lines (or a past run's raw.log), follow/pause, filter, search, save."""

from __future__ import annotations

from rich.text import Text
from textual import getters
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Select, Static

from wizard.core.events import Event, LinesReceived
from wizard.core.records import PastRun
from wizard.core.steps import describe_target
from wizard.tui.app_base import WizardAppBase
from wizard.tui.widgets.log_view import LOG_BINDINGS, LogView


class LogScreen(Screen[None]):
    """Pushed over the wizard; Esc or q returns. The engine keeps running underneath."""

    wizard = getters.app(WizardAppBase)

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="log-back"),
        *LOG_BINDINGS,
        Binding("t", "pick_target", "Filter target", id="log-target"),
    ]

    def __init__(self, *, target: str | None = None, lines: list[str] | None = None, title: str = "Full log") -> None:
        super().__init__()
        self.target = target
        self.lines = lines
        self.title_label = title
        self._known: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(self.title_label, style="bold"), id="screen-title")
        if self.lines is None:
            yield Select[str]([], prompt="all targets", id="target-filter")
        yield LogView(target=self.target, lines=self.lines, id="full-log")
        yield Footer()

    def on_mount(self) -> None:
        self.wizard.subscribe_run_events(self, self.on_run_event)
        self.refresh_targets()
        self.query_one("#log").focus()

    def refresh_targets(self) -> None:
        if self.lines is not None:
            return
        select = self.query_one("#target-filter", Select)
        targets = self.wizard.state.log_targets()
        if targets != self._known:
            self._known = targets
            with self.prevent(Select.Changed):
                select.set_options([(describe_target(t), t) for t in targets])
                shown = self.query_one(LogView).target  # the filter now, not the one the screen opened with
                if shown in targets:
                    select.value = shown

    def on_run_event(self, event: Event) -> None:
        if isinstance(event, LinesReceived) and self.lines is None:
            self.query_one(LogView).feed(event)
            self.refresh_targets()

    def on_select_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else None
        self.query_one(LogView).target = value

    def on_log_view_target_changed(self, event: LogView.TargetChanged) -> None:
        """The view's filter changed (x clears it): the picker shows it."""
        if self.lines is not None:
            return
        select = self.query_one("#target-filter", Select)
        with self.prevent(Select.Changed):
            if event.target is None:
                select.clear()
            elif event.target in self._known:
                select.value = event.target

    def action_pick_target(self) -> None:
        if self.lines is None:
            self.query_one("#target-filter", Select).focus()

    def action_log(self, op: str) -> None:
        self.query_one(LogView).run_op(op)


def open_run_log(app: App[object], run: PastRun) -> None:
    """A past run's raw.log in the log screen, or a notice saying why it cannot be read."""
    path = run.dir / "raw.log"
    try:
        lines = run.raw_lines()
    except OSError as exc:
        app.notify(f"cannot read {path}: {exc.strerror}", severity="error", markup=False)
        return
    app.push_screen(LogScreen(lines=lines, title=f"Run {run.run_id} — {path}"))
