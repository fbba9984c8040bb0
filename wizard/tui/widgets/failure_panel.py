"""The failure panel: which step and target failed, the evidence, the cause and the one fix.

Shown inside every step screen (so the stepper and the marked target row stay visible). All text
comes from the engine's `Failure` and is drawn as plain Text, never as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from wizard.core.events import Failure
from wizard.core.failure_view import failure_fields
from wizard.core.steps import describe_target
from wizard.tui.run_state import StepView

_LABEL_STYLES = {"fix": "bold green", "code": "bold red", "resource": "bold", "where": "bold"}


def failure_text(view: StepView) -> Text:
    """The panel's body for a failed or cancelled step."""
    text = Text()
    failure: Failure | None = view.failure
    if view.status == "cancelled":
        text.append(f"⊘ {view.title} was cancelled", style="bold magenta")
        text.append(f"\n{view.detail or 'cancelled'}\n")
        text.append("The Azure deployment may keep running: check it with `azd show` or in the Azure Portal "
                    "(resource group → Deployments). Retry runs the step again.", style="dim")
        return text
    if failure is None:
        text.append(f"✗ {view.title} failed", style="bold red")
        if view.detail:
            text.append(f"\n{view.detail}")
        return text
    text.append(f"✗ {view.title} failed", style="bold red")
    text.append(" — ")
    text.append(describe_target(failure.target), style="bold")
    for label, value in failure_fields(failure):  # the same fields as --plain, explain and report
        if label == "$":
            text.append("\n  $ ", style="dim")
            text.append(value, style="green")
            continue
        text.append(f"\n{label + ':':<9} ", style=_LABEL_STYLES.get(label, "bold"))
        text.append(value, style="yellow" if label == "code" else "")
    if failure.evidence:
        text.append("\nevidence:", style="bold")
        for line in failure.evidence:
            text.append("\n  │ ", style="dim")
            text.append(line, style="yellow")
    if failure.link:
        text.append("\nmore:  ", style="bold")
        text.append(failure.link)
    if not failure.recognised:
        text.append("\n(not a known failure: the evidence above is the end of azd's output)", style="dim italic")
    return text


class FailurePanel(VerticalScroll):
    """Hidden until the screen's step fails or is cancelled; offers Retry and Open full log."""

    DEFAULT_CSS = """
    FailurePanel {
        display: none;
        height: auto;
        max-height: 50%;
        border: heavy $error;
        background: $error-muted 20%;
        padding: 0 1;
        &.-cancelled {
            border: heavy $warning;
            background: $warning-muted 20%;
        }
        & > #failure-buttons {
            height: auto;
            & > Button {
                margin: 0 1 0 0;
            }
        }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="failure-text")
        with Horizontal(id="failure-buttons"):
            yield Button("next", id="next-action", variant="success")
            yield Button("Retry step (r)", id="retry", variant="primary")
            yield Button("Open full log (l)", id="open-log")

    def show(self, view: StepView, next_label: str | None = None) -> None:
        """Draw `view`'s failure; its next action (sign in, install, …: `next_label`, drawn by the
        screen) gets the first button."""
        self.display = view.status in ("failed", "cancelled")
        self.set_class(view.status == "cancelled", "-cancelled")
        button = self.query_one("#next-action", Button)
        button.display = self.display and next_label is not None
        if next_label is not None:
            button.label = next_label
        if self.display:
            self.query_one("#failure-text", Static).update(failure_text(view))
