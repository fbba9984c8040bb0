"""Teardown: the plan (what will be deleted, what is not), typed env-name confirmation, the
streamed `azd down`, and what is left behind. Nothing is deleted before the name is typed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from wizard.core.events import Event, LinesReceived, StepFinished, TargetChanged
from wizard.core.steps import StepId
from wizard.tui.screens.base import WizardScreen
from wizard.tui.state import LogEntry
from wizard.tui.widgets.log_view import LOG_BINDINGS, LogView
from wizard.tui.widgets.target_table import TargetTable


def plan_text(lines: list[str]) -> Text:
    text = Text("What will be deleted\n", style="bold")
    for line in lines:
        style = "bold" if line.startswith(("resource group", "purged", "not touched")) else ""
        text.append(f"{line}\n", style=style)
    return text


def leftovers_text(leftovers: list[dict[str, Any]]) -> Text:
    if not leftovers:
        return Text("✓ Nothing left behind.", style="green")
    text = Text("Left behind (azd down does not remove these)\n", style="bold yellow")
    for item in leftovers:
        text.append(f"  • {item.get('name')}", style="bold")
        text.append(f": {item.get('detail')}\n")
        if item.get("manual_command"):
            text.append(f"      clean up: {item['manual_command']}\n", style="dim")
    return text


class TeardownScreen(WizardScreen):
    """A run of its own: environment, then teardown after the typed confirmation."""

    step = StepId.TEARDOWN
    stepper_steps = (StepId.ENVIRONMENT, StepId.TEARDOWN)
    subtitle = "delete the environment's Azure resources"
    scroll_body = False
    BINDINGS = LOG_BINDINGS

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Reading the environment…", style="dim"), id="teardown-plan")
        with Horizontal(classes="row", id="confirm-row"):
            yield Input(placeholder="type the environment's name to confirm", id="confirm-name")
            yield Button("Delete everything", id="delete", variant="error", disabled=True)
        yield Static(id="leftovers")
        yield TargetTable(StepId.TEARDOWN, id="targets")
        yield LogView(step=StepId.TEARDOWN.value, id="teardown-log")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#confirm-row").display = False
        env = self.wizard.teardown_env()
        self.env = env
        if env is None:
            self.query_one("#teardown-plan", Static).update(Text("No environment to tear down: none exists in .azure/.", style="yellow"))
            return
        if not self.wizard.teardown_mode:
            self.wizard.begin_teardown(env)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start", "next"):
            return False
        return super().check_action(action, parameters)

    # -- after the App ran a step of this run --------------------------------------------------
    def after_teardown_step(self, step: StepId, finished: StepFinished) -> None:
        if step is StepId.ENVIRONMENT and finished.status == "done":
            self.load_plan()
        elif step is StepId.ENVIRONMENT:
            cause = finished.failure.cause if finished.failure else finished.status
            self.query_one("#teardown-plan", Static).update(Text(f"Cannot read the environment: {cause}", style="red"))
        elif step is StepId.TEARDOWN and finished.status == "done":
            self.query_one("#leftovers", Static).update(leftovers_text(list(self.wizard.engine.facts.get("leftovers", []))))
            self.wizard.finish_run()

    @work(group="teardown-plan", exit_on_error=False)
    async def load_plan(self) -> None:
        from wizard.core.teardown import plan_teardown

        engine = self.wizard.engine
        try:
            plan = await asyncio.to_thread(plan_teardown, engine.project, self.env, dict(engine.env_values), engine.ports)
            lines = plan.lines()
            nothing = plan.nothing_to_delete
        except Exception as exc:  # Azure unreachable: show why, delete nothing
            self.query_one("#teardown-plan", Static).update(Text(f"Cannot list the resources: {exc}", style="red"))
            return
        self.query_one("#teardown-plan", Static).update(plan_text(lines))
        if nothing:
            return
        self.query_one("#confirm-row").display = True
        confirm = self.query_one("#confirm-name", Input)
        confirm.placeholder = f"type {self.env} to confirm"
        confirm.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "confirm-name":
            self.query_one("#delete", Button).disabled = event.value != self.env

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "confirm-name" and event.value == self.env:
            self.delete()

    def delete(self) -> None:
        if self.query_one("#confirm-name", Input).value != self.env:
            return
        self.query_one("#confirm-row").display = False
        self.wizard.run_step(StepId.TEARDOWN)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "delete":
            event.stop()
            self.delete()
        else:
            super().on_button_pressed(event)

    def on_step_event(self, event: Event) -> None:
        if isinstance(event, LinesReceived):
            self.query_one(LogView).feed(LogEntry(event.step, line) for line in event.lines)
        elif isinstance(event, TargetChanged):
            self.query_one(TargetTable).sync()

    def update_view(self) -> None:
        view = self.wizard.state.step(StepId.TEARDOWN)
        table = self.query_one(TargetTable)
        table.sync()
        table.display = bool(view.targets)
        self.query_one(LogView).display = view.status != "pending"
