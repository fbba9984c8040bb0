"""Project: what azure.yaml says (services, infra, hooks) and the plan, or an offer to start the demo.

In demo mode the host picks a simulated scenario and speed here, and can reset the sample.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Select, Static

from wizard.cli import SCENARIOS
from wizard.core.project import Project
from wizard.core.steps import STEP_TITLES
from wizard.tui.screens.base import WizardScreen

SPEEDS = (("instant (0)", 0.0), ("fast (0.25)", 0.25), ("realistic (1)", 1.0))
STEP_WHAT = {
    "environment": "choose or create the azd environment (azd env new / select)",
    "preflight": "check every known trap before azd runs; fix what is safe",
    "provision": "azd provision: create the Azure resources",
    "deploy": "azd deploy: build and ship the services' code",
    "phone": "phone number for voice calls (optional)",
    "verify": "images, ports, revisions, health endpoint, telephony",
}


def project_table(project: Project) -> Table:
    """Services, infra and hooks, drawn from the parsed project (values are plain text)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("project", Text(project.name))
    table.add_row("folder", Text(str(project.root), overflow="fold"))
    for service in project.services:
        detail = " · ".join(x for x in (service.host, service.language, service.project) if x)
        table.add_row("service", Text.assemble((service.name, "bold"), "  ", (detail, "dim")))
    table.add_row("infra", Text(f"{project.infra.provider} in {project.infra.path}/"))
    for hook in project.hooks:
        where = f"{hook.service}/" if hook.service else ""
        table.add_row("hook", Text.assemble((f"{where}{hook.name}", "bold"), "  ", (hook.run.strip().splitlines()[0][:60], "dim")))
    return table


class ProjectScreen(WizardScreen):
    """First screen: what was found, the plan, and (demo) the host's controls."""

    BINDINGS = [
        Binding("n", "next", "Next", id="next-step"),
        Binding("d", "start_demo", "Start demo", id="start-demo"),
    ]
    subtitle = "what was found"

    def title_text(self) -> Text:
        return Text.assemble(("Project", "bold"), ("  what was found", "dim"))

    def compose_body(self) -> ComposeResult:
        app = self.wizard
        if app.project is None:
            yield Static(Text("No azd project here", style="bold yellow"), id="no-project")
            yield Static(Text(app.project_error or "", style="dim"), id="project-error")
            yield Static(
                "The demo runs the whole wizard on a bundled sample project with a simulated azd "
                "and Azure: no subscription needed, nothing is created.",
                id="demo-offer",
            )
            yield Button("Start the demo (d)", id="demo", variant="primary")
            return
        yield Static(project_table(app.project), id="project-info")
        yield Static(self.plan_text(), id="plan")
        if app.demo:
            with Vertical(id="demo-controls"):
                yield Static(Text("Demo host controls", style="bold"))
                with Horizontal(classes="row"):
                    yield Select([(s, s) for s in SCENARIOS], value=app.options.scenario or "happy", allow_blank=False, id="scenario")
                    speed = app.options.sim_speed if app.options.sim_speed is not None else 1.0
                    values = [v for _, v in SPEEDS]
                    yield Select(SPEEDS, value=speed if speed in values else 1.0, allow_blank=False, id="speed")
                    yield Button("Reset demo", id="reset")
        yield Button("Continue to environment (n)", id="next", variant="primary")

    def plan_text(self) -> Text:
        text = Text("Plan", style="bold")
        for index, step in enumerate(self.wizard.plan.steps, 1):
            text.append(f"\n {index}. {STEP_TITLES[step]:<12}", style="bold")
            text.append(STEP_WHAT.get(step.value, ""), style="dim")
        return text

    def on_mount(self) -> None:
        super().on_mount()
        if self.wizard.autopilot and self.wizard.project is not None:
            self.wizard.later(self.wizard.autopilot_delay, self.action_next)

    def can_next(self) -> bool:
        return self.wizard.project is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start_demo":
            return self.wizard.project is None
        return super().check_action(action, parameters)

    def action_next(self) -> None:
        from wizard.core.steps import StepId

        if self.wizard.project is not None:
            self.wizard.show_view(StepId.ENVIRONMENT)

    def action_start_demo(self) -> None:
        if self.wizard.project is None:
            self.wizard.start_demo()
            self.wizard.show_view("project")

    def on_select_changed(self, event: Select.Changed) -> None:
        options = self.wizard.options
        if event.select.id == "scenario" and isinstance(event.value, str):
            options.scenario = None if event.value == "happy" else event.value
        elif event.select.id == "speed" and isinstance(event.value, float):
            options.sim_speed = event.value

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "demo":
            event.stop()
            self.action_start_demo()
        elif event.button.id == "reset":
            event.stop()
            self.wizard.reset_demo()
            self.wizard.notify(f"demo reset: scenario {self.wizard.options.scenario or 'happy'}", markup=False)
            self.wizard.show_view("project")
        else:
            super().on_button_pressed(event)
