"""Pilot tests on the real engine and the azd simulator (speed 0): each path driven with keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from wizard.backends import BackendChoice
from wizard.core.engine import RunOptions
from wizard.core.steps import StepId
from wizard.tui.app import WizardApp
from wizard.tui.screens.confirm_cancel import ConfirmCancelScreen
from wizard.tui.screens.summary import SummaryScreen
from wizard.tui.widgets.failure_panel import FailurePanel

pytestmark = pytest.mark.slow


def demo_app(tmp_path: Path, scenario: str = "happy", *, autopilot: bool = False) -> WizardApp:
    """Options as `deploy-wizard demo` builds them, on a fresh copy of the sample."""
    from wizard.simulator.sample import copy_sample

    folder = copy_sample(tmp_path / "p", scenario=scenario) if scenario != "happy" else copy_sample(tmp_path / "p")
    options = RunOptions(project_dir=folder, create_env=True, yes=True)
    choice = BackendChoice(simulate=True, scenario=None if scenario == "happy" else scenario, speed=0)
    return WizardApp(options, choice=choice, autopilot=autopilot, demo=True, autopilot_delay=0, cursor_blink=False)


async def until(pilot: Pilot[int], predicate: Callable[[], bool], limit: int = 3000) -> None:
    """Process messages until the app reaches a state; fail (not hang) if it never does."""
    for _ in range(limit):
        if predicate():
            return
        await pilot.pause(0.01)
    raise AssertionError("the app never reached the expected state")


def step_done(app: WizardApp, step: StepId) -> Callable[[], bool]:
    return lambda: app.state.step(step).status not in ("pending", "running") and not app.state.running


async def test_happy_path_by_keys_reaches_summary_and_exits_0(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        await pilot.press("ctrl+s")  # create "dev" (the suggested name)
        await until(pilot, step_done(app, StepId.PREFLIGHT))
        assert app.state.step(StepId.ENVIRONMENT).status == "done"
        assert app.state.step(StepId.PREFLIGHT).status == "done", app.state.step(StepId.PREFLIGHT).failure
        for step in (StepId.PROVISION, StepId.DEPLOY, StepId.PHONE):
            await pilot.press("n")
            await until(pilot, lambda s=step: app.current_view == s)
            assert app.state.step(step).status == "pending"  # paid/long steps wait for g
            await pilot.press("enter" if step is StepId.PHONE else "g")  # the phone field has focus
            await until(pilot, step_done(app, step))
            assert app.state.step(step).status in ("done", "skipped"), app.state.step(step).failure
        await pilot.press("n")
        await until(pilot, step_done(app, StepId.VERIFY))
        assert app.state.step(StepId.VERIFY).status == "done"
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen) and app.state.finished is not None)
        assert app.state.finished is not None and app.state.finished.ok
        assert app.state.step(StepId.PHONE).status == "skipped"  # no number: telephony disabled
        assert app.state.step(StepId.PROVISION).targets, "provision rows came from TargetChanged"
        assert (tmp_path / "p" / ".azure" / "dev").is_dir()
        await pilot.press("ctrl+c")
        await until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0
    assert app.ui_errors == []


async def test_missing_tag_stops_on_the_failure_panel_naming_webchat_demo(tmp_path: Path) -> None:
    app = demo_app(tmp_path, "missing-tag", autopilot=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.state.failed_step is not None and not app.state.running)
        failed = app.state.failed_step
        assert failed is not None and failed.failure is not None
        assert failed.id is StepId.DEPLOY  # preflight only warns: the tag comes from a variable
        assert failed.failure.target == "service:webchat-demo"
        await pilot.pause()
        panel = app.screen.query_one(FailurePanel)
        assert panel.display
        text = str(panel.query_one("#failure-text", Static).render())
        assert "webchat-demo" in text and "failed" in text
        # autopilot stopped: nothing after the failed step ran
        later = list(app.plan.steps)[list(app.plan.steps).index(failed.id) + 1 :]
        assert all(app.state.step(s).status == "pending" for s in later)
        await pilot.press("ctrl+c")
        await until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 1
    assert app.ui_errors == []


async def test_cancel_during_hang_asks_first_then_cancels(tmp_path: Path) -> None:
    app = demo_app(tmp_path, "hang", autopilot=True)
    async with app.run_test(size=(120, 40)) as pilot:
        # the simulator's hang scenario: deploy never ends until cancelled
        await until(pilot, lambda: app.state.current is StepId.DEPLOY and app.current_view is StepId.DEPLOY)
        hung = StepId.DEPLOY
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmCancelScreen))
        text = str(app.screen.query_one(Static).render())
        assert "azd show" in text and "Deployments" in text
        await pilot.press("n")  # keep running: nothing cancelled
        await pilot.pause()
        assert app.state.step(hung).running
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmCancelScreen))
        await pilot.press("y")
        await until(pilot, lambda: app.state.step(hung).status == "cancelled" and not app.state.running)
        await pilot.pause()
        assert app.screen.query_one(FailurePanel).display
        await pilot.press("ctrl+c")
        await until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 130


async def test_new_environment_invalid_then_valid_name(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        name = app.screen.query_one("#env-name", Input)
        name.value = ""
        name.focus()
        await pilot.press(*"bad name!")
        await pilot.pause()
        problem = str(app.screen.query_one("#name-problem", Static).render())
        assert "not allowed" in problem and "'!'" in problem
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.engine is None, "an invalid name must not start anything"
        for _ in range(len("bad name!")):
            await pilot.press("backspace")
        await pilot.press(*"dev-2")
        await pilot.pause()
        assert "valid name" in str(app.screen.query_one("#name-problem", Static).render())
        await pilot.press("enter")
        await until(pilot, lambda: app.state.step(StepId.ENVIRONMENT).status == "done")
        assert app.state.env == "dev-2"
        assert (tmp_path / "p" / ".azure" / "dev-2").is_dir()
        await until(pilot, lambda: app.current_view == StepId.PREFLIGHT)


async def test_placeholder_demo_skips_deploy_and_verify_names_the_placeholder(tmp_path: Path) -> None:
    app = demo_app(tmp_path, "placeholder", autopilot=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.state.failed_step is not None and not app.state.running)
        assert app.state.step(StepId.DEPLOY).status == "skipped"
        failed = app.state.failed_step
        assert failed is not None and failed.id is StepId.VERIFY and failed.failure is not None
        assert "placeholder image" in failed.failure.cause
        assert "deploy" in (failed.failure.fix or "")
    assert app.ui_errors == []
