"""Provision and Deploy: the step's targets as live rows, the streamed log below, an elapsed clock.

Cancel asks first (the Azure deployment may keep running). Enter on a row filters the log to it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from wizard.core.events import Event, LinesReceived, TargetChanged
from wizard.core.steps import StepId
from wizard.tui.screens.base import WizardScreen
from wizard.tui.widgets.log_view import LOG_BINDINGS, LogView
from wizard.tui.widgets.target_table import TargetTable

WHAT = {
    StepId.PROVISION: "azd provision creates the Azure resources (hooks, then terraform/bicep). Paid resources.",
    StepId.DEPLOY: "azd deploy builds each service's image and ships it to its Container App.",
}


class RunStepScreen(WizardScreen):
    """One screen per streamed step (provision, deploy; teardown reuses the widgets)."""

    BINDINGS = [*LOG_BINDINGS]
    scroll_body = False

    step: StepId  # always set: a run screen belongs to one step

    def __init__(self, step: StepId) -> None:
        self.step = step
        super().__init__()

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="step-intro", classes="row"):
            yield Static(Text(WHAT.get(self.step, ""), style="dim"), id="what")
            yield Button(f"Start {self.step.value} (g)", id="start", variant="primary")
            yield Button("Next (n)", id="next", variant="success")
        yield TargetTable(self.step, id="targets")
        yield LogView(step=self.step.value, id="step-log")

    def on_step_event(self, event: Event) -> None:
        if isinstance(event, LinesReceived):
            self.query_one(LogView).feed(event)
        elif isinstance(event, TargetChanged):
            self.query_one(TargetTable).sync_soon()

    def update_view(self) -> None:
        view = self.wizard.state.step(self.step)
        self.query_one("#step-intro").display = view.status in ("pending", "done", "skipped")
        table = self.query_one(TargetTable)
        table.sync()
        table.display = bool(view.targets) or view.status != "pending"

    def on_target_table_filter_requested(self, event: TargetTable.FilterRequested) -> None:
        self.query_one(LogView).target = event.target
