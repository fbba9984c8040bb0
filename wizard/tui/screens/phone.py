"""Phone: telephony on or off, and the number voice calls use (optional; validated as E.164).

Applying the number is the engine's phone step (azd env set, hook, restart); this screen shows the
result the engine reports: enabled/disabled and why.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from wizard.core.events import Event, Notice, TargetChanged
from wizard.core.phone import validate_e164
from wizard.core.steps import StepId
from wizard.tui.screens.base import WizardScreen
from wizard.tui.widgets.target_table import TargetTable


class PhoneScreen(WizardScreen):
    """Number input, then the step's targets and its telephony verdict."""

    step = StepId.PHONE
    subtitle = "voice calls (optional)"
    AUTO_FOCUS = "#phone-number"  # arrive ready to type (digits typed went nowhere until Tab)

    def compose_body(self) -> ComposeResult:
        yield Static(
            Text(
                "Voice calls need an ACS phone number. Leave it empty to continue without telephony "
                "(web chat still works); set one later with `deploy-wizard phone +1…`.",
                style="dim",
            )
        )
        with Horizontal(classes="row"):
            yield Input(value=self.wizard.options.phone or "", placeholder="+14165551234 (optional)", id="phone-number")
            yield Button("Apply / skip (Enter)", id="start", variant="primary")
            yield Button("Next (n)", id="next", variant="success")
        yield Static(id="phone-problem")
        yield TargetTable(StepId.PHONE, id="targets")
        yield Static(id="telephony")

    def number_problem(self) -> str | None:
        number = self.query_one("#phone-number", Input).value.strip()
        return validate_e164(number) if number else None

    def on_input_changed(self, event: Input.Changed) -> None:
        problem = self.number_problem()
        widget = self.query_one("#phone-problem", Static)
        widget.update(Text(f"✗ {problem}", style="red") if problem else Text(""))
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_start()

    def can_start(self) -> bool:
        return self.wizard.engine is not None and self.number_problem() is None

    def action_start(self) -> None:
        if self.wizard.engine is None or self.number_problem():
            return
        number = self.query_one("#phone-number", Input).value.strip() or None
        self.wizard.engine.phone = number
        super().action_start()

    def on_step_event(self, event: Event) -> None:
        if isinstance(event, TargetChanged):
            self.query_one(TargetTable).sync()
        elif isinstance(event, Notice):
            self.update_view()

    def update_view(self) -> None:
        view = self.wizard.state.step(StepId.PHONE)
        self.query_one("#start", Button).display = view.status == "pending"
        self.query_one("#next", Button).display = view.finished_ok and not self.wizard.state.running
        self.query_one("#phone-number", Input).disabled = view.status != "pending"
        table = self.query_one(TargetTable)
        table.sync()
        table.display = bool(view.targets)
        facts = getattr(self.wizard.engine, "facts", {}) or {}
        telephony = facts.get("telephony") if view.status != "pending" else None
        text = Text()
        if isinstance(telephony, dict):
            enabled = bool(telephony.get("enabled"))
            text.append("Telephony enabled" if enabled else "Telephony disabled", style="bold green" if enabled else "bold yellow")
            if telephony.get("number"):
                text.append(f"  {telephony['number']}", style="bold")
            text.append(f"\n{telephony.get('detail', '')}", style="dim")
        for notice in view.notices:
            text.append(f"\n{'!' if notice.level == 'warning' else '✓'} ", style="yellow" if notice.level == "warning" else "green")
            text.append(notice.text)
        self.query_one("#telephony", Static).update(text)
