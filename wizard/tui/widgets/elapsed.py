"""An elapsed clock for one step, driven by the App's (injectable) clock so snapshots are stable."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from wizard.core.steps import StepId
from wizard.tui.format import format_duration
from wizard.tui.host import host


class ElapsedClock(Widget):
    """`⏱ 1m05s` while the step runs; the final duration once it has finished."""

    DEFAULT_CSS = "ElapsedClock { width: 16; height: 1; }"

    def __init__(self, step: StepId, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.step = step

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def render(self) -> Text:
        app = host(self)
        view = app.state.step(self.step)
        elapsed = view.elapsed(app.clock())
        if elapsed is None:
            return Text("⏱ not started", style="dim", justify="right")
        return Text(f"⏱ {format_duration(elapsed)}", style="bold" if view.running else "", justify="right")
