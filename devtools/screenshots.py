"""`python -m devtools.screenshots [DIR]`: regenerate screenshots/<screen>.svg for every screen.

Each scene builds a WizardApp on the scripted engine (fixed content, fixed clock, no blink) over a
copy of the sample in a fixed folder, and drives it with keys. The snapshot tests use the same
scenes, so a screenshot and its snapshot always show the same thing.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable

from devtools.scripted_engine import T0, scripted_factory
from wizard.backends import BackendChoice, backend_for
from wizard.core.backend import Backend
from wizard.core.options import RunOptions
from wizard.core.steps import StepId
from wizard.tui.app import WizardApp
from wizard.tui.widgets.target_table import TargetTable

SIZES = ((120, 40), (80, 24))
Driver = Callable[[Pilot[int]], Awaitable[None]]


def sample_dir() -> Path:
    """A fixed path (snapshots show it), created once and never written by the scripted engine."""
    folder = Path(tempfile.gettempdir()) / "deploy-wizard-shots" / "voice-agent-sample"
    if not (folder / "azure.yaml").is_file():
        from wizard.simulator.sample import copy_sample

        staging = Path(tempfile.mkdtemp(prefix="shots-"))
        copy_sample(staging / "s")
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staging / "s", folder)
        except OSError:  # another process won the race
            pass
        shutil.rmtree(staging, ignore_errors=True)
    return folder


class NothingInstalled:
    """The local tools of a machine where nothing is installed yet (a Linux one, for stable pictures)."""

    platform = "linux"

    def which(self, name: str) -> str | None:
        return None

    async def run(self, argv: list[str], timeout: float) -> tuple[int, str]:
        return 127, f"{argv[0]}: command not found"


def no_azd_backend(choice: BackendChoice) -> Backend:
    """The real-azd backend on a machine without azd (or anything else) on PATH."""
    from wizard.backends import install_azd_text

    return Backend(label="azd", azd_command=("azd",), unavailable=install_azd_text("linux"),
                   make_tools=lambda root: NothingInstalled())


def make_app(scenario: str = "happy", *, autopilot: bool = True, project_dir: Path | None = None) -> WizardApp:
    """`scenario` is the scripted engine's; `no-azd` is the happy one on a machine without azd."""
    options = RunOptions(project_dir=project_dir or sample_dir(), create_env=True, yes=True)
    return WizardApp(
        options,
        choice=BackendChoice(simulate=scenario != "no-azd", speed=0),
        backend_factory=no_azd_backend if scenario == "no-azd" else backend_for,
        autopilot=autopilot,
        demo=True,
        clock=lambda: T0,
        engine_factory=scripted_factory(scenario),
        autopilot_delay=0,
        cursor_blink=False,
    )


async def until(pilot: Pilot[int], predicate: Callable[[], bool], limit: int = 400) -> None:
    """Let the app process messages until `predicate()` holds (bounded, so a test can fail)."""
    for _ in range(limit):
        if predicate():
            await pilot.pause()
            return
        await pilot.pause()
    raise AssertionError("the app never reached the expected state")


def at_view(app: WizardApp, view: object) -> Callable[[], bool]:
    return lambda: app.current_view == view and not app.state.running and type(app.screen).__name__ != "Screen"


async def _settle(pilot: Pilot[int]) -> None:
    app: WizardApp = pilot.app  # type: ignore[assignment]
    if not app.state.running:  # a hung step's worker never completes: do not wait for it
        await app.workers.wait_for_complete()
    await pilot.pause()
    from wizard.tui.widgets.log_view import LogView

    for view in app.screen.query(LogView):  # draw buffered lines now, not on the next 50 ms tick
        view.flush()
        view.log_widget.scroll_end(animate=False, immediate=True)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    # A table scrolls to its cursor after its rows are measured, on idle: under load that can
    # come after the picture. Scroll once more now that everything is measured.
    # Under load the table's own move to the failed row can lose a race with its setup, and a
    # table scrolls to its cursor only once its rows are measured: settle both before the picture.
    for table in app.screen.query(DataTable):
        if table.row_count:
            await until(pilot, lambda t=table: not t._require_update_dimensions)  # type: ignore[misc]
            if isinstance(table, TargetTable):
                table.reveal_failure()
            table.move_cursor(row=table.cursor_row, animate=False)  # measured: scrolls right away
    await pilot.pause()


def _step_done(app: WizardApp, step: StepId) -> bool:
    view = app.state.step(step)
    return view.status not in ("pending", "running") and not app.state.running


def start_key(step: StepId) -> str:
    """The key that starts a step as a person presses it: the phone screen arrives with the focus
    in its number field, where Enter applies (g would be typed into the field)."""
    return "enter" if step is StepId.PHONE else "g"


def stop_at(view: object, *, run: bool = False) -> Driver:
    """Manual mode: step through the flow with keys until `view` is shown (and, with `run`, its
    step has been started with g and has finished)."""

    async def drive(pilot: Pilot[int]) -> None:
        app: WizardApp = pilot.app  # type: ignore[assignment]
        await until(pilot, at_view(app, "project"))
        order: list[object] = ["project", *app.plan.steps, "summary"]
        for current in order:
            if current == view:
                break
            if current == StepId.ENVIRONMENT:
                await pilot.press("ctrl+s")
                await until(pilot, lambda: app.current_view == StepId.PREFLIGHT)
                continue
            if isinstance(current, StepId):
                if current in (StepId.PROVISION, StepId.DEPLOY, StepId.PHONE):
                    await pilot.press(start_key(current))
                await until(pilot, lambda c=current: _step_done(app, c))
            await pilot.press("n")
            await until(pilot, lambda c=current: app.current_view != c)
        await until(pilot, at_view(app, view))
        if isinstance(view, StepId) and view is not StepId.ENVIRONMENT:
            if run and view in (StepId.PROVISION, StepId.DEPLOY, StepId.PHONE):
                await pilot.press(start_key(view))
            if run or view in (StepId.PREFLIGHT, StepId.VERIFY):
                await until(pilot, lambda: _step_done(app, view))
        await _settle(pilot)

    return drive


