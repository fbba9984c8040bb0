"""Buying and releasing a phone number from the Phone screen, each with a typed confirmation.

Buying: country, type and area code, then a search (`PhoneService.search`, free; ACS holds the
numbers for a while) shows the number, its monthly cost, the warning and the phrase to type; only
the exact phrase enables Buy. Releasing: the number and `release <number>`. Nothing here talks to
Azure but through `wizard.core.phone.PhoneService`; searches and purchases run in threads.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from wizard.core.phone import PhoneOffer, PhoneService
from wizard.tui.format import plain

NUMBER_TYPES = (("toll-free", "toll-free"), ("geographic (local)", "geographic"))


class TypedConfirmScreen(ModalScreen[bool]):
    """A paid or irreversible action: dismisses True only when `phrase` is typed exactly."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel", id="typed-cancel")]

    def __init__(self, what: Text, phrase: str, apply_label: str) -> None:
        super().__init__()
        self.what, self.phrase, self.apply_label = what, phrase, apply_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="-danger"):
            yield Static(self.what)
            prompt = Text("Type ")
            prompt.append(self.phrase, style="bold")
            prompt.append(" to confirm; anything else does nothing.")
            yield Static(prompt)
            yield Input(placeholder=self.phrase, id="typed-phrase")
            yield Static(id="typed-problem")
            with Horizontal(classes="row"):
                yield Button(self.apply_label, id="typed-apply", variant="error", disabled=True)
                yield Button("Cancel (esc)", id="typed-close")

    def on_mount(self) -> None:
        field = self.query_one("#typed-phrase", Input)
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#typed-apply", Button).disabled = event.value.strip() != self.phrase

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(event.value)

    def submit(self, typed: str) -> None:
        if typed.strip() == self.phrase:
            self.dismiss(True)
            return
        problem = Text("Nothing done: ", style="bold red")
        problem.append(f"{typed!r} is not {self.phrase!r} (it must match exactly).")
        self.query_one("#typed-problem", Static).update(problem)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "typed-apply":
            self.submit(self.query_one("#typed-phrase", Input).value)
        else:
            self.dismiss(False)


class BuyNumberScreen(ModalScreen[str | None]):
    """Search, show the offer and its cost, buy on the typed phrase; dismisses with the number."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="buy-cancel")]

    def __init__(self, service: PhoneService, country: str = "US") -> None:
        super().__init__()
        self.service = service
        self.country = country
        self.offer: PhoneOffer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="-danger"):
            yield Static(Text("Buy a phone number", style="bold"))
            yield Static(Text("A paid action, billed every month until released. The search itself is free.", style="dim"))
            with Horizontal(classes="row", id="buy-row"):
                yield Input(value=self.country, placeholder="country (US)", id="buy-country")
                yield Select(NUMBER_TYPES, value="toll-free", allow_blank=False, id="buy-type")
                yield Input(placeholder="area code (optional)", id="buy-area")
            with Horizontal(classes="row"):
                yield Button("Search (enter)", id="buy-search", variant="primary")
            yield Static(id="buy-offer")
            yield Input(placeholder="type the phrase shown above", id="buy-phrase", disabled=True)
            yield Static(id="buy-problem")
            with Horizontal(classes="row"):
                yield Button("Buy (paid)", id="buy-apply", variant="error", disabled=True)
                yield Button("Cancel (esc)", id="buy-close")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = getattr(self.app, "cursor_blink", True)
        self.query_one("#buy-search", Button).focus()

    # -- search -----------------------------------------------------------------------------------
    def action_search(self) -> None:
        country = self.query_one("#buy-country", Input).value
        kind = self.query_one("#buy-type", Select).value
        area = self.query_one("#buy-area", Input).value
        self.offer = None
        self.query_one("#buy-phrase", Input).disabled = True
        self.query_one("#buy-apply", Button).disabled = True
        self.query_one("#buy-offer", Static).update(Text("searching…", style="dim"))
        self.search(country, str(kind), area)

    @work(thread=True, group="phone-search", exclusive=True, exit_on_error=False)
    def search(self, country: str, kind: str, area: str) -> None:
        try:
            offer = self.service.search(country, kind, area or None)
        except (ValueError, LookupError) as exc:
            self.app.call_from_thread(self._problem, str(exc))
            return
        except Exception as exc:  # Azure refused or is unreachable: say so, nothing is held
            self.app.call_from_thread(self._problem, f"the search failed: {exc}")
            return
        self.app.call_from_thread(self._show_offer, offer)

    def _show_offer(self, offer: PhoneOffer) -> None:
        self.offer = offer
        text = Text()
        for line in offer.lines()[:-1]:
            style = "bold" if line.startswith(("found", "cost")) else "yellow" if line.startswith("warning") else "dim"
            text.append_text(plain(line + "\n", style))
        text.append("To buy, type exactly: ")
        text.append(offer.confirmation_phrase, style="bold")
        self.query_one("#buy-offer", Static).update(text)
        self.query_one("#buy-problem", Static).update("")
        phrase = self.query_one("#buy-phrase", Input)
        phrase.disabled = False
        phrase.value = ""
        phrase.focus()

    def _problem(self, message: str) -> None:
        self.query_one("#buy-offer", Static).update("")
        self.query_one("#buy-problem", Static).update(plain(f"✗ {message}", "red"))

    # -- buy --------------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "buy-phrase":
            ok = self.offer is not None and event.value.strip() == self.offer.confirmation_phrase
            self.query_one("#buy-apply", Button).disabled = not ok

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "buy-phrase":
            self.action_buy()
        else:
            self.action_search()

    def action_buy(self) -> None:
        typed = self.query_one("#buy-phrase", Input).value.strip()
        if self.offer is None:
            return
        if typed != self.offer.confirmation_phrase:
            self._problem(f"nothing bought: {typed!r} is not {self.offer.confirmation_phrase!r}")
            return
        self.query_one("#buy-apply", Button).disabled = True
        self.query_one("#buy-phrase", Input).disabled = True
        self.buy(self.offer, typed)

    @work(thread=True, group="phone-buy", exclusive=True, exit_on_error=False)
    def buy(self, offer: PhoneOffer, typed: str) -> None:
        try:
            numbers = self.service.purchase(offer, typed)
        except Exception as exc:  # expired search, fraud hold: nothing bought, search again
            self.app.call_from_thread(self._problem, f"the purchase failed: {exc}; search again")
            return
        self.app.call_from_thread(self.dismiss, numbers[0])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions: dict[str, Any] = {"buy-search": self.action_search, "buy-apply": self.action_buy}
        actions.get(event.button.id or "", lambda: self.dismiss(None))()
