"""tui_stream_ratio / tui_max_stall_ms: the flood through the real engine into the TUI's log.

A headless WizardApp (Pilot) runs the provision step of the `flood` scenario on autopilot. Lines
are counted where they enter the Textual `Log` (its `write_lines`), and a 10 ms timer on the
app's loop records the longest gap between ticks: the stall a user would feel.

The probe polls with `asyncio.sleep`, not `Pilot.pause`: a pause posts a message to every widget
and forces a repaint, so polling with it every 10 ms would measure the probe, not the app.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from pathlib import Path

from textual.widgets import Log

from wizard.backends import BackendChoice
from wizard.core.engine import RunOptions
from wizard.core.steps import Plan, StepId
from wizard.tui.app import WizardApp


async def run_tui_flood(project: Path) -> tuple[float, int, float]:
    counted = 0
    original = Log.write_lines

    def counting(self: Log, lines: Iterable[str], scroll_end: bool | None = None) -> Log:
        nonlocal counted
        batch = list(lines)
        counted += len(batch)
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
            while app.state.step(StepId.PROVISION).status in ("pending",):
                await pilot.pause(0.01)
            # Measure the flood only: the Environment screen switched the plan to the full flow, and
            # autopilot would otherwise go on to the next screens, whose mounts and log lines would
            # land in this window.
            app.autopilot = False
            started = time.perf_counter()
            last, worst = started, 0.0
            while app.state.step(StepId.PROVISION).status == "running":
                await asyncio.sleep(0.01)
            took_engine = time.perf_counter() - started
            # the last batch reaches the Log on the next flush tick
            settled = counted
            while True:
                await asyncio.sleep(0.06)
                if counted == settled:
                    break
                settled = counted
            took = max(took_engine, time.perf_counter() - started - 0.06)
            await asyncio.sleep(0)
    finally:
        Log.write_lines = original  # type: ignore[method-assign]
    return took, counted, worst * 1000
