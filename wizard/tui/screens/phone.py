"""Phone: telephony on or off, and the number voice calls use (optional; validated as E.164).

The numbers the environment's ACS resource owns are listed (Enter picks one); ctrl+b buys one
(search, cost, typed phrase) and applies it, ctrl+x releases the selected one (typed phrase).
Applying the number is the engine's phone step (azd env set, hook, restart); this screen shows the
result the engine reports: enabled/disabled and why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from wizard.core.events import Event, Notice, StepFinished, TargetChanged
from wizard.core.phone import validate_e164
from wizard.core.steps import StepId
from wizard.tui.screens.base import WizardScreen
from wizard.tui.widgets.target_table import TargetTable

PHONE_CHARACTERS = "+0123456789 ()-./"


class PhoneInput(Input):
    """The number field: it takes the characters of a phone number, so letter keys stay the
    screen's shortcuts (g applies, n goes on) even while it has focus."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in PHONE_CHARACTERS

    def on_key(self, event: events.Key) -> None:
        # Textual calls this class's handler before Input's `_on_key`; prevent_default skips Input's.
        if event.is_printable and (event.character or "") not in PHONE_CHARACTERS:
            event.prevent_default()  # not typed here (Input's own handler is skipped): it bubbles to the bindings


class PhoneScreen(WizardScreen):
    """Number input, then the step's targets and its telephony verdict."""

    step = StepId.PHONE
    subtitle = "voice calls (optional)"
    AUTO_FOCUS = "#phone-number"  # arrive ready to type (digits typed went nowhere until Tab)
    BINDINGS = [
        Binding("ctrl+b", "buy", "Buy a number", id="phone-buy"),
        Binding("ctrl+x", "release", "Release", id="phone-release"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.numbers: list[Any] = []

    def compose_body(self) -> ComposeResult:
        yield Static(
            Text(
                "Voice calls need an ACS phone number. Leave it empty to continue without telephony "
                "(web chat still works); set one later with `deploy-wizard phone +1…`.",
                style="dim",
            )
        )
        yield Static(Text("Numbers on this ACS resource", style="bold"), id="phone-numbers-title")
        table: DataTable[Text] = DataTable(id="phone-numbers", cursor_type="row")
        yield table
        yield Static(Text("looking up the numbers…", style="dim"), id="phone-numbers-note")
        with Horizontal(classes="row"):
            yield PhoneInput(value=self.wizard.options.phone or "", placeholder="+14165551234 (optional)",
                             restrict=r"[+0-9 ()./-]*", id="phone-number")
            yield Button("Apply / skip (Enter)", id="start", variant="primary")
            yield Button("Next (n)", id="next", variant="success")
        yield Static(id="phone-problem")
        with Horizontal(classes="row", id="phone-actions"):
            yield Button("Buy a number… (ctrl+b)", id="buy")
            yield Button("Release… (ctrl+x)", id="release")
        yield TargetTable(StepId.PHONE, id="targets")
        yield Static(id="telephony")

    def on_mount(self) -> None:
        table = self.query_one("#phone-numbers", DataTable)
        for key in ("Number", "Type", "Calls", "Monthly", "Use"):
            table.add_column(key, key=key.lower())
        table.display = False
        super().on_mount()
        field = self.query_one("#phone-number", Input)
        if not field.disabled:
            field.focus()  # the field takes the keys typed on arrival
        self.load_numbers()

    # -- the numbers the ACS resource owns --------------------------------------------------------
    def phone_service(self) -> Any:
        """The ACS resource's numbers (None before provision, or for a project without ACS)."""
        from wizard.core.phone import PhoneService

        engine = self.wizard.engine
        endpoint = (getattr(engine, "env_values", {}) or {}).get("ACS_ENDPOINT")
        ports = getattr(engine, "ports", None) if endpoint else None
        factory = getattr(ports, "phone_numbers_for", None)
        return PhoneService(factory(endpoint)) if factory is not None else None

    @work(thread=True, group="phone-numbers", exclusive=True, exit_on_error=False)
    def load_numbers(self) -> None:
        service = self.phone_service()
        if service is None:
            self.app.call_from_thread(self._numbers_note, "no ACS resource in this environment yet (provision first)")
            return
        try:
            numbers = service.list_numbers()
        except Exception as exc:  # no access, not signed in: the field still takes a number
            self.app.call_from_thread(self._numbers_note, f"could not list the numbers: {exc}")
            return
        self.app.call_from_thread(self._fill_numbers, numbers)

    def _numbers_note(self, message: str) -> None:
        self.query_one("#phone-numbers-note", Static).update(Text(message, style="dim"))
        self.refresh_bindings()

    def _fill_numbers(self, numbers: list[Any]) -> None:
        from wizard.core.phone import ENV_KEY

        self.numbers = numbers
        current = (getattr(self.wizard.engine, "env_values", {}) or {}).get(ENV_KEY)
        table = self.query_one("#phone-numbers", DataTable)
        table.clear()
        for number in numbers:
            table.add_row(
                Text(number.number, style="bold"),
                Text(number.number_type),
                Text("in+out" if number.can_call else number.calling, style="" if number.can_call else "yellow"),
                Text(number.monthly_cost or ""),
                Text("in use" if number.number == current else "", style="green"),
                key=number.number,
            )
        table.display = bool(numbers)
        note = ("Enter on a row picks it; ctrl+b buys another" if numbers
                else "none yet: ctrl+b buys one (paid), or leave the field empty to go on without calls")
        self._numbers_note(note)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        field = self.query_one("#phone-number", Input)
        if event.row_key.value and not field.disabled:
            field.value = event.row_key.value
            field.focus()

    def selected_number(self) -> str | None:
        """The number to release: an owned number typed in the field, else the table's cursor row."""
        typed = self.query_one("#phone-number", Input).value.strip()
        if typed in {n.number for n in self.numbers}:
            return typed
        table = self.query_one("#phone-numbers", DataTable)
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None

    # -- buy and release --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("buy", "release"):
            if self.wizard.state.running or self.phone_service() is None:
                return False
            if action == "buy":  # a bought number is applied at once: only before the step ran
                return self.wizard.state.step(StepId.PHONE).status == "pending"
            return bool(self.numbers)
        return super().check_action(action, parameters)

    def action_buy(self) -> None:
        from wizard.tui.screens.phone_numbers import BuyNumberScreen

        service = self.phone_service()
        if service is not None and self.check_action("buy", ()):
            self.app.push_screen(BuyNumberScreen(service), self.after_buy)

    def after_buy(self, number: str | None) -> None:
        if not number:
            return
        self.app.notify(f"Bought {number}; applying it.", markup=False)
        self.query_one("#phone-number", Input).value = number
        self.load_numbers()
        self.action_start()  # bought to be used: apply it (env, App Configuration, restart)

    def action_release(self) -> None:
        from wizard.core.phone import release_phrase
        from wizard.tui.screens.phone_numbers import TypedConfirmScreen

        number = self.selected_number()
        if number is None or not self.check_action("release", ()):
            return
        what = Text(f"Release {number}?\n", style="bold")
        what.append("It goes back to Azure: billing stops, calls to it stop, and you may not get it back.")
        def answer(yes: bool | None) -> None:
            if yes:
                self.release(number)

        self.app.push_screen(TypedConfirmScreen(what, release_phrase(number), "Release"), answer)

    @work(thread=True, group="phone-release", exclusive=True, exit_on_error=False)
    def release(self, number: str) -> None:
        from wizard.core.phone import release_phrase

        service = self.phone_service()
        try:
            done = service.release(number, release_phrase(number))
        except Exception as exc:
            self.app.call_from_thread(self.app.notify, f"not released: {exc}", severity="error", markup=False)
            return
        self.app.call_from_thread(self.after_release, number, done)

    def after_release(self, number: str, done: str) -> None:
        from wizard.core.phone import ENV_KEY

        in_use = (getattr(self.wizard.engine, "env_values", {}) or {}).get(ENV_KEY) == number
        self.app.notify(done + (f" — the environment still names it ({ENV_KEY}): apply another number" if in_use else ""),
                        severity="warning" if in_use else "information", markup=False)
        field = self.query_one("#phone-number", Input)
        if field.value.strip() == number:
            field.value = ""
        self.load_numbers()

    def button_actions(self) -> dict[str, Callable[[], object]]:
        return {**super().button_actions(), "buy": self.action_buy, "release": self.action_release}

    def number_problem(self) -> str | None:
        number = self.query_one("#phone-number", Input).value.strip()
        return validate_e164(number) if number else None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "phone-number":
            return
        problem = self.number_problem()
        widget = self.query_one("#phone-problem", Static)
        widget.update(Text(f"✗ {problem}", style="red") if problem else Text(""))
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "phone-number":
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
        if isinstance(event, StepFinished):
            self.load_numbers()  # "in use" follows the number just applied
        if isinstance(event, TargetChanged):
            self.query_one(TargetTable).sync()
        elif isinstance(event, Notice):
            self.update_view()

    def update_view(self) -> None:
        view = self.wizard.state.step(StepId.PHONE)
        self.query_one("#phone-number", Input).disabled = view.status != "pending"
        self.query_one("#buy", Button).disabled = view.status != "pending"
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
