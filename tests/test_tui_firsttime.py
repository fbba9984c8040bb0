"""Pilot tests for a first-time deployer: the readiness panel with azd off PATH (nothing runs,
install on a key, check again), and signing in from the TUI on the simulated `not-logged-in`
scenario (the device-code flow shown inside the TUI, as under `deploy-wizard serve`)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from tests.test_tui_flow import step_done, until
from wizard.backends import BackendChoice
from wizard.core.options import RunOptions
from wizard.core.preflight.toolbox import install_command
from wizard.core.steps import StepId
from wizard.simulator.sample import copy_sample
from wizard.tui.app import WizardApp

pytestmark = pytest.mark.slow


def readiness_shown(app: WizardApp) -> str:
    return str(app.screen.query_one("#readiness", Static).render())


def fake_azd_on(folder: Path) -> Path:
    """A real `azd` executable on PATH: the simulator (as a user would have azd after installing it)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "azd"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m wizard.simulator.azd "$@"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


async def test_with_azd_off_path_the_first_screen_names_it_and_nothing_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    root = copy_sample(tmp_path / "p")
    app = WizardApp(RunOptions(project_dir=root), choice=BackendChoice(), cursor_blink=False, autopilot_delay=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.readiness is not None)
        shown = readiness_shown(app)
        assert "Azure Developer CLI (azd)" in shown and "not installed or not on PATH" in shown
        assert install_command("azd", sys.platform) in shown
        assert "Nothing can run until azd is installed" in shown
        assert "Terraform" in shown  # the sample's infra is Terraform: needed, and missing here
        assert "Node.js" not in shown  # its js services build remotely: no npm on this machine
        await pilot.press("n")
        await pilot.pause()
        assert app.current_view == "project" and app.engine is None  # nothing started
        await pilot.press("t")  # teardown would run azd too
        await pilot.pause()
        assert app.current_view == "project" and app.engine is None
        # install on a key: headless, the TUI cannot hand over the terminal, so it copies the command
        await pilot.press("i")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await until(pilot, lambda: app.clipboard == install_command("azd", sys.platform))
        # azd appears on PATH; r checks again and the way is open
        fake_azd_on(empty)
        await pilot.press("r")
        await until(pilot, lambda: app.readiness is not None and not app.readiness.blocked)
        assert "1.31.2" in readiness_shown(app)
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
    assert app.ui_errors == []


def signed_out_app(tmp_path: Path) -> WizardApp:
    root = copy_sample(tmp_path / "p")
    options = RunOptions(project_dir=root, create_env=True, yes=True)
    choice = BackendChoice(simulate=True, scenario="not-logged-in", speed=0)
    return WizardApp(options, choice=choice, demo=True, autopilot_delay=0, cursor_blink=False)


async def test_simulated_sign_in_from_the_project_screen_unblocks_the_run(tmp_path: Path) -> None:
    app = signed_out_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.readiness is not None)
        assert app.readiness.needs_sign_in
        assert "Not signed in" in readiness_shown(app)
        await pilot.press("o")
        await until(pilot, lambda: type(app.screen).__name__ == "SignInScreen")
        await pilot.press("enter")  # headless: no terminal to hand over, so the device code shows here
        await until(pilot, lambda: type(app.screen).__name__ == "ProjectScreen" and app.readiness is not None
                    and not app.readiness.needs_sign_in)
        assert "azd sign-in" in readiness_shown(app) and "not signed in" not in readiness_shown(app)
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        await pilot.press("ctrl+n")
        await until(pilot, step_done(app, StepId.PREFLIGHT))
        checks = app.state.step(StepId.PREFLIGHT).checks
        assert checks["signin.azd"].status == "pass", checks["signin.azd"]
        assert app.state.step(StepId.PREFLIGHT).status == "done", app.state.step(StepId.PREFLIGHT).failure
    assert app.ui_errors == []
    assert (tmp_path / "p" / ".azure" / "simulator-signin.json").is_file()  # inside .azure/, nowhere else
    assert not any(Path(os.path.expanduser("~")).glob(".azure/simulator-signin.json"))


