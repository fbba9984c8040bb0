"""A failure's next action on a key (core/next_action.py decides which): sign in (o), install
the tool (i), pick another region (p), fix the check (x, the preflight fix)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from wizard.core.next_action import FIX_CHECK, INSTALL, PICK_REGION, SIGN_IN, NextAction

if TYPE_CHECKING:
    from wizard.tui.app_base import WizardAppBase

KEYS = {SIGN_IN: "o", INSTALL: "i", PICK_REGION: "p", FIX_CHECK: "x"}


def button_label(action: NextAction) -> str:
    return f"{action.label} ({KEYS[action.id]})"


def run(app: WizardAppBase, action: NextAction, retry: Any) -> None:
    """Do `action`; `retry` re-runs the failed step once the action has done its part."""
    if action.id == SIGN_IN:
        app.action_sign_in()  # screens retry from on_signed_in
    elif action.id == INSTALL and action.tool:
        from wizard.tui.ready import install_tool

        install_tool(app, action.tool)
    elif action.id == PICK_REGION:
        pick_region(app, retry)
    elif action.id == FIX_CHECK and action.check:
        app.fix([action.check], ask=True)


def pick_region(app: WizardAppBase, retry: Any) -> None:
    """The regions, best first with their reasons; the pick becomes the environment's location."""
    app.run_worker(_pick_region(app, retry), group="pick-region", exclusive=True, exit_on_error=False)


async def _pick_region(app: WizardAppBase, retry: Any) -> None:
    from wizard.core.regions import rank_regions
    from wizard.core.signin import tools_for
    from wizard.tui.screens.picker import PickerScreen

    engine = app.engine
    values = dict(getattr(engine, "env_values", {}) or {})
    subscription = values.get("AZURE_SUBSCRIPTION_ID")
    ports = getattr(engine, "ports", None)
    if engine is None or ports is None or not subscription or app.project is None:
        app.notify("No subscription chosen yet: pick the region on the Environment screen.", severity="warning")
        return
    current = values.get("AZURE_LOCATION")
    try:
        choices = await rank_regions(app.project, ports, tools_for(app.backend(), app.project.root), subscription, current=current)
    except Exception as exc:
        app.notify(f"cannot list the regions: {exc}", severity="error", markup=False)
        return
    options = []
    for choice in choices:
        label = Text(f"{choice.display} ({choice.name})", style="bold" if choice.ok else "dim")
        label.append(f"\n  {choice.reason}", style="dim" if choice.ok else "red")
        options.append((choice.name, label))
    best = next((c.name for c in choices if c.ok and c.name != current), current)
    note = Text("Best first: model quota, models offered, Voice Live. The pick becomes AZURE_LOCATION.", style="dim")
    if not any(c.ok for c in choices if c.name != current):
        note.append("\nNo other region the wizard checked has what the project needs: request more quota "
                    "(https://aka.ms/oai/quotaincrease) or lower the capacity in the infra variables.", style="yellow")
    region = await app.push_screen_wait(PickerScreen("Pick another region", options, best, note))
    if not region or region == current:
        return
    if values.get("AZURE_RESOURCE_GROUP"):
        app.notify(f"{app.state.env} is already provisioned in {current}: create a new environment in {region} "
                   "(Environment screen), or tear this one down first.", severity="warning", markup=False, timeout=10)
        return
    await engine.azd.env_set("AZURE_LOCATION", region)
    engine.refresh_env_values()
    app.notify(f"AZURE_LOCATION={region}; running the step again.", markup=False)
    retry()
