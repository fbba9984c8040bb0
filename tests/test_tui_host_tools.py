"""Demo host tools on the Project screen, keys only, real engine on the simulator: scenario and
speed pickers, reset; a scenario that changes files on disk fails where it should."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from tests.test_tui_flow import demo_app, step_done, until
from wizard.core.steps import StepId
from wizard.simulator.scenarios import SCENARIOS
from wizard.tui.screens.cleanup import ConfirmScreen
from wizard.tui.screens.picker import PickerScreen
from wizard.tui.screens.project import ProjectScreen

pytestmark = pytest.mark.slow


def host_settings(app) -> str:  # type: ignore[no-untyped-def]
    found = app.screen.query("#host-settings")
    return str(found.first(Static).render()) if found else ""


async def test_pick_missing_tag_then_run_stops_at_deploy_naming_webchat_demo(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    root = tmp_path / "p"
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        listed = app.screen.query_one(OptionList)
        assert listed.option_count == len(SCENARIOS)
        assert "lacks the azd-service-name tag" in str(listed.get_option_at_index(1).prompt)
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.disk_scenario == "missing-tag" and isinstance(app.screen, ProjectScreen))
        assert app.choice.scenario == "missing-tag"
        assert (root / "infra" / "terraform" / "webchat-tags.json").is_file()
        await until(pilot, lambda: "missing-tag" in host_settings(app))  # the fresh Project screen, once composed

        await pilot.press("v")  # speed: 0.5, then back to 0 for the test
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.choice.speed == 0.5 and isinstance(app.screen, ProjectScreen))
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press("up", "enter")
        await until(pilot, lambda: app.choice.speed == 0.0 and isinstance(app.screen, ProjectScreen))

        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        await pilot.press("ctrl+s")
        await until(pilot, step_done(app, StepId.PREFLIGHT))
        assert app.state.step(StepId.PREFLIGHT).status == "done"  # the tag comes from a variable: a warning
        for step in (StepId.PROVISION, StepId.DEPLOY):
            await pilot.press("n")
            await until(pilot, lambda s=step: app.current_view == s)
            await pilot.press("g")
            await until(pilot, step_done(app, step))
        failed = app.state.failed_step
        assert failed is not None and failed.id is StepId.DEPLOY and failed.failure is not None
        assert failed.failure.target == "service:webchat-demo"
        await pilot.press("ctrl+c")
        await until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 1
    assert app.ui_errors == []


async def test_reset_demo_asks_then_lays_down_a_fresh_copy(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    root = tmp_path / "p"
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        await pilot.press("ctrl+s")
        await until(pilot, step_done(app, StepId.PREFLIGHT))
        assert (root / ".azure" / "dev").is_dir()
        app.show_view("project")
        await until(pilot, lambda: isinstance(app.screen, ProjectScreen))
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "dev" in str(app.screen.query_one("#confirm-text", Static).render())
        await pilot.press("n")  # keep: nothing happens
        await until(pilot, lambda: isinstance(app.screen, ProjectScreen))
        assert (root / ".azure" / "dev").is_dir()
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not (root / ".azure").exists() and app.engine is None and isinstance(app.screen, ProjectScreen))
        assert (root / "azure.yaml").is_file()
        assert app.state.env is None
    assert app.ui_errors == []
