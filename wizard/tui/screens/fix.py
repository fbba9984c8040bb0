"""A fix's plan before it runs: what will change, whether it is safe or paid, and its inputs."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class FixScreen(ModalScreen[dict[str, str] | None]):
    """Dismisses with the answers (Apply) or None (Cancel / Esc)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="fix-cancel")]

    def __init__(self, plan: Any) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="dialog", classes="-paid" if plan.paid else ""):
            text = Text(f"Fix {plan.check_id}\n", style="bold")
            text.append(plan.description)
            text.append("\nThis will:", style="bold")
            for action in plan.actions:
                text.append(f"\n  • {action}")
            if plan.paid:
                text.append("\nThis costs money on your Azure bill.", style="bold red")
            elif not plan.safe:
                text.append("\nThis changes your project or subscription: read it first.", style="bold yellow")
            yield Static(text)
            for spec in plan.needs_input:
                yield Static(Text(spec.prompt + (f" ({', '.join(spec.choices)})" if spec.choices else "")))
                yield Input(value=spec.default or "", id=f"in-{spec.key}", name=spec.key)
            with Horizontal(classes="row"):
                yield Button("Apply (paid)" if plan.paid else "Apply", id="apply", variant="error" if plan.paid else "primary")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        if not getattr(self.app, "cursor_blink", True):
            for widget in self.query(Input):
                widget.cursor_blink = False
        inputs = list(self.query(Input))
        (inputs[0] if inputs else self.query_one("#apply", Button)).focus()

    def answers(self) -> dict[str, str]:
        return {w.name or "": w.value.strip() for w in self.query(Input)}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a value applies the fix, as the Apply button does."""
        event.stop()
        self.dismiss(self.answers())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.answers() if event.button.id == "apply" else None)
