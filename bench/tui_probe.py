"""tui_stream_ratio / tui_max_stall_ms / tui_lines_missing: the flood through the real engine
into the TUI's log.

A headless WizardApp (Pilot) runs the provision step of the `flood` scenario on autopilot. Lines
are counted where they enter the Textual `Log` (its `write_lines`), and a 10 ms timer on the
app's loop records the longest gap between ticks: the stall a user would feel.

The count is checked against the record: every line raw.log gained during the step must have
reached the step's log. The probe waits for that on a condition (the log views have nothing
buffered), not for a quiet spell: it used to stop 60 ms after the last change while the log
flushes every 100 ms, and then reported lines as missing that were only still buffered. The
time is taken when the last batch entered the `Log`.

The probe polls with `asyncio.sleep`, not `Pilot.pause`: a pause posts a message to every widget
and forces a repaint, so polling with it every 10 ms would measure the probe, not the app.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual.widgets import Log

from wizard.backends import BackendChoice
from wizard.core.engine import RunOptions
from wizard.core.steps import Plan, StepId
from wizard.tui.app import WizardApp
from wizard.tui.widgets.log_view import LogView

SETTLE_LIMIT = 10.0  # seconds for the views to draw what they hold after the step ended


@dataclass(frozen=True)
class TuiFlood:
    took: float  # provision start to the last batch entering the Log
    counted: int  # lines that entered the Log
    recorded: int  # lines raw.log gained during the step: what the stream carried
    stall_ms: float

    @property
    def missing(self) -> int:
        return max(0, self.recorded - self.counted)


def raw_lines(app: WizardApp) -> int:
    """Lines in the run's raw.log so far (flushed as they stream)."""
    path = app.engine.record.raw_log if app.engine is not None else None
    if path is None or not Path(path).is_file():
        return 0
    with Path(path).open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def buffered(app: WizardApp) -> int:
    """Lines the screens' log views hold but have not drawn yet (they flush every 100 ms)."""
    return sum(len(view._pending) for screen in app.screen_stack for view in screen.query(LogView))


async def run_tui_flood(project: Path) -> TuiFlood:
    counted = 0
    last_write = 0.0
    original = Log.write_lines

    def counting(self: Log, lines: Iterable[str], scroll_end: bool | None = None) -> Log:
        nonlocal counted, last_write
        batch = list(lines)
        if getattr(self.parent, "step", None) == StepId.PROVISION.value:  # the step screen's log
            counted += len(batch)
            last_write = time.perf_counter()
        return original(self, batch, scroll_end)

    Log.write_lines = counting  # type: ignore[method-assign]
    options = RunOptions(
        project_dir=project, env_name="dev", yes=True, plan=Plan(steps=(StepId.ENVIRONMENT, StepId.PROVISION)),
    )
    choice = BackendChoice(simulate=True, scenario="flood", speed=0)
    app = WizardApp(options, choice=choice, autopilot=True, autopilot_delay=0, cursor_blink=False)
    worst = 0.0
    last = time.perf_counter()

    def tick() -> None:
        nonlocal worst, last
        now = time.perf_counter()
        worst = max(worst, now - last)
        last = now

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            app.set_interval(0.01, tick)
            before = 0  # raw.log's lines before the step: the environment step's
            while app.state.step(StepId.PROVISION).status in ("pending",):
                before = raw_lines(app)
                await pilot.pause(0.01)
            # Measure the flood only: the Environment screen switched the plan to the full flow, and
            # autopilot would otherwise go on to the next screens, whose mounts and log lines would
            # land in this window.
            app.autopilot = False
            started = time.perf_counter()
            last, worst = started, 0.0
            while app.state.step(StepId.PROVISION).status == "running":
                await asyncio.sleep(0.01)
            stall = worst * 1000
            deadline = time.perf_counter() + SETTLE_LIMIT
            while buffered(app) and time.perf_counter() < deadline:  # the last batches reach the Log
                await asyncio.sleep(0.01)
            await asyncio.sleep(0)
            recorded = raw_lines(app) - before
            took = max(last_write, started) - started
            flood = TuiFlood(took=took, counted=counted, recorded=recorded, stall_ms=stall)
    finally:
        Log.write_lines = original  # type: ignore[method-assign]
    return flood
