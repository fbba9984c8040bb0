"""The status file a served session writes for the host page (wizard/tui/session_status.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_tui_flow import demo_app, until
from wizard.core.steps import StepId
from wizard.tui.session_status import STATUS_ENV, watch_session


def read(path: Path) -> dict[str, object]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


async def test_the_status_follows_the_screen_the_step_and_the_theme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status = tmp_path / "status.json"
    monkeypatch.setenv(STATUS_ENV, str(status))
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: read(status).get("view") == "project")
        assert read(status)["scenario"] == "happy" and read(status)["theme"] == "textual-dark"
        await pilot.press("n", "ctrl+s")
        await until(pilot, lambda: read(status).get("step") == "preflight" and read(status).get("status") == "done")
        assert read(status)["env"] == "dev" and app.state.step(StepId.ENVIRONMENT).status == "done"
        await pilot.press("ctrl+d")
        await until(pilot, lambda: read(status).get("theme") == "textual-light")


async def test_outside_serve_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATUS_ENV, raising=False)
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        assert watch_session(app) is None
    assert not list(tmp_path.rglob("status.json"))
