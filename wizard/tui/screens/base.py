"""WizardScreen: the frame every wizard screen shares — stepper, title, body, failure panel, footer.

A screen for a step (`step` set) also gets Start / Next / Retry / Cancel, enabled from the step's
state via `check_action`, and the failure panel whenever that step fails or is cancelled.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from wizard.core.events import (
    CheckUpdated,
    Event,
    LinesReceived,
    StepFinished,
    StepStarted,
    TargetChanged,
)
from wizard.core.next_action import SIGN_IN, NextAction, next_action
from wizard.core.steps import STEP_TITLES, StepId
from wizard.tui import next_actions
from wizard.tui.app_base import WizardAppBase
from wizard.tui.widgets.elapsed import ElapsedClock
from wizard.tui.widgets.failure_panel import FailurePanel
from wizard.tui.widgets.log_view import LogView
from wizard.tui.widgets.stepper import Stepper

REDRAW_RETRIES = 100


class WizardScreen(Screen[None]):
    """Base of the wizard's screens. Subclasses implement `compose_body()` and `update_view()`."""

    BINDINGS = [
        Binding("g", "start", "Start", id="start-step"),
        Binding("n", "next", "Next", id="next-step"),
        Binding("r", "retry", "Retry", id="retry-step"),
        Binding("c", "cancel_step", "Cancel", id="cancel-step"),
        Binding("o", "next_action('sign-in')", "Sign in", id="next-sign-in"),
        Binding("i", "next_action('install')", "Install", id="next-install"),
        Binding("p", "next_action('pick-region')", "Other region", id="next-region"),
    ]
    step: StepId | None = None
    subtitle = ""
    stepper_steps: tuple[StepId, ...] | None = None

    wizard = getters.app(WizardAppBase)  # the app, typed: its state and its intents

    def compose(self) -> ComposeResult:
        yield Stepper(self.stepper_steps, id="stepper")
        with Horizontal(id="title-bar"):
            yield Static(self.title_text(), id="screen-title")
            if self.step is not None:
                yield ElapsedClock(self.step, id="elapsed")
        with VerticalScroll(id="body") if self.scroll_body else Vertical(id="body-fixed"):
            yield from self.compose_body()
        if self.step is not None:
            yield FailurePanel(id="failure")
        yield Footer()

    scroll_body = True

    def title_text(self) -> Text:
        title = STEP_TITLES[self.step] if self.step is not None else self.__class__.__name__
        text = Text(title, style="bold")
        if self.subtitle:
            text.append(f"  {self.subtitle}", style="dim")
        return text

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.wizard.subscribe_run_events(self, self.on_run_event)
        if not self.wizard.cursor_blink:
            for widget in self.query(Input):
                widget.cursor_blink = False
        self.refresh_view()
        if self.step is not None and self.wizard.step_screen_should_autostart(self.step):
            self.call_after_refresh(self.wizard.run_step, self.step)

    # -- events ----------------------------------------------------------------------------------
    def on_run_event(self, event: Event) -> None:
        """Every engine event from the App's `run_events` Signal, from this screen's mount on."""
        if not isinstance(event, (LinesReceived, TargetChanged, CheckUpdated)):  # none changes a step's status
            self.query_one(Stepper).refresh()
        step = getattr(event, "step", None)
        if self.step is not None and step == self.step.value:
            self.on_step_event(event)
            if isinstance(event, (StepStarted, StepFinished)):
                self.refresh_view()
        elif isinstance(event, (StepStarted, StepFinished)):
            self.refresh_bindings()

    def on_step_event(self, event: Event) -> None:
        """Hook: an event of this screen's step (lines, targets, checks)."""

    def refresh_view(self) -> None:
        try:
            self.query_one(Stepper).refresh()
            if self.step is not None:
                view = self.wizard.state.step(self.step)
                found = self.failure_next()
                self.query_one(FailurePanel).show(view, next_actions.button_label(found) if found else None)
                self.query_one(ElapsedClock).refresh()
            self.show_step_buttons()
            self.update_view()
        except NoMatches:
            # Mounted but not all of the body is composed yet (or already being replaced): draw
            # once the DOM has settled. Under load that can take many refreshes; a view that gave
            # up would miss the step's end, so it tries a while and then says so.
            self._redraw_retries = getattr(self, "_redraw_retries", 0) + 1
            if self.is_attached and self._redraw_retries <= REDRAW_RETRIES:
                self.call_after_refresh(self.refresh_view)
            elif self.is_attached:
                self.wizard.ui_errors.append(f"{type(self).__name__}: body never composed; view not redrawn")
            return
        self._redraw_retries = 0
        self.refresh_bindings()

    def update_view(self) -> None:
        """Hook: redraw the body from `app.state`."""

    def show_step_buttons(self) -> None:
        """A step screen's Start and Next buttons (when it has them) show when their keys would act
        (RunState.actions). Start stays shown when only the screen's own input is not ready yet
        (`can_start`, say a phone number being typed): pressing it then says what is missing.
        Set before `update_view`, so a Start that had the focus hides before the body disables its
        own widgets (the focus then goes where it always went)."""
        if self.step is None:
            return
        offers = self.wizard.state.actions(self.step)
        for button in self.query("#start").results(Button):
            button.display = offers.start
        for button in self.query("#next").results(Button):
            button.display = offers.next

    _footer_shows: tuple[object, ...] | None = None

    def refresh_bindings(self) -> None:
        """Tell the footer only when what it shows changed. Each notice makes Textual's Footer
        rebuild its keys and lay out the whole screen (~30 ms), and step events, focus moves and
        state changes ask for one far more often than a key's availability changes."""
        try:
            shows: tuple[object, ...] | None = (
                self.app.app_focus,
                *((key, active.binding.action, active.binding.description, active.enabled) for key, active in self.active_bindings.items()),
            )
        except NoMatches:  # not composed yet: a `check_action` looked for a widget
            shows = None
        if shows is not None and shows == self._footer_shows:
            return
        self._footer_shows = shows
        super().refresh_bindings()

    # -- intents ---------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_action":
            found = self.failure_next()
            return found is not None and found.id == parameters[0] and not self.wizard.state.running
        if action not in ("start", "next", "retry", "cancel_step"):
            return True
        if self.step is None:
            return action == "next" and self.can_next()
        offers = self.wizard.state.actions(self.step)
        if action == "start":
            return offers.start and self.can_start()
        if action == "next":
            return offers.next
        if action == "retry":
            return offers.retry
        return offers.cancel

    def can_start(self) -> bool:
        return self.wizard.engine is not None

    def can_next(self) -> bool:
        return False

    def action_start(self) -> None:
        if self.step is not None:
            self.wizard.run_step(self.step)

    def action_next(self) -> None:
        if self.step is not None:
            self.wizard.advance(self.step)

    def action_retry(self) -> None:
        if self.step is not None:
            self.wizard.retry(self.step)

    def action_cancel_step(self) -> None:
        self.wizard.request_cancel()

    # -- a failure's next action (sign in, install, another region, fix the check) ------------------
    def failure_next(self) -> NextAction | None:
        if self.step is None:
            return None
        view = self.wizard.state.step(self.step)
        if view.status != "failed" or view.failure is None:
            return None
        check = view.checks.get((view.failure.target or "").removeprefix("check:"))
        return next_action(view.failure, env=self.wizard.state.env or None, fixable=bool(check and check.fixable))

    def action_next_action(self, kind: str) -> None:
        found = self.failure_next()
        if found is not None and found.id == kind and not self.wizard.state.running:
            next_actions.run(self.wizard, found, self.action_retry)

    def on_signed_in(self) -> None:
        """Signed in from this screen's failure: run the step again."""
        found = self.failure_next()
        if found is not None and found.id == SIGN_IN:
            self.action_retry()

    def action_log(self, op: str) -> None:
        views = list(self.query(LogView))
        if views:
            views[0].run_op(op)

    def button_actions(self) -> dict[str, Callable[[], object]]:
        """Button id -> what pressing it does; screens add their own buttons to these."""
        return {
            "retry": self.action_retry,
            "open-log": self.wizard.action_open_log,
            "start": self.action_start,
            "next": self.action_next,
            "cancel": self.action_cancel_step,
            "next-action": self._press_next_action,
        }

    def _press_next_action(self) -> None:
        found = self.failure_next()
        if found is not None:
            self.action_next_action(found.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        handler = self.button_actions().get(event.button.id or "")
        if handler is not None:
            event.stop()
            handler()
