"""Confirmations before stopping work: cancelling a step, quitting while a step runs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wizard.core.steps import STEP_TITLES, StepId


def cancel_text(step: StepId, env: str | None, group: str | None) -> Text:
    text = Text(f"Cancel {STEP_TITLES.get(step, step)}?\n", style="bold")
    text.append("The wizard stops azd (Ctrl+C to its process group). ")
    if step in (StepId.PROVISION, StepId.DEPLOY, StepId.TEARDOWN):
        text.append("An Azure deployment azd already submitted may keep running in Azure.\n", style="yellow")
        text.append("Check it with:\n")
        text.append(f"  azd show{f' -e {env}' if env else ''}\n", style="bold")
        where = f"resource group {group}" if group else "the environment's resource group"
        text.append(f"  Azure Portal → {where} → Deployments\n", style="bold")
    text.append("You can retry the step afterwards.")
    return text


class ConfirmCancelScreen(ModalScreen[bool]):
    """y / Enter on "Cancel the step" confirms; n / Esc keeps it running."""

    BINDINGS = [
        Binding("y", "dismiss(True)", "Yes, cancel", id="confirm-yes"),
        Binding("n,escape", "dismiss(False)", "Keep running", id="confirm-no"),
    ]

    def __init__(self, step: StepId, env: str | None, group: str | None) -> None:
        super().__init__()
        self.step, self.env, self.group = step, env, group

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(cancel_text(self.step, self.env, self.group))
            with Horizontal(classes="row"):
                yield Button("Cancel the step (y)", id="yes", variant="error")
                yield Button("Keep running (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")


class ConfirmQuitScreen(ConfirmCancelScreen):
    """Quitting while azd runs cancels it first."""

    def __init__(self) -> None:
        super().__init__(StepId.PROVISION, None, None)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            text = Text("A step is running. Cancel it and quit?\n", style="bold")
            text.append("An Azure deployment already submitted may keep running; check it with `azd show`.")
            yield Static(text)
            with Horizontal(classes="row"):
                yield Button("Cancel and quit (y)", id="yes", variant="error")
                yield Button("Keep running (n)", id="no", variant="primary")
