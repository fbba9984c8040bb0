"""A Pilot run of the TUI driving the real azd (record build) on the replayed Azure session.

The wizard runs in this process, as a person would start it in a shell with the exports of
`python -m tests.realazd serve`: the test's environment is the session's for the duration. The
flow plays unattended (autopilot) through environment, preflight, provision, deploy, verify;
the teardown takes the typed environment name, as always.
"""

from __future__ import annotations

import json
import os

import pytest
from textual.widgets import Input

from tests.realazd import mutations
from tests.realazd.session import ReplaySession
from tests.test_real_azd_wizard import (
    NEVER_ASKED,
    keep_records,
    runs,
    steps_of,
    summary_of,
    unexpected_misses,
)
from tests.test_tui_flow import until
from wizard.backends import azd_backend
from wizard.core.engine import RunOptions
from wizard.core.steps import StepId
from wizard.tui.app import WizardApp
from wizard.tui.screens.summary import SummaryScreen
from wizard.tui.screens.teardown import TeardownScreen
from wizard.tui.widgets.failure_panel import FailurePanel

pytestmark = pytest.mark.slow


def use_session_environment(monkeypatch: pytest.MonkeyPatch, session: ReplaySession) -> None:
    """This process's environment becomes exactly the session's (restored after the test)."""
    wanted = session.env
    for name in list(os.environ):
        if name not in wanted:
            monkeypatch.delenv(name)
    for name, value in wanted.items():
        monkeypatch.setenv(name, value)


def failure_panels(app: WizardApp) -> list[FailurePanel]:
    return [panel for panel in app.screen.query(FailurePanel) if panel.display]


async def test_tui_on_real_azd_from_environment_to_teardown(replay, monkeypatch: pytest.MonkeyPatch) -> None:
    session = replay(mutate=mutations.quick_build_log)
    use_session_environment(monkeypatch, session)
    options = RunOptions(project_dir=session.project_dir, env_name=session.env_name, create_env=True, yes=True,
                         subscription=session.subscription_id, location=session.location)
    backend = azd_backend(str(session.azd.path))
    app = WizardApp(options, backend_factory=lambda choice: backend, autopilot=True, autopilot_delay=0,
                    cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen) and app.state.finished is not None,
                    limit=30000)
        assert app.state.finished is not None and app.state.finished.ok
        for step in (StepId.ENVIRONMENT, StepId.PREFLIGHT, StepId.PROVISION, StepId.DEPLOY, StepId.VERIFY):
            assert app.state.step(step).status == "done", (step, app.state.step(step).failure)
        assert StepId.PHONE not in app.plan.steps  # the recorded app has no telephony: no phone step
        assert [t for t in app.state.step(StepId.DEPLOY).targets] == ["service:app"]
        assert failure_panels(app) == []

        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TeardownScreen)
                    and app.screen.query_one("#confirm-row").display, limit=30000)
        app.screen.query_one("#confirm-name", Input).focus()
        await pilot.press(*session.env_name, "enter")
        await until(pilot, lambda: app.state.step(StepId.TEARDOWN).status not in ("pending", "running"),
                    limit=30000)
        assert app.state.step(StepId.TEARDOWN).status == "done", app.state.step(StepId.TEARDOWN).failure
        assert "resource:Resource group/rg-azdtest-d23239f" in app.state.step(StepId.TEARDOWN).targets
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.return_code is not None)
    assert app.ui_errors == []
    flow, teardown = runs(session)[0], runs(session)[-1]
    assert summary_of(flow)["ok"] is True and summary_of(teardown)["ok"] is True
    assert steps_of(summary_of(teardown))["teardown"]["status"] == "done"
    assert "SUCCESS: Your application was deployed to Azure" in (flow / "raw.log").read_text(encoding="utf-8")
    events = [json.loads(line) for line in (flow / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert events and events[-1]["type"] == "run_finished"
    assert unexpected_misses(session) == []
    assert {i.id for i in session.proxy.unused()} == NEVER_ASKED
    assert session.processes() == []
    keep_records(session, "tui")
