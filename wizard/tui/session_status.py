"""What a served session is doing, written for the host page (`deploy-wizard serve`).

When `DEPLOY_WIZARD_SESSION_STATUS` names a file, the app writes a small JSON snapshot there once
a second, only when it changed (atomic replace): the view, the current step and its status, the
scenario, the speed, the environment and the theme. Outside `serve` nothing is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.steps import StepId
from wizard.simulator.scenarios import scenario_label

if TYPE_CHECKING:
    from wizard.tui.app_base import WizardAppBase

STATUS_ENV = "DEPLOY_WIZARD_SESSION_STATUS"
EVERY = 1.0
STEP_IDS = frozenset(s.value for s in StepId)


def snapshot(app: WizardAppBase) -> dict[str, Any]:
    """The session as the host sees it; plain JSON values only."""
    state = app.state
    view = str(app.current_view or "")
    step = str(state.current or (view if view in STEP_IDS else ""))
    status = state.step(StepId(step)).status if step else ""
    return {
        "view": view,
        "step": step,
        "status": status,
        "running": state.running,
        "finished": state.finished is not None,
        "scenario": scenario_label(app.choice.scenario),
        "speed": app.choice.speed,
        "env": state.env or app.options.env_name or "",
        "theme": app.theme,
    }


class StatusWriter:
    """Writes `snapshot(app)` to `path` when it changed since the last write."""

    def __init__(self, app: WizardAppBase, path: Path) -> None:
        self.app = app
        self.path = path
        self._last: dict[str, Any] | None = None

    def write(self) -> None:
        current = snapshot(self.app)
        if current == self._last:
            return
        self._last = current
        temp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            temp.write_text(json.dumps(current), encoding="utf-8")
            os.replace(temp, self.path)
        except OSError:  # the server removed the folder: the session is ending
            pass


def watch_session(app: WizardAppBase) -> StatusWriter | None:
    """Start writing the status file when the server asked for one (else do nothing)."""
    target = os.environ.get(STATUS_ENV)
    if not target:
        return None
    writer = StatusWriter(app, Path(target))
    app.set_interval(EVERY, writer.write)
    app.call_after_refresh(writer.write)
    return writer
