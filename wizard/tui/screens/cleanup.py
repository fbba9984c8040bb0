"""Confirmations after a teardown: clean one leftover (typed), remove the local `.azure/<env>` (y/n)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from wizard.core.leftovers import Leftover
from wizard.tui.leftover_actions import KIND_TITLES, what_happens


class CleanupScreen(ModalScreen[str | None]):
    """Dismisses with the typed confirmation when it matches exactly; Esc cancels. A manual
    leftover (no automatic cleanup) only shows its command."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cleanup-cancel")]

    def __init__(self, leftover: Leftover) -> None:
        super().__init__()
        self.leftover = leftover

    def compose(self) -> ComposeResult:
        item = self.leftover
        with Vertical(id="dialog", classes="-danger"):
            text = Text(f"Clean up {KIND_TITLES.get(item.kind, item.kind)}\n", style="bold")
            text.append(item.name, style="bold")
            text.append(f"\n{item.detail}\n\n", style="dim")
            text.append(what_happens(item))
            if item.manual_command:
                text.append("\n\n  ")
                text.append(item.manual_command, style="bold")
            yield Static(text, id="cleanup-text")
            if item.automatic:
                prompt = Text("Type ")
                prompt.append(item.confirm, style="bold")
                prompt.append(" to confirm; anything else does nothing.")
                yield Static(prompt)
                yield Input(placeholder=item.confirm, id="cleanup-confirm")
                yield Static(id="cleanup-problem")
            with Horizontal(classes="row"):
                if item.automatic:
                    yield Button("Clean up", id="apply", variant="error", disabled=True)
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        inputs = list(self.query(Input))
        for widget in inputs:
            widget.cursor_blink = getattr(self.app, "cursor_blink", True)
        if inputs:
            inputs[0].focus()
        else:
            self.query_one("#cancel", Button).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#apply", Button).disabled = event.value != self.leftover.confirm

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(event.value)

    def submit(self, typed: str) -> None:
        if typed == self.leftover.confirm:
            self.dismiss(typed)
            return
        problem = Text("Nothing done: ", style="bold red")
        problem.append(f"{typed!r} is not {self.leftover.confirm!r} (it must match exactly).")
        self.query_one("#cleanup-problem", Static).update(problem)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "apply":
            self.submit(self.query_one("#cleanup-confirm", Input).value)
        else:
            self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y confirms; n / Esc (and the focused default button) keep things as they are."""

    BINDINGS = [
        Binding("y", "dismiss(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "dismiss(False)", "No", id="confirm-no"),
    ]

    def __init__(self, question: Text, yes_label: str = "Yes (y)", no_label: str = "Keep it (n)") -> None:
        super().__init__()
        self.question, self.yes_label, self.no_label = question, yes_label, no_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="confirm-text")
            with Horizontal(classes="row"):
                yield Button(self.yes_label, id="yes", variant="error")
                yield Button(self.no_label, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")


def remove_local_question(env: str, folder: str) -> Text:
    text = Text(f"Remove the local environment {env}?\n", style="bold")
    text.append(f"Deletes {folder}: the environment's values and the wizard's run records "
                "(history and logs). Azure is not touched.")
    return text
