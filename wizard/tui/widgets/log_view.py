"""The streamed log: a Textual `Log` fed in batches, with follow/pause, target filter, search, save.

Lines are never interpreted (Log draws plain text). New lines are buffered and written with one
`write_lines` call per 100 ms tick, which keeps the UI live during 100k-line floods.

`follow`, `target` and `search` are vars: setting one (the screen filtering on a target, the
person's keys) redraws what it changes, through its watcher. A change of target is posted up as
`LogView.TargetChanged` for a screen that shows the filter itself (the full log's picker).
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import Input, Static

from wizard.core.events import LinesReceived
from wizard.core.steps import describe_target
from wizard.tui.host import WidgetHost, host
from wizard.tui.run_state import LogChunk
from wizard.tui.widgets.flood_log import FloodLog

MAX_VIEW_LINES = 10_000
FLUSH_EVERY = 0.1  # 10 log redraws a second while streaming: live enough, and few repaints of a busy screen

# Screens that hold a LogView add these and route `log(op)` to it.
LOG_BINDINGS = [
    Binding("f", "log('follow')", "Follow/pause", id="log-follow"),
    Binding("slash", "log('search')", "Search", id="log-search"),
    Binding("x", "log('clear_filter')", "Clear filter", show=False, id="log-clear-filter"),
    Binding("s", "log('save')", "Save log", id="log-save"),
]


class LogView(Vertical):
    """Live view of `app.state.lines` (optionally one step), or of a saved log's lines."""

    DEFAULT_CSS = """
    LogView {
        height: 1fr;
        min-height: 5;
        border-top: solid $primary-muted;
        & > #log-status {
            height: 1;
        }
        & > #log {
            height: 1fr;
        }
    }
    """

    follow: var[bool] = var(True, init=False)
    """Keep the newest line in view; off (paused) when the person scrolls up or presses f."""

    target: var[str | None] = var[str | None](None, init=False)
    """Show only the lines of this target (`service:web`, …), or all."""

    search: var[str] = var("", init=False)
    """Show only the lines holding this text (any case), or all."""

    class TargetChanged(Message):
        """The view's target filter changed (set by the screen, or cleared with x)."""

        def __init__(self, view: LogView, target: str | None) -> None:
            super().__init__()
            self.view = view
            self.target = target

        @property
        def control(self) -> LogView:
            return self.view

    def __init__(
        self,
        *,
        step: str | None = None,
        target: str | None = None,
        lines: list[str] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.step = step
        self.set_reactive(LogView.target, target)
        self.static_lines = lines
        self._pending: list[str] = []
        self._status: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="log-status")
        search = Input(placeholder="search the log (Enter to apply, Esc to close)", id="log-search")
        search.display = False
        yield search
        yield FloodLog(max_lines=MAX_VIEW_LINES, id="log")

    @property
    def log_widget(self) -> FloodLog:
        return self.query_one("#log", FloodLog)

    def on_mount(self) -> None:
        app = host(self)
        if not app.cursor_blink:
            self.query_one(Input).cursor_blink = False
        self.rebuild()
        self.set_interval(FLUSH_EVERY, self.flush)

    # -- content ---------------------------------------------------------------------------------
    def _matching(self) -> list[str]:
        if self.static_lines is not None:
            needle = self.search.lower()
            return [ln for ln in self.static_lines if needle in ln.lower()]
        app = host(self)
        return app.state.log_lines(step=self.step, target=self.target, search=self.search)

    def rebuild(self) -> None:
        """Redraw from the state (after a filter or search change)."""
        self._pending.clear()
        log = self.log_widget
        log.clear()
        lines = self._matching()[-MAX_VIEW_LINES:]
        if lines:
            log.write_lines(lines)
        self._update_status()

    def feed(self, event: LinesReceived) -> None:
        """A batch of new lines of one step; drawn on the next tick.

        The fast path for floods: no per-line filtering unless a filter or a search is set.
        """
        if self.step is not None and event.step != self.step:
            return
        self._pending.extend(LogChunk.of(event).rendered(target=self.target, search=self.search))

    def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        self.log_widget.write_lines(batch)
        self._update_status()

    def _update_status(self) -> None:
        # Redraw only when something shown changed, and without a layout pass: the status is one
        # line of fixed height, and a relayout per flush costs a full-screen render.
        key = (self.follow, self.log_widget.line_count, self.target, self.search)
        if key == self._status:
            return
        self._status = key
        text = Text()
        text.append("● following" if self.follow else "‖ paused", style="bold green" if self.follow else "bold yellow")
        text.append(f"  {self.log_widget.line_count} lines", style="dim")
        if self.target:
            text.append("  filter: ", style="dim")
            text.append(describe_target(self.target), style="bold")
            text.append(" (x clears)", style="dim")
        if self.search:
            text.append("  search: ", style="dim")
            text.append(self.search, style="bold")
        self.query_one("#log-status", Static).update(text, layout=False)

    # -- the vars' watchers ----------------------------------------------------------------------
    def watch_follow(self, follow: bool) -> None:
        self.log_widget.auto_scroll = follow  # on: FloodLog goes to the end
        self._update_status()

    def on_flood_log_follow_changed(self, event: FloodLog.FollowChanged) -> None:
        """The log switched following (the person scrolled up, or `watch_follow` set it)."""
        event.stop()
        self.follow = self.log_widget.auto_scroll  # its state now, not the message's: messages queue

    def watch_target(self, target: str | None) -> None:
        self.rebuild()
        self.post_message(self.TargetChanged(self, target))

    def watch_search(self) -> None:
        self.rebuild()

    # -- operations ------------------------------------------------------------------------------
    def toggle_follow(self) -> None:
        self.follow = not self.follow

    def clear_filter(self) -> None:
        """Every line again (no target, no search), redrawn once."""
        if self.target is not None:
            self.set_reactive(LogView.search, "")  # the target's watcher redraws without it
        self.search = ""
        self.target = None

    def open_search(self) -> None:
        search = self.query_one("#log-search", Input)
        search.display = True
        search.value = self.search
        search.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "log-search":
            event.stop()
            event.input.display = False
            self.log_widget.focus()
            self.search = event.value.strip()

    def on_key(self, event: events.Key) -> None:
        search = self.query_one("#log-search", Input)
        if event.key == "escape" and search.has_focus:
            event.stop()
            search.display = False
            self.log_widget.focus()

    def save_name(self) -> str:
        suffix = f"-{self.target.replace(':', '_').replace('/', '_')}" if self.target else ""
        return f"log{suffix}{'-search' if self.search else ''}.txt"

    def save(self, folder: Path) -> Path:
        """Write what the view shows (all matching lines, not only the last 10 000)."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.save_name()
        path.write_text("".join(f"{ln}\n" for ln in self._matching()), encoding="utf-8")
        return path

    def deliver(self) -> str:
        """In a browser (`deploy-wizard serve`): the same text, downloaded by the attendee's browser."""
        name = self.save_name()
        text = io.StringIO("".join(f"{ln}\n" for ln in self._matching()))
        self.app.deliver_text(text, save_filename=name, mime_type="text/plain", encoding="utf-8")
        return name

    def run_op(self, op: str) -> None:
        """Dispatch for the screens' `log(op)` bindings."""
        if op == "follow":
            self.toggle_follow()
        elif op == "search":
            self.open_search()
        elif op == "clear_filter":
            self.clear_filter()
        elif op == "save":
            app = host(self)
            if app.is_web:
                name = self.deliver()
                app.notify(f"{name} goes to your browser's downloads", title="Log saved", markup=False)
                return
            path = self.save(save_folder(app))
            app.notify(f"saved {path}", title="Log saved", markup=False)


def save_folder(app: WidgetHost) -> Path:
    """The run's record folder when there is one, else the project (or current) folder."""
    record = getattr(app.engine, "record", None)
    folder = getattr(record, "dir", None)
    if folder:
        return Path(folder)
    return app.project.root if app.project else Path.cwd()