def phone_buy_typed(pilot_phrase: str = "buy +18335550142") -> Driver:
    """At the Phone screen: ctrl+b, search, the offer and its phrase typed (nothing bought yet)."""

    async def drive(pilot: Pilot[int]) -> None:
        app: WizardApp = pilot.app  # type: ignore[assignment]
        await stop_at(StepId.PHONE)(pilot)
        await pilot.press("ctrl+b")
        await until(pilot, lambda: type(app.screen).__name__ == "BuyNumberScreen")
        await pilot.press("enter")
        await until(pilot, lambda: getattr(app.screen, "offer", None) is not None)
        await pilot.press(*pilot_phrase)
        await _settle(pilot)

    return drive


def auto_until(predicate: Callable[[WizardApp], bool], *keys: str) -> Driver:
    async def drive(pilot: Pilot[int]) -> None:
        app: WizardApp = pilot.app  # type: ignore[assignment]
        await until(pilot, lambda: predicate(app))
        if keys:
            await pilot.press(*keys)
            await pilot.pause()
        await _settle(pilot)

    return drive


def teardown_typed(env: str) -> Driver:
    """Finish the flow, open teardown, wait for the plan, type the env name (nothing deleted)."""

    async def drive(pilot: Pilot[int]) -> None:
        app: WizardApp = pilot.app  # type: ignore[assignment]
        await until(pilot, lambda: app.current_view == "summary" and app.state.finished is not None)
        await pilot.press("t")
        await until(pilot, lambda: bool(app.screen.query("#confirm-row")) and app.screen.query_one("#confirm-row").display)
        await pilot.press(*env)
        await _settle(pilot)

    return drive


def teardown_done(env: str) -> Driver:
    """Finish the flow, open teardown, type the env name, delete: the leftovers are listed."""

    async def drive(pilot: Pilot[int]) -> None:
        app: WizardApp = pilot.app  # type: ignore[assignment]
        await teardown_typed(env)(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.state.finished is not None and bool(getattr(app.screen, "leftovers", None)))
        await _settle(pilot)

    return drive


@dataclass(frozen=True)
class Scene:
    name: str
    scenario: str
    autopilot: bool
    drive: Driver


def _failed(app: WizardApp) -> bool:
    return app.state.failed_step is not None and not app.state.running


def _provision_running(app: WizardApp) -> bool:
    targets = app.state.step(StepId.PROVISION).targets
    return app.state.step(StepId.PROVISION).running and len(targets) >= 3


SCENES = (
    Scene("project", "happy", False, stop_at("project")),
    Scene("project-no-azd", "no-azd", False, stop_at("project")),
    Scene("environment", "happy", False, stop_at(StepId.ENVIRONMENT)),
    Scene("preflight", "happy", False, stop_at(StepId.PREFLIGHT)),
    Scene("provision", "happy", False, stop_at(StepId.PROVISION)),
    Scene("provision-done", "happy", False, stop_at(StepId.PROVISION, run=True)),
    Scene("provision-running", "hang", True, auto_until(_provision_running)),
    Scene("cancel-confirm", "hang", True, auto_until(_provision_running, "c")),
    Scene("deploy", "happy", False, stop_at(StepId.DEPLOY, run=True)),
    Scene("failure", "missing-tag", True, auto_until(_failed)),
    Scene("phone", "phone-numbers", False, stop_at(StepId.PHONE, run=True)),
    Scene("phone-buy", "phone-numbers", False, phone_buy_typed()),
    Scene("verify", "happy", False, stop_at(StepId.VERIFY)),
    Scene("palette", "happy", True, auto_until(lambda a: a.current_view == "summary" and a.state.finished is not None, "ctrl+p")),
    Scene("summary", "happy", True, auto_until(lambda a: a.current_view == "summary" and a.state.finished is not None)),
    Scene("log", "missing-tag", True, auto_until(_failed, "l")),
    Scene("teardown", "happy", True, teardown_typed("dev")),
    Scene("teardown-done", "happy", True, teardown_done("dev")),
    Scene("scenario-picker", "happy", False, auto_until(lambda a: a.current_view == "project", "s")),
    Scene("history", "happy", False, auto_until(lambda a: a.current_view == "project", "ctrl+p", *"history", "enter")),
)


def scene(name: str) -> Scene:
    return next(s for s in SCENES if s.name == name)


async def shoot(target: Path, only: str | None = None) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for item in SCENES:
        if only and item.name != only:
            continue
        for width, height in SIZES:
            app = make_app(item.scenario, autopilot=item.autopilot)
            async with app.run_test(size=(width, height)) as pilot:
                await item.drive(pilot)
                suffix = "" if (width, height) == SIZES[0] else f"-{width}x{height}"
                name = f"{item.name}{suffix}.svg"
                app.save_screenshot(filename=name, path=str(target))
                written.append(target / name)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("screenshots")
    for path in asyncio.run(shoot(target, args[1] if len(args) > 1 else None)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
