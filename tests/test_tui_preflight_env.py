"""Preflight fixes and the Environment screen on the real engine and simulator, keys only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, Static

from tests.test_tui_flow import step_done, until
from wizard.backends import BackendChoice
from wizard.core.engine import RunOptions
from wizard.core.steps import StepId
from wizard.simulator.sample import copy_sample
from wizard.tui.app import WizardApp
from wizard.tui.screens.fix import FixScreen
from wizard.tui.screens.preflight import PreflightScreen
from wizard.tui.screens.summary import SummaryScreen

pytestmark = pytest.mark.slow


def app_on(root: Path, *, yes: bool = True, autopilot: bool = False) -> WizardApp:
    options = RunOptions(project_dir=root, create_env=True, yes=yes)
    return WizardApp(options, choice=BackendChoice(simulate=True, speed=0), autopilot=autopilot, demo=True, autopilot_delay=0, cursor_blink=False)


async def test_preflight_fix_shows_the_plan_asks_with_defaults_and_fix_all_applies_safe_fixes(tmp_path: Path) -> None:
    app = app_on(copy_sample(tmp_path / "p"), yes=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.current_view == StepId.PREFLIGHT)
        await until(pilot, step_done(app, StepId.PREFLIGHT))
        checks = app.state.step(StepId.PREFLIGHT).checks
        assert [c.id for c in checks.values() if c.status == "fail"] == ["hooks.unattended"]
        screen = app.screen
        assert isinstance(screen, PreflightScreen)
        assert screen.selected_id() == "hooks.unattended", "the failing check is under the cursor"
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, FixScreen))
        fix = app.screen
        shown = str(fix.query_one(Static).render())
        assert fix.plan.actions and all(action in shown for action in fix.plan.actions)
        inputs = list(fix.query(Input))
        assert [i.name for i in inputs] == [spec.key for spec in fix.plan.needs_input]
        assert inputs and [i.value for i in inputs] == [spec.default or "" for spec in fix.plan.needs_input]
        assert all(i.value for i in inputs), "every value comes with its default"
        await pilot.press("enter")  # apply with the defaults
        await until(pilot, lambda: not isinstance(app.screen, FixScreen))
        await until(pilot, lambda: app.state.step(StepId.PREFLIGHT).status == "done" and not app.state.running)
        assert screen.shown_status("hooks.unattended") == "fixed"
        assert "fixed" in str(screen.query_one("#checks", DataTable).get_row("hooks.unattended")[0])
        await continue_to_provision(pilot, app)
    assert app.ui_errors == []


async def continue_to_provision(pilot, app: WizardApp) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("n")
    await until(pilot, lambda: app.current_view == StepId.PROVISION)
    await pilot.press("g")
    await until(pilot, step_done(app, StepId.PROVISION))
    assert app.state.step(StepId.PROVISION).status == "done", app.state.step(StepId.PROVISION).failure


async def test_preflight_fix_all_applies_every_safe_fix(tmp_path: Path) -> None:
    app = app_on(copy_sample(tmp_path / "p"), yes=False)
    app.choice = replace(app.choice, scenario="provider-unregistered")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.current_view == StepId.PREFLIGHT)
        await until(pilot, step_done(app, StepId.PREFLIGHT))
        checks = app.state.step(StepId.PREFLIGHT).checks
        failing = sorted(c.id for c in checks.values() if c.status == "fail")
        assert failing == ["hooks.unattended", "subscription.providers"]
        screen = app.screen
        await pilot.press("a")  # no questions: safe, free fixes with their defaults
        await until(pilot, lambda: app.state.step(StepId.PREFLIGHT).status == "done" and not app.state.running and not app.busy)
        assert not isinstance(app.screen, FixScreen)
        assert all(screen.shown_status(c) == "fixed" for c in failing)  # type: ignore[attr-defined]
        await continue_to_provision(pilot, app)
    assert app.ui_errors == []


async def test_environment_pickers_come_from_the_simulated_ports(tmp_path: Path) -> None:
    from wizard.simulator.cloud import LOCATIONS, SUBSCRIPTION_ID

    app = app_on(copy_sample(tmp_path / "p"))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        subscription = app.screen.query_one("#subscription", Select)
        location = app.screen.query_one("#location", Select)
        await until(pilot, lambda: subscription.value == SUBSCRIPTION_ID and location.value == "eastus2")
        assert len(location._options) - 1 == len(LOCATIONS)
        location.value = "swedencentral"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.state.step(StepId.ENVIRONMENT).status == "done")
        assert app.engine.env_values.get("AZURE_LOCATION") == "swedencentral"
        assert app.engine.env_values.get("AZURE_SUBSCRIPTION_ID") == SUBSCRIPTION_ID
        await until(pilot, step_done(app, StepId.PREFLIGHT))  # do not quit mid-step
    assert app.ui_errors == []


async def test_deploy_code_only_shortcut_on_an_already_deployed_environment(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "p")
    first = app_on(root, autopilot=True)
    async with first.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(first.screen, SummaryScreen) and first.state.finished is not None)
        assert first.state.finished is not None and first.state.finished.ok
        await pilot.press("ctrl+c")
        await until(pilot, lambda: first.return_code is not None)

    app = app_on(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        table = app.screen.query_one("#envs", DataTable)
        assert table.row_count == 1 and app.screen.selected_env().name == "dev"
        assert app.screen.selected_env().deployed
        await pilot.press("e")
        await until(pilot, lambda: app.current_view == StepId.DEPLOY)
        await until(pilot, step_done(app, StepId.DEPLOY))
        assert app.state.step(StepId.DEPLOY).status == "done", app.state.step(StepId.DEPLOY).failure
        for step in (StepId.PREFLIGHT, StepId.PROVISION):
            assert app.state.step(step).status == "skipped"
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.VERIFY)
        await until(pilot, step_done(app, StepId.VERIFY))
        assert app.state.step(StepId.VERIFY).status == "done"
        assert app.state.step(StepId.PHONE).status == "skipped"
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen) and app.state.finished is not None)
        assert app.state.finished is not None and app.state.finished.ok
        ran = [s["id"] for s in app.state.finished.summary["steps"] if s["status"] == "done"]
        assert ran == ["environment", "deploy", "verify"]
    assert app.ui_errors == []
