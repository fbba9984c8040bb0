"""Guided teardown on the real engine and the simulator, keys only: plan, wrong name deletes
nothing, `azd down` streamed per resource, leftovers cleaned with their own typed confirmation,
local folder removed, and a second teardown that finds nothing instead of failing."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from tests.test_tui_flow import demo_app, until
from wizard.core.steps import StepId
from wizard.simulator.cloud import DEMO_NUMBER
from wizard.simulator.fakes import simulated_ports
from wizard.tui.screens.cleanup import CleanupScreen, ConfirmScreen
from wizard.tui.screens.project import ProjectScreen
from wizard.tui.screens.summary import SummaryScreen
from wizard.tui.screens.teardown import TeardownScreen

pytestmark = pytest.mark.slow
GROUP = "rg-rtagent-dev"


def text_of(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


def confirm_visible(app: object) -> bool:
    screen = app.screen  # type: ignore[attr-defined]
    return isinstance(screen, TeardownScreen) and screen.query_one("#confirm-row").display


async def test_teardown_end_to_end_wrong_name_down_leftovers_release_and_again(tmp_path: Path) -> None:
    app = demo_app(tmp_path, autopilot=True)
    root = tmp_path / "p"
    resources = simulated_ports(root, "dev").resources
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen) and app.state.finished is not None)
        assert app.state.finished is not None and app.state.finished.ok
        assert resources.resource_group_exists(GROUP)

        await pilot.press("t")
        await until(pilot, lambda: confirm_visible(app))
        plan = text_of(app.screen, "#teardown-plan")
        for wanted in ("environment:   dev", "subscription:", f"resource group {GROUP}", "purged permanently",
                       "Key Vault", "not touched", "phone numbers"):
            assert wanted in plan, wanted

        await pilot.press(*"prod", "enter")  # wrong name: nothing deleted, and why
        await pilot.pause()
        assert "Nothing deleted" in text_of(app.screen, "#confirm-problem")
        assert "'prod'" in text_of(app.screen, "#confirm-problem")
        assert app.state.step(StepId.TEARDOWN).status == "pending"
        assert resources.resource_group_exists(GROUP)

        for _ in "prod":
            await pilot.press("backspace")
        await pilot.press(*"dev", "enter")
        await until(pilot, lambda: app.state.step(StepId.TEARDOWN).status not in ("pending", "running"))
        assert app.state.step(StepId.TEARDOWN).status == "done", app.state.step(StepId.TEARDOWN).failure
        assert not resources.resource_group_exists(GROUP)
        assert len(app.state.step(StepId.TEARDOWN).targets) > 3, "down's output was attributed per resource"
        screen = app.screen
        await until(pilot, lambda: bool(screen.leftovers) and app.state.finished is not None)
        names = [x.name for x in screen.leftovers]
        assert DEMO_NUMBER in names, names
        assert "Left behind" in text_of(screen, "#leftovers")

        table = screen.query_one("#leftover-table", DataTable)
        assert table.has_focus
        table.move_cursor(row=names.index(DEMO_NUMBER))
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, CleanupScreen))
        await pilot.press(*DEMO_NUMBER, "enter")  # not the confirmation text: nothing released
        await pilot.pause()
        assert "Nothing done" in text_of(app.screen, "#cleanup-problem")
        assert DEMO_NUMBER in [n.number for n in simulated_ports(root, "dev").phone_numbers_for("x").list_numbers()]
        app.screen.query_one("#cleanup-confirm", Input).value = ""
        await pilot.press(*f"release {DEMO_NUMBER}", "enter")
        await until(pilot, lambda: DEMO_NUMBER in screen.cleaned)
        assert simulated_ports(root, "dev").phone_numbers_for("x").list_numbers() == []

        for name in [x.name for x in screen.leftovers if x.automatic and x.name not in screen.cleaned]:
            table.move_cursor(row=names.index(name))
            await pilot.press("u")
            await until(pilot, lambda: isinstance(app.screen, CleanupScreen))
            await pilot.press(*app.screen.leftover.confirm, "enter")  # type: ignore[attr-defined]
            await until(pilot, lambda n=name: n in screen.cleaned)

        # a second teardown: nothing to delete, said plainly, no confirmation asked
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TeardownScreen) and app.screen is not screen and app.screen.nothing)
        second = app.screen
        assert "Nothing to delete for environment dev" in text_of(second, "#teardown-plan")
        assert not second.query_one("#confirm-row").display
        assert second.leftovers == [] or all(not x.automatic for x in second.leftovers)
        await until(pilot, lambda: app.state.finished is not None)

        # the local folder, with its own confirmation; then back to the project
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not (root / ".azure" / "dev").exists())
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, ProjectScreen))
        await pilot.press("t")  # from the Project screen: the environment is gone locally
        await until(pilot, lambda: isinstance(app.screen, TeardownScreen) and "nothing to tear down" in text_of(app.screen, "#teardown-plan"))
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.return_code is not None)
    assert app.ui_errors == []


async def test_teardown_from_the_palette_and_project_screen(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("ctrl+p", *"start teardown", "enter")
        await until(pilot, lambda: isinstance(app.screen, TeardownScreen) and "none exists" in text_of(app.screen, "#teardown-plan"))
        assert app.engine is None, "no environment: nothing started"
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, ProjectScreen))
    assert app.ui_errors == []
