"""WizardApp: owns the engine, the run state and the long-running work; screens only show and ask.

The engine runs in workers that belong to the App, so switching or popping screens never kills a
running azd. Engine events update `RunState`, then go out on the `run_events` Signal, to which each
screen subscribes when it mounts (`subscribe_run_events`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.signal import Signal
from textual.widget import Widget

from wizard.backends import BackendChoice, backend_for
from wizard.core.backend import Backend
from wizard.core.events import Event, RunFinished, StepFinished
from wizard.core.options import RunOptions
from wizard.core.project import Project, ProjectError, load_project
from wizard.core.steps import FLOW, Plan, StepId, StepStatus
from wizard.tui.app_base import WizardAppBase
from wizard.tui.gc_pause import pause_full_gc
from wizard.tui.run_state import RunState

Clock = Callable[[], float]
EngineFactory = Callable[[RunOptions, Callable[[Event], None], Clock, Backend], Any]
BackendFactory = Callable[[BackendChoice], Backend]
SUMMARY = "summary"
AUTOSTART = {StepId.PREFLIGHT, StepId.VERIFY}
# view -> (module in wizard.tui.screens, class); other steps use run_step.RunStepScreen
SCREENS: dict[str, tuple[str, str]] = {
    "project": ("project", "ProjectScreen"),
    "summary": ("summary", "SummaryScreen"),
    "teardown": ("teardown", "TeardownScreen"),
    "environment": ("environment", "EnvironmentScreen"),
    "preflight": ("preflight", "PreflightScreen"),
    "phone": ("phone", "PhoneScreen"),
    "verify": ("verify", "VerifyScreen"),
}
DEV_CYCLE_SKIP = frozenset({StepId.PREFLIGHT, StepId.PROVISION, StepId.PHONE})


def real_engine(options: RunOptions, sink: Callable[[Event], None], clock: Clock, backend: Backend) -> Any:
    from wizard.core.engine import Engine  # imported when a run starts, not for the first paint

    return Engine(options, sink, backend=backend, clock=clock)


class WizardApp(WizardAppBase):
    """The deploy-wizard TUI. `autopilot` plays the flow unattended; `demo` enables the host tools."""

    CSS_PATH = ["wizard.tcss", "tools.tcss", "firsttime.tcss"]
    TITLE = "deploy-wizard"
    BINDINGS = [
        # Browsers keep ctrl+t and ctrl+q (tui/browser_keys.yaml): they stay as terminal aliases.
        Binding("l", "open_log", "Log", id="open-log"),
        Binding("ctrl+d", "toggle_theme", "Theme", show=False, priority=True, id="toggle-theme"),  # over a text field's delete-right
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, id="toggle-theme-terminal"),
        Binding("ctrl+c", "quit(True)", "Quit", priority=True, id="quit"),  # copies instead when text is selected
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="quit-terminal"),
        Binding("o", "sign_in", "Sign in", show=False, id="sign-in"),
        Binding("ctrl+l", "sign_in", "Sign in", show=False, id="sign-in-terminal"),  # browsers keep ctrl+l
    ]

    def __init__(
        self,
        options: RunOptions,
        *,
        choice: BackendChoice | None = None,
        backend_factory: BackendFactory = backend_for,
        autopilot: bool = False,
        demo: bool = False,
        clock: Clock = time.time,
        engine_factory: EngineFactory = real_engine,
        autopilot_delay: float | None = None,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        self.options = options
        self.choice = choice or BackendChoice()
        self.backend_factory = backend_factory
        self.autopilot = autopilot
        self.demo = demo
        self.clock = clock
        self.engine_factory = engine_factory
        speed = self.choice.speed if self.choice.speed is not None else 1.0
        self.autopilot_delay = autopilot_delay if autopilot_delay is not None else min(1.0, speed)
        self.cursor_blink = cursor_blink
        self.state = RunState()
        self.run_events: Signal[Event] = Signal(self, "run-events")  # every engine event, after the state saw it
        self.engine: Any = None
        self.started = False
        self.ui_errors: list[str] = []
        self.project: Project | None = None
        self.project_error: str | None = None
        self.current_view: StepId | str | None = None
        self.return_code_hint = 0
        self.teardown_mode = False
        self.disk_scenario = self.choice.scenario if demo else None  # what the demo copy on disk was shaped for
        self.fixed_checks: set[str] = set()
        self.readiness: Any = None  # wizard.core.readiness.Readiness, once probed
        if not cursor_blink:
            self.animation_level = "none"
        self.load_project()

    # -- project ---------------------------------------------------------------------------------
    def load_project(self) -> None:
        self._telephony: bool | None = None
        try:
            self.project = load_project(self.options.project_dir)
            self.project_error = None
        except ProjectError as exc:
            self.project, self.project_error = None, str(exc)

    def start_demo(self, scenario: str | None = None) -> None:
        """No azd project here: copy the bundled sample to a temp folder and simulate."""
        from wizard.tui.demo import start_demo

        start_demo(self, scenario)

    def reset_demo(self) -> None:
        """Host tool: a fresh copy of the sample shaped for the chosen scenario; forget the run."""
        from wizard.tui.demo import reset_demo

        reset_demo(self)

    # -- lifecycle -------------------------------------------------------------------------------
    def on_mount(self) -> None:
        from wizard.tui.session_status import watch_session

        self.theme = "textual-dark"
        self.show_view("project")
        watch_session(self)  # only under `deploy-wizard serve`: what the host page shows

    def screen_for(self, view: StepId | str) -> Screen[Any]:
        """The screen of a view, importing only its module (a quick first paint)."""
        import importlib

        module, name = SCREENS.get(str(view), ("run_step", "RunStepScreen"))
        cls = getattr(importlib.import_module(f"wizard.tui.screens.{module}"), name)
        if module == "run_step":
            return cls(StepId(view))
        return cls()

    def show_view(self, view: StepId | str) -> None:
        """Replace the wizard screen (overlays such as the log are closed first)."""
        from wizard.tui.screens.base import WizardScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, WizardScreen):
            self.pop_screen()
        self.current_view = view
        screen = self.screen_for(view)
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    @property
    def plan(self) -> Plan:
        """The run's plan as this project has it: no phone step without telephony."""
        return self.options.plan.for_project(self.telephony, self.options.phone)

    @property
    def telephony(self) -> bool:
        """Whether the project has telephony (read once per project load; the infra is scanned)."""
        if self._telephony is None:
            from wizard.core.phone import has_telephony

            env = self.options.env_name
            values = self.project.env_values(env) if self.project is not None and env else {}
            self._telephony = self.project is not None and has_telephony(self.project, values)
        return self._telephony

    def step_screen_should_autostart(self, step: StepId) -> bool:
        if step is StepId.TEARDOWN:  # never without the typed confirmation, autopilot or not
            return False
        view = self.state.step(step)
        if view.status != StepStatus.PENDING.value or self.state.running or self.engine is None:
            return False
        return self.autopilot or step in AUTOSTART or (step is StepId.DEPLOY and self.plan.skipped == DEV_CYCLE_SKIP)

    # -- engine events ---------------------------------------------------------------------------
    def on_engine_event(self, event: Event) -> None:
        """The engine's sink: runs on the event loop, synchronously, for every event."""
        pause_full_gc(event)
        self.state.apply(event)
        if isinstance(event, RunFinished):
            self.return_code_hint = event.exit_code
        self.run_events.publish(event)

    def subscribe_run_events(self, node: Widget | Screen[Any], handler: Callable[[Event], None]) -> None:
        """`node` gets every engine event from now on (synchronously: floods come in batches).

        A UI bug in a handler is recorded and logged; it never breaks the engine's run.
        """

        def guarded(event: Event) -> None:
            try:
                handler(event)
            except Exception as exc:
                self.ui_errors.append(f"{type(node).__name__}: {exc!r}")
                self.log.error(f"UI error on {event.kind}: {exc!r}")

        self.run_events.unsubscribe(node)  # one handler a node, however often its on_mount runs
        self.run_events.subscribe(node, guarded, immediate=True)

    # -- intents ---------------------------------------------------------------------------------
    def begin_run(
        self,
        env_name: str,
        *,
        create: bool = False,
        subscription: str | None = None,
        location: str | None = None,
        dev_cycle: bool = False,
    ) -> None:
        """The Environment screen's choice: build the engine and run the environment step."""
        if self.state.running or self.busy or self.refuse_without_azd():
            return
        plan = Plan(steps=FLOW, skipped=(DEV_CYCLE_SKIP if dev_cycle else frozenset()) | self.scenario_skips())
        self.fixed_checks.clear()
        self.options = replace(
            self.options, env_name=env_name, create_env=create or self.options.create_env, plan=plan,
            subscription=subscription or self.options.subscription, location=location or self.options.location,
        )
        self._new_engine()
        self.run_step(StepId.ENVIRONMENT)

    # -- ready before anything runs ------------------------------------------------------------
    def azd_problem(self) -> str | None:
        """Why no step may start (azd missing, too old, not runnable), or None."""
        unavailable = self.backend().unavailable
        if unavailable:
            return unavailable
        ready = self.readiness
        return ready.azd.problem if ready is not None and ready.blocked else None

    def refuse_without_azd(self) -> bool:
        """True (and the Project screen says why) when azd cannot run: no step starts."""
        problem = self.azd_problem()
        if problem is None:
            return False
        self.notify(f"Nothing can run yet: {problem}", severity="error", markup=False, timeout=8)
        if self.current_view != "project":
            self.show_view("project")
        return True

    @work(group="readiness", exclusive=True, exit_on_error=False)
    async def check_readiness(self) -> None:
        """Probe azd, its sign-in and the tools the project needs; screens get `on_readiness()`."""
        import asyncio
        import importlib

        if self.project is None:
            return
        readiness = await asyncio.to_thread(importlib.import_module, "wizard.core.readiness")  # off the loop
        self.readiness = await readiness.probe_readiness(self.project, self.backend())
        for screen in list(self.screen_stack):
            handler = getattr(screen, "on_readiness", None)
            if handler is not None and screen.is_attached:
                handler()

    def action_sign_in(self) -> None:
        """Sign in (azd auth login, and az login when the project needs az); then refresh."""
        from wizard.tui.screens.sign_in import SignInScreen

        if self.project is None or self.state.running or isinstance(self.screen, SignInScreen) or self.refuse_without_azd():
            return
        tenant = (getattr(self.engine, "env_values", {}) or {}).get("AZURE_TENANT_ID")
        self.push_screen(SignInScreen(tenant), self.after_sign_in)

    def after_sign_in(self, ok: bool | None) -> None:
        if not ok:
            return
        self.notify("Signed in.", markup=False)
        self.check_readiness()
        for screen in list(self.screen_stack):
            handler = getattr(screen, "on_signed_in", None)
            if handler is not None and screen.is_attached:
                handler()

    def backend(self) -> Backend:
        """The backend the next run talks to, from the current choice (the demo host may change it)."""
        return self.backend_factory(self.choice)

    def scenario_skips(self) -> frozenset[StepId]:
        """Steps the backend cannot play (the simulated `placeholder` scenario stops before deploy)."""
        return frozenset(StepId(step) for step in self.backend().skipped_steps)

    def _new_engine(self) -> None:
        self.engine = self.engine_factory(self.options, self.on_engine_event, self.clock, self.backend())
        self.started = False

    def run_step(self, step: StepId) -> None:
        """Intent: run (or retry) one step, unless one is already running."""
        if self.engine is None or self.busy or self.state.running:
            return
        self.busy = True
        self._step_worker(step)

    @work(group="engine", exit_on_error=False)
    async def _step_worker(self, step: StepId) -> StepFinished | None:
        """The worker is the App's, so a running azd survives screen changes."""
        try:
            return await self._run_step(step)
        finally:
            self.busy = False

    async def _run_step(self, step: StepId) -> StepFinished | None:
        if self.engine.cancelled:  # a cancelled engine refuses new work: start a fresh run record
            await self.engine.finish()
            self.options = replace(self.options, plan=Plan(steps=self.plan.steps, skipped=self.plan.skipped))
            self._new_engine()
            if step is not StepId.ENVIRONMENT:
                await self.engine.start()
                self.started = True
                env = await self.engine.run_step(StepId.ENVIRONMENT)
                if env.status != StepStatus.DONE.value:
                    return env
        if not self.started:
            await self.engine.start()
            self.started = True
        finished: StepFinished = await self.engine.run_step(step)
        self.after_step(step, finished)
        return finished

    def after_step(self, step: StepId, finished: StepFinished) -> None:
        if self.teardown_mode:
            handler = getattr(self.screen, "after_teardown_step", None)
            if handler is not None:
                handler(step, finished)
            return
        if finished.status in (StepStatus.FAILED.value, StepStatus.CANCELLED.value):
            if finished.status == StepStatus.FAILED.value:
                self.bell()
            return
        if step is StepId.ENVIRONMENT or self.autopilot:
            self.later(self.autopilot_delay if step is not StepId.ENVIRONMENT else 0, lambda: self.advance(step))

    def later(self, delay: float, callback: Callable[[], Any]) -> None:
        """`set_timer` that also accepts 0 (autopilot at simulator speed 0)."""
        if delay <= 0:
            self.call_later(callback)
        else:
            self.set_timer(delay, callback)

    def next_step(self, after: StepId | None) -> StepId | None:
        steps = list(self.plan.steps)
        start = steps.index(after) + 1 if after in steps else 0
        return steps[start] if start < len(steps) else None

    def advance(self, after: StepId) -> None:
        """Go to the screen after `after`; skipped steps are marked skipped on the way."""
        if self.state.running:
            return
        if isinstance(self.screen, ModalScreen):  # never yank a question away from the person
            self.set_timer(0.2, lambda: self.advance(after))
            return
        step = self.next_step(after)
        while step is not None and step in self.plan.skipped:
            if self.engine is not None and self.state.step(step).status == StepStatus.PENDING.value:
                self.engine.skip_step(step, "not in this run (everyday cycle: deploy code, then verify)")
            step = self.next_step(step)
        if step is None:
            self.finish_run(show_summary=True)
        else:
            self.show_view(step)

    @work(group="finish", exit_on_error=False)
    async def finish_run(self, show_summary: bool = False) -> None:
        if self.engine is not None and self.started:
            await self.engine.finish()
        if show_summary:
            self.show_view(SUMMARY)

    def request_cancel(self) -> None:
        """Ask first: cancelling stops azd, not necessarily the Azure deployment it started."""
        from wizard.tui.screens.confirm_cancel import ConfirmCancelScreen

        if not self.state.running or self.engine is None:
            return
        group = (getattr(self.engine, "env_values", {}) or {}).get("AZURE_RESOURCE_GROUP")
        step = self.state.current or StepId.PROVISION

        def answer(yes: bool | None) -> None:
            if yes and self.engine is not None:
                self.engine.cancel()

        self.push_screen(ConfirmCancelScreen(step, self.state.env, group), answer)

    def retry(self, step: StepId) -> None:
        if not self.state.running and self.engine is not None:
            self.run_step(step)

    # -- actions ---------------------------------------------------------------------------------
    def action_open_log(self, target: str | None = None) -> None:
        from wizard.tui.screens.log import LogScreen

        if not isinstance(self.screen, LogScreen):
            self.push_screen(LogScreen(target=target))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_teardown(self) -> None:
        if self.state.running or self.busy:
            self.notify("A step is running: wait for it or cancel it first.", severity="warning")
            return
        if self.refuse_without_azd():
            return
        from wizard.tui.screens.teardown import TeardownScreen

        if isinstance(self.screen, TeardownScreen) and self.teardown_mode and self.state.finished is None:
            return  # this teardown is still asking or running
        if self.project is not None:
            self.show_view(StepId.TEARDOWN)

    def leave_teardown(self) -> None:
        """Back to the Project screen after a teardown; the next run starts from scratch."""
        if self.state.running or self.busy:
            return
        self.teardown_mode = False
        self.autopilot = False  # autopilot plays the flow once, never again after a teardown
        self.engine, self.started = None, False
        self.state = RunState()
        self.options = replace(self.options, plan=Plan())
        self.load_project()
        self.show_view("project")

    def teardown_env(self) -> str | None:
        """The environment a teardown would delete: this run's, else the project's default."""
        if self.project is None:
            return None
        return self.state.env or self.options.env_name or self.project.default_environment()

    @work(group="engine", exit_on_error=False)
    async def begin_teardown(self, env: str) -> None:
        """A teardown is its own run (own record and lock): finish the flow's run first."""
        if self.engine is not None and self.started:
            await self.engine.finish()
        self.teardown_mode = True
        self.state = RunState((StepId.ENVIRONMENT, StepId.TEARDOWN))
        plan = Plan(steps=(StepId.ENVIRONMENT, StepId.TEARDOWN))
        self.options = replace(self.options, env_name=env, create_env=False, plan=plan)
        self._new_engine()
        self.run_step(StepId.ENVIRONMENT)

    def action_history(self) -> None:
        from wizard.tui.screens.history import HistoryScreen

        if self.project is not None:
            self.push_screen(HistoryScreen())

    async def action_quit(self, copy_selection: bool = False) -> None:
        from wizard.tui.keys import copy_selection as copy
        from wizard.tui.screens.confirm_cancel import ConfirmQuitScreen

        if copy_selection and copy(self):  # ctrl+c over selected text copies it, as everywhere
            return
        if self.state.running:
            def answer(yes: bool | None) -> None:
                if yes:
                    self._quit_after_cancel()

            self.push_screen(ConfirmQuitScreen(), answer)
            return
        self._quit_after_cancel()

    @work(group="quit", exit_on_error=False)
    async def _quit_after_cancel(self) -> None:
        if self.engine is not None and self.state.running:
            self.engine.cancel()
        running = [w for w in self.workers if w.group == "engine" and not w.is_finished]
        if running:  # an empty list would mean "every worker", this one included
            await self.workers.wait_for_complete(running)
        if self.engine is not None and self.started:
            finished = await self.engine.finish()
            self.return_code_hint = finished.exit_code
        self.exit(self.return_code_hint, return_code=self.return_code_hint)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from wizard.tui.palette import wizard_commands

        yield from super().get_system_commands(screen)
        yield from wizard_commands(self)

    # -- preflight fixes -------------------------------------------------------------------------
    def fix(self, check_ids: list[str], *, ask: bool) -> None:
        """Intent from the preflight screen: fix one check (asking) or all safe ones, then re-run."""
        if self.engine is None or self.state.running or self.busy:
            return
        self.busy = True
        self._fix_worker(check_ids, ask)

    @work(group="engine", exit_on_error=False)
    async def _fix_worker(self, check_ids: list[str], ask: bool) -> None:
        from wizard.tui.fixes import fix_checks
        from wizard.tui.screens.fix import FixScreen

        async def confirm(plan: Any) -> dict[str, str] | None:
            return await self.push_screen_wait(FixScreen(plan))

        try:
            fixed = await fix_checks(self.engine, check_ids, ask=confirm if ask else None)
        except Exception as exc:  # the preflight package raised: say so, keep the app alive
            from wizard.tui.format import masked_error

            self.notify(f"fix failed: {masked_error(self, exc)}", severity="error", markup=False)
            fixed = []
        finally:
            self.busy = False
        self.fixed_checks.update(c.id for c in fixed if c.status == "fixed")
        if fixed:
            self.run_step(StepId.PREFLIGHT)
