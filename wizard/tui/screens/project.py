"""Project: what azure.yaml says (services, infra, hooks), whether this machine is ready (azd, its
sign-in, the tools the project needs), and the plan; or an offer to start the demo.

Nothing runs while azd is missing: the readiness panel names it with its install command (i runs
it, r checks again). In demo mode the host picks a simulated scenario (s) and speed (v) here, and
can reset the sample (R; ctrl+r in a terminal). Teardown (t) and history (h) start here too.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from wizard.core.project import Project, list_environments
from wizard.core.steps import STEP_TITLES
from wizard.simulator.scenarios import SCENARIOS, SCENARIOS_ON_DISK
from wizard.tui.demo import SPEEDS, scenario_name
from wizard.tui.ready import readiness_text
from wizard.tui.screens.base import WizardScreen

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
        Binding("s", "pick_scenario", "Scenario", id="demo-scenario"),
        Binding("v", "pick_speed", "Speed", id="demo-speed"),
        Binding("R", "reset_demo", "Reset demo", id="demo-reset"),
        Binding("ctrl+r", "reset_demo", "Reset demo", show=False, id="demo-reset-terminal"),  # browsers reload
        Binding("t", "app.teardown", "Teardown", id="project-teardown"),
        Binding("h", "app.history", "History", id="project-history"),
        Binding("r", "check_again", "Check again", id="check-again"),
        Binding("i", "install", "Install", id="install-tool"),
        Binding("o", "sign_in", "Sign in", id="project-sign-in"),
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
        yield Static(readiness_text(app.readiness), id="readiness")
        yield Static(self.plan_text(), id="plan")
        if app.demo:
            with Vertical(id="host-tools"):
                yield Static(self.host_text(), id="host-settings")
                with Horizontal(classes="row"):
                    yield Button("Scenario (s)", id="scenario")
                    yield Button("Speed (v)", id="speed")
                    yield Button("Reset demo (R)", id="reset")
        yield Button("Continue to environment (n)", id="next", variant="primary")

    def plan_text(self) -> Text:
        text = Text("Plan", style="bold")
        for index, step in enumerate(self.wizard.plan.steps, 1):
            text.append(f"\n {index}. {STEP_TITLES[step]:<12}", style="bold")
            text.append(STEP_WHAT.get(step.value, ""), style="dim")
        return text

    def on_mount(self) -> None:
        super().on_mount()
        if self.wizard.project is not None:
            self.call_after_refresh(self.wizard.check_readiness)  # after the first paint: it imports and probes
        if self.wizard.autopilot and self.wizard.project is not None:
            self.wizard.later(self.wizard.autopilot_delay, self.action_next)

    # -- readiness ---------------------------------------------------------------------------------
    def on_readiness(self) -> None:
        self.query_one("#readiness", Static).update(readiness_text(self.wizard.readiness))
        self.query_one("#next", Button).disabled = not self.can_next()
        self.refresh_bindings()

    def action_check_again(self) -> None:
        if self.wizard.project is not None:
            self.query_one("#readiness", Static).update(readiness_text(self.wizard.readiness, checking=True))
            self.wizard.check_readiness()

    def action_sign_in(self) -> None:
        self.wizard.action_sign_in()

    def on_signed_in(self) -> None:
        self.query_one("#readiness", Static).update(readiness_text(self.wizard.readiness, checking=True))

    def action_install(self) -> None:
        from wizard.tui.ready import install_first_missing

        install_first_missing(self.wizard)

    def update_view(self) -> None:
        if self.wizard.project is not None:
            self.query_one("#next", Button).disabled = not self.can_next()

    def can_next(self) -> bool:
        return self.wizard.project is not None and self.wizard.azd_problem() is None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ready = self.wizard.readiness
        if action == "check_again":
            return self.wizard.project is not None
        if action == "install":
            return ready is not None and bool(ready.missing)
        if action == "sign_in":
            return ready is not None and ready.needs_sign_in and not self.wizard.state.running
        if action == "start_demo":
            return self.wizard.project is None
        if action in ("pick_scenario", "pick_speed", "reset_demo"):
            return self.wizard.demo and self.wizard.project is not None and not self.wizard.state.running
        return super().check_action(action, parameters)

    def action_next(self) -> None:
        from wizard.core.steps import StepId

        if self.wizard.project is not None and not self.wizard.refuse_without_azd():
            self.wizard.show_view(StepId.ENVIRONMENT)

    def action_start_demo(self) -> None:
        if self.wizard.project is None:
            self.wizard.start_demo()
            self.wizard.show_view("project")

    # -- demo host tools ---------------------------------------------------------------------------
    def host_text(self) -> Text:
        app = self.wizard
        name = scenario_name(app)
        speed = app.choice.speed if app.choice.speed is not None else 1.0
        text = Text("Demo host tools   ", style="bold")
        text.append("scenario ", style="dim")
        text.append(name, style="bold")
        text.append(f"  {SCENARIOS.get(name, '')}")
        if name in SCENARIOS_ON_DISK:
            text.append("  (changes files on disk)", style="dim")
        text.append("\n                  speed ", style="dim")
        text.append(f"{speed:g}", style="bold")
        text.append(f"  {dict(SPEEDS).get(speed, '')}")
        return text

    def action_pick_scenario(self) -> None:
        from wizard.tui.demo import pick_scenario
        from wizard.tui.screens.picker import PickerScreen

        choices = []
        for name, description in SCENARIOS.items():
            label = Text(name, style="bold")
            if name in SCENARIOS_ON_DISK:
                label.append("  ✎ resets the copy", style="yellow")
            label.append(f"\n  {description}", style="dim")
            choices.append((name, label))
        note = Text("✎ scenarios change the project's files: picking one lays down a fresh copy of the sample.", style="dim")
        self.app.push_screen(
            PickerScreen("Simulated scenario", choices, scenario_name(self.wizard), note),
            lambda value: self._after_pick(pick_scenario, value) if value else None,
        )

    def _after_pick(self, pick: Callable[..., object], value: object) -> None:
        pick(self.wizard, value)
        self.wizard.check_readiness()  # a scenario may sign out, or take a tool away

    def action_pick_speed(self) -> None:
        from wizard.tui.demo import pick_speed
        from wizard.tui.screens.picker import PickerScreen

        choices = [(value, Text.assemble((f"{value:<5g}", "bold"), label)) for value, label in SPEEDS]
        self.app.push_screen(
            PickerScreen("Simulated speed", choices, self.wizard.choice.speed),
            lambda value: pick_speed(self.wizard, value) if value is not None else None,
        )

    def action_reset_demo(self) -> None:
        from wizard.tui.screens.cleanup import ConfirmScreen

        root = self.wizard.project.root if self.wizard.project else None
        envs = ", ".join(e.name for e in list_environments(root)) if root else ""
        question = Text("Reset the demo?\n", style="bold")
        question.append(f"Lays down a fresh copy of the sample in {root} (scenario {scenario_name(self.wizard)}). ")
        question.append(f"The local environments ({envs}), their run records and the simulated cloud go." if envs else "")
        self.app.push_screen(ConfirmScreen(question, "Reset (y)"), lambda yes: self.wizard.reset_demo() if yes else None)

    def button_actions(self) -> dict[str, Callable[[], object]]:
        return {
            **super().button_actions(),
            "demo": self.action_start_demo,
            "scenario": self.action_pick_scenario,
            "speed": self.action_pick_speed,
            "reset": self.action_reset_demo,
        }
