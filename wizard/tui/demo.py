"""Demo host tools: start the demo on a copy of the bundled sample, pick a scenario and a speed,
reset the copy. Scenarios in SCENARIOS_ON_DISK change files of the copy, so picking one (or
leaving one) lays down a fresh copy shaped for it; the others only change the simulated cloud.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from wizard.simulator.sample import fresh_demo_copy, reset_sample
from wizard.simulator.scenarios import (
    DEFAULT_SCENARIO,
    SCENARIOS,
    SCENARIOS_ON_DISK,
    backend_scenario,
    scenario_label,
)

if TYPE_CHECKING:
    from wizard.tui.app_base import WizardAppBase

SPEEDS: tuple[tuple[float, str], ...] = (
    (0.0, "instant: no waiting at all"),
    (0.5, "fast: twice real time"),
    (1.0, "realistic: as long as the real thing, scaled down"),
    (2.0, "slow motion: for explaining each step"),
)


def scenario_name(app: WizardAppBase) -> str:
    return scenario_label(app.choice.scenario)


def needs_reset(app: WizardAppBase, scenario: str) -> bool:
    """Whether the files on disk differ from what `scenario` expects."""
    on_disk = scenario_label(app.disk_scenario)
    wanted = scenario if scenario in SCENARIOS_ON_DISK else DEFAULT_SCENARIO
    current = on_disk if on_disk in SCENARIOS_ON_DISK else DEFAULT_SCENARIO
    return wanted != current


def start_demo(app: WizardAppBase, scenario: str | None = None) -> None:
    folder = fresh_demo_copy(scenario)
    app.options = replace(app.options, project_dir=folder, create_env=True, yes=True)
    speed = app.choice.speed if app.choice.speed is not None else 1.0
    app.choice = replace(app.choice, simulate=True, scenario=scenario, speed=speed)
    app.demo = True
    app.disk_scenario = scenario
    app.load_project()


def pick_scenario(app: WizardAppBase, scenario: str) -> None:
    """Use `scenario` for the next run; re-lay the copy when its files must change."""
    if scenario not in SCENARIOS:
        return
    reset = needs_reset(app, scenario)
    app.choice = replace(app.choice, scenario=backend_scenario(scenario))
    if reset:
        reset_demo(app, why=f"{scenario} changes files on disk")
    else:
        app.notify(f"scenario {scenario}: {SCENARIOS[scenario]}", markup=False)
        app.show_view("project")


def pick_speed(app: WizardAppBase, speed: float) -> None:
    app.choice = replace(app.choice, speed=speed)
    label = dict(SPEEDS).get(speed, "")
    later = " (from the next run)" if app.engine is not None else ""
    app.notify(f"simulated speed {speed:g}: {label}{later}", markup=False)
    app.show_view("project")


def reset_demo(app: WizardAppBase, why: str = "") -> None:
    """Finish the current run (closing its records), then lay down a fresh copy of the sample."""
    if app.state.running or app.busy:
        app.notify("A step is running: cancel it first.", severity="warning")
        return
    if app.project is None:
        return
    app.run_worker(_reset(app, why), group="engine", exit_on_error=False)


async def _reset(app: WizardAppBase, why: str) -> None:
    from wizard.core.steps import Plan
    from wizard.tui.run_state import RunState

    assert app.project is not None
    if app.engine is not None and app.started:
        await app.engine.finish()
    scenario = scenario_name(app)
    await asyncio.to_thread(reset_sample, app.project.root, scenario if scenario in SCENARIOS_ON_DISK else None)
    app.disk_scenario = scenario
    app.engine, app.started, app.teardown_mode = None, False, False
    app.state = RunState()
    app.fixed_checks.clear()
    app.options = replace(app.options, plan=Plan(), env_name=None)
    app.load_project()
    app.notify(f"demo reset: fresh copy of the sample, scenario {scenario}{f' ({why})' if why else ''}", markup=False)
    app.show_view("project")
