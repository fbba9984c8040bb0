"""Command palette entries: jump to a step, open the log, teardown, history, switch theme."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand

if TYPE_CHECKING:
    from wizard.tui.app_base import WizardAppBase


def wizard_commands(app: WizardAppBase) -> Iterator[SystemCommand]:
    if app.engine is not None:
        for step in app.plan.steps:
            yield SystemCommand(f"Jump to {step.value}", f"Show the {step.value} screen", lambda s=step: app.show_view(s))
        if app.state.finished is not None:
            yield SystemCommand("Jump to summary", "Show the run summary", lambda: app.show_view("summary"))
    yield SystemCommand("Open log", "The full streamed log: follow, filter, search, save (key: l)", app.action_open_log)
    yield SystemCommand("Start teardown", "Delete this environment's Azure resources (asks first)", app.action_teardown)
    yield SystemCommand("History", "Past runs of this environment", app.action_history)
    yield SystemCommand("Switch theme (light/dark)", "Toggle textual-light and textual-dark (key: ctrl+d)", app.action_toggle_theme)
