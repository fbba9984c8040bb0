"""WizardAppBase: the app as its screens and parts see it — its state, and the intents they may call.

Screens, dialogs and the app's helper modules (`demo`, `palette`, `ready`, `next_actions`,
`session_status`, ...) type against this class, never against `WizardApp`: the app imports them, so
none of them imports the app back (no circle, not even through type-only imports; checked by
tests/test_import_hygiene.py). `WizardApp` (app.py) sets every attribute and implements every
intent; mypy checks that its signatures match these.

Widgets sit lower still and see the app only through `host.WidgetHost`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget

if TYPE_CHECKING:
    from wizard.backends import BackendChoice
    from wizard.core.backend import Backend
    from wizard.core.events import Event
    from wizard.core.options import RunOptions
    from wizard.core.project import Project
    from wizard.core.steps import Plan, StepId
    from wizard.tui.run_state import RunState


class WizardAppBase(App[int]):
    """The attributes and intents of the deploy-wizard TUI that its screens use."""

    # -- what the app holds (set in WizardApp.__init__) ----------------------------------------
    options: RunOptions
    choice: BackendChoice
    state: RunState
    engine: Any  # wizard.core.engine.Engine once a run starts (a scripted engine in tests)
    project: Project | None
    project_error: str | None
    current_view: StepId | str | None
    readiness: Any  # wizard.core.readiness.Readiness, once probed
    clock: Callable[[], float]
    autopilot: bool
    autopilot_delay: float
    cursor_blink: bool
    demo: bool
    disk_scenario: str | None
    started: bool
    teardown_mode: bool
    fixed_checks: set[str]
    ui_errors: list[str]
    busy: var[bool] = var(False)
    """An engine worker (a step or a fix) is starting or running. Screens' `check_action` reads it,
    so the keys they offer only when idle are refreshed when it changes (`watch_busy`)."""

    def watch_busy(self) -> None:
        # What `var(False, bindings=True)` does, minus one case: at exit Textual cancels the workers
        # after the screens are gone, a cancelled worker resets `busy`, and `refresh_bindings`
        # would raise ScreenStackError in it (the worker then ends in ERROR instead of CANCELLED).
        if self.screen_stack:
            self.refresh_bindings()

    @property
    def plan(self) -> Plan:
        raise NotImplementedError

    @property
    def loaded_project(self) -> Project:
        """The project, for the screens that exist only once one is loaded (environment, teardown)."""
        if self.project is None:
            raise RuntimeError(f"no azd project is loaded ({self.project_error or 'none was read'})")
        return self.project

    # -- the project and the backend -----------------------------------------------------------
    def load_project(self) -> None:
        raise NotImplementedError

    def backend(self) -> Backend:
        raise NotImplementedError

    def azd_problem(self) -> str | None:
        raise NotImplementedError

    def refuse_without_azd(self) -> bool:
        raise NotImplementedError

    def check_readiness(self) -> object:
        raise NotImplementedError

    # -- navigation ------------------------------------------------------------------------------
    def show_view(self, view: StepId | str) -> None:
        raise NotImplementedError

    def step_screen_should_autostart(self, step: StepId) -> bool:
        raise NotImplementedError

    def subscribe_run_events(self, node: Widget | Screen[Any], handler: Callable[[Event], None]) -> None:
        raise NotImplementedError

    def later(self, delay: float, callback: Callable[[], Any]) -> None:
        raise NotImplementedError

    # -- intents -----------------------------------------------------------------------------------
    def begin_run(
        self,
        env_name: str,
        *,
        create: bool = False,
        subscription: str | None = None,
        location: str | None = None,
        dev_cycle: bool = False,
    ) -> None:
        raise NotImplementedError

    def run_step(self, step: StepId) -> None:
        raise NotImplementedError

    def advance(self, after: StepId) -> None:
        raise NotImplementedError

    def retry(self, step: StepId) -> None:
        raise NotImplementedError

    def request_cancel(self) -> None:
        raise NotImplementedError

    def finish_run(self, show_summary: bool = False) -> object:
        raise NotImplementedError

    def fix(self, check_ids: list[str], *, ask: bool) -> None:
        raise NotImplementedError

    def start_demo(self, scenario: str | None = None) -> None:
        raise NotImplementedError

    def reset_demo(self) -> None:
        raise NotImplementedError

    def teardown_env(self) -> str | None:
        raise NotImplementedError

    def begin_teardown(self, env: str) -> object:
        raise NotImplementedError

    def leave_teardown(self) -> None:
        raise NotImplementedError

    # -- actions the screens and the palette call --------------------------------------------------
    def action_sign_in(self) -> None:
        raise NotImplementedError

    def action_open_log(self, target: str | None = None) -> None:
        raise NotImplementedError

    def action_toggle_theme(self) -> None:
        raise NotImplementedError

    def action_teardown(self) -> None:
        raise NotImplementedError

    def action_history(self) -> None:
        raise NotImplementedError
