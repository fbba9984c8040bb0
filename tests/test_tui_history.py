"""History on real run records: one failing and one good run of the same environment (real engine,
simulator), then the runs listed with status, duration and failing step, a log and a diagnosis."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from tests.test_tui_flow import demo_app, until
from wizard.backends import BackendChoice
from wizard.core.engine import RunOptions
from wizard.tui.app import WizardApp
from wizard.tui.screens.diagnosis import DiagnosisScreen
from wizard.tui.screens.history import HistoryScreen
from wizard.tui.screens.log import LogScreen
from wizard.tui.screens.summary import SummaryScreen

pytestmark = pytest.mark.slow


def same_project(root: Path, *, autopilot: bool = True) -> WizardApp:
    options = RunOptions(project_dir=root, create_env=True, yes=True)
    return WizardApp(options, choice=BackendChoice(simulate=True, speed=0), autopilot=autopilot, demo=True, autopilot_delay=0, cursor_blink=False)


async def test_history_lists_a_failed_and_a_good_run_and_opens_the_diagnosis(tmp_path: Path) -> None:
    failing = demo_app(tmp_path, "quota", autopilot=True)
    async with failing.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: failing.state.failed_step is not None and not failing.state.running)
        assert failing.state.failed_step is not None and failing.state.failed_step.id.value == "provision"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: failing.return_code is not None)

    app = same_project(tmp_path / "p")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen) and app.state.finished is not None)
        assert app.state.finished is not None and app.state.finished.ok
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        history = app.screen
        assert [run.status for _, run in history.runs] == ["done", "failed"]
        assert history.runs[1][1].failing_step == "provision"
        table = history.query_one("#runs", DataTable)
        assert table.row_count == 2 and table.has_focus
        assert "done" in str(history.query_one("#history-detail", Static).render())

        await pilot.press("down")
        await pilot.pause()
        detail = str(history.query_one("#history-detail", Static).render())
        assert "provision failed" in detail and "cause:" in detail
        assert table.get_row_at(1)[5].plain == "provision"  # failing step column
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DiagnosisScreen))
        text = str(app.screen.query_one("#diagnosis", Static).render())
        assert "quota" in text.lower() and "fix" in text and "step        provision" in text
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, LogScreen))
        assert app.screen.lines  # the failed run's raw.log
        await pilot.press("escape", "escape")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await pilot.press("up", "enter")  # Enter opens the good run's log
        await until(pilot, lambda: isinstance(app.screen, LogScreen))
        await pilot.press("escape", "escape")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
    assert app.ui_errors == []