async def test_a_not_signed_in_preflight_failure_offers_sign_in_and_runs_again(tmp_path: Path) -> None:
    app = signed_out_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project" and app.readiness is not None)
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        screen = app.screen
        await until(pilot, lambda: screen.signed_out)  # the pickers say so, and offer o
        assert "o signs in" in str(screen.query_one("#env-status", Static).render())
        await pilot.press("ctrl+n")
        await until(pilot, step_done(app, StepId.PREFLIGHT))
        assert app.state.step(StepId.PREFLIGHT).status == "failed"
        button = app.screen.query_one("#next-action")
        assert button.display and str(button.label) == "Sign in (o)"
        await pilot.press("o")
        await until(pilot, lambda: type(app.screen).__name__ == "SignInScreen")
        await pilot.press("enter")
        await until(pilot, lambda: app.state.step(StepId.PREFLIGHT).status == "done" and not app.state.running)
        assert app.state.step(StepId.PREFLIGHT).checks["signin.azd"].status == "pass"
    assert app.ui_errors == []


async def test_pickers_show_tenants_and_regions_best_first_with_reasons(tmp_path: Path) -> None:
    from textual.widgets import Select

    from wizard.simulator.cloud import SUBSCRIPTION_ID

    root = copy_sample(tmp_path / "p")
    app = WizardApp(RunOptions(project_dir=root, create_env=True), choice=BackendChoice(simulate=True, speed=0),
                    demo=True, autopilot_delay=0, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        subscription = app.screen.query_one("#subscription", Select)
        location = app.screen.query_one("#location", Select)
        await until(pilot, lambda: subscription.value == SUBSCRIPTION_ID and isinstance(location.value, str))
        labels = [str(label) for label, _ in subscription._options[1:]]
        assert labels[0] == "Contoso Dev (simulated) (00000000…) · Contoso (simulated)"
        assert labels[1].endswith("· Fabrikam (simulated guest)")
        regions = [value for _, value in location._options[1:]]
        by_value = {value: str(label) for label, value in location._options[1:]}
        assert set(regions[-2:]) == {"westeurope", "australiaeast"}  # no quota, or the model not offered: last
        assert by_value["westeurope"].startswith("✗") and by_value["australiaeast"].startswith("✗")
        assert location.value == "eastus2"  # quota ok, first of the subscription's regions
        reasons = str(app.screen.query_one("#picker-reason", Static).render())
        assert f"{SUBSCRIPTION_ID} in tenant Contoso (simulated): azd's default subscription" in reasons
        assert "model quota ok: gpt-4o" in reasons
        location.value = "westeurope"
        await pilot.pause()
        assert "not enough model quota" in str(app.screen.query_one("#picker-reason", Static).render())
    assert app.ui_errors == []


async def test_a_quota_failure_offers_another_region_and_runs_again_there(tmp_path: Path) -> None:
    from tests.test_tui_flow import demo_app

    app = demo_app(tmp_path, "quota")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        await pilot.press("ctrl+n")
        await until(pilot, step_done(app, StepId.PREFLIGHT))
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.PROVISION)
        await pilot.press("g")
        await until(pilot, step_done(app, StepId.PROVISION))
        assert app.state.step(StepId.PROVISION).failure.kb_id == "insufficient-quota"
        assert str(app.screen.query_one("#next-action").label) == "Pick another region (p)"
        first = app.state.step(StepId.PROVISION).started
        await pilot.press("p")
        await until(pilot, lambda: type(app.screen).__name__ == "PickerScreen")
        assert "request more quota" in str(app.screen.note)  # the simulated quota is short everywhere
        await pilot.press("down", "down", "down", "enter")  # swedencentral
        await until(pilot, lambda: app.engine.env_values.get("AZURE_LOCATION") == "swedencentral")
        await until(pilot, lambda: app.state.step(StepId.PROVISION).started != first and not app.state.running)
    assert app.ui_errors == []
