"""Environment: pick an existing azd environment or create one (name checked live, as azd would).

Creating is the engine's environment step (`azd env new … --no-prompt`); this screen only passes
the choice. An environment that is already deployed gets the everyday shortcut: deploy, verify.
The pickers list the account's subscriptions (name, id, tenant) and the regions best first, each
with its reason (core/regions.py); signed out, they offer the sign-in (o) and refresh after it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Select, Static

from wizard.core.events import Event, StepFinished
from wizard.core.project import EnvInfo, list_environments, validate_env_name
from wizard.core.records import list_runs
from wizard.core.steps import StepId
from wizard.tui.format import plain
from wizard.tui.screens.base import WizardScreen

DEFAULT_NEW_ENV = "dev"


def last_run_status(root: Any, env: str) -> str:
    runs = list_runs(root, env)
    if not runs:
        return "never run"
    run = runs[0]
    failing = f" at {run.failing_step}" if run.failing_step and run.status != "done" else ""
    return f"{run.status}{failing}"


def subscription_ports(app: Any) -> Any:
    """The Azure subscriptions port of the backend the engine would use (simulated in the demo)."""
    ports = app.backend().ports(app.project.root, "", {})
    return ports.subscriptions if ports is not None else None


class EnvironmentScreen(WizardScreen):
    """Existing environments as a table; below, the form for a new one."""

    step = StepId.ENVIRONMENT
    subtitle = "where to deploy"
    AUTO_FOCUS = "#envs, #env-name"  # the table of existing environments, else the new name
    BINDINGS = [
        Binding("u", "use_selected", "Use selected", id="use-env"),
        Binding("e", "dev_cycle", "Deploy code only", id="dev-cycle"),
        Binding("ctrl+s", "create", "Create new", id="create-env"),
        Binding("ctrl+n", "create", "Create new", show=False, id="create-env-terminal"),  # browsers keep ctrl+n
        Binding("o", "sign_in", "Sign in", id="env-sign-in"),
        Binding("ctrl+l", "sign_in", "Sign in", show=False, id="env-sign-in-terminal"),  # browsers keep ctrl+l
    ]

    def __init__(self) -> None:
        super().__init__()
        self.envs: list[EnvInfo] = []
        self.signed_out = False
        self.subscription_reasons: dict[str, str] = {}
        self.region_reasons: dict[str, str] = {}

    def compose_body(self) -> ComposeResult:
        app = self.wizard
        assert app.project is not None
        self.envs = list_environments(app.project.root)
        if self.envs:
            yield Static(Text("Existing environments (.azure/)", style="bold"))
            table: DataTable[Text] = DataTable(id="envs", cursor_type="row")
            yield table
            yield Static(id="env-hint")
        with Vertical(id="create-form"):
            yield Static(Text("Create a new environment", style="bold"))
            with Horizontal(classes="row"):
                suggested = "" if self.envs else (app.options.env_name or DEFAULT_NEW_ENV)
                yield Input(value=suggested, placeholder="name, e.g. dev-eastus", id="env-name")
                yield Button("Create (ctrl+s)", id="create", variant="primary")
            yield Static(id="name-problem")
            with Horizontal(classes="row"):
                yield Select[str]([], prompt="subscription (azd default)", id="subscription")
                yield Select[str]([], prompt="location (azd default)", id="location")
            yield Static(id="picker-reason")
        yield Static(id="env-status")

    def on_mount(self) -> None:
        if self.envs:
            table = self.query_one("#envs", DataTable)
            for key in ("Name", "Location", "Subscription", "Provisioned", "Deployed", "Last run"):
                table.add_column(key, key=key.lower())
            for env in self.envs:
                name = Text(env.name, style="bold")
                if env.is_default:
                    name.append(" ★", style="yellow")
                table.add_row(
                    name,
                    plain(env.location or "not set"),
                    plain(env.subscription or "not set"),
                    Text("yes" if env.provisioned else "no"),
                    Text("yes" if env.deployed else "no"),
                    plain(last_run_status(self.wizard.loaded_project.root, env.name)),
                    key=env.name,
                )
            default = next((i for i, e in enumerate(self.envs) if e.is_default), 0)
            table.move_cursor(row=default)
            table.focus()
        self.validate_name()
        super().on_mount()
        self.load_subscriptions()
        if self.wizard.autopilot and self.wizard.engine is None:
            self.wizard.later(self.wizard.autopilot_delay, self.autopilot_choose)

    # -- pickers ---------------------------------------------------------------------------------
    @work(group="pickers", exclusive=True, exit_on_error=False)
    async def load_subscriptions(self) -> None:
        """The account's subscriptions (azd's default first), each with its tenant and reason."""
        from wizard.core.azd import AzdClient
        from wizard.core.ports import NotSignedIn
        from wizard.core.regions import subscription_choices

        app = self.wizard
        try:
            port = subscription_ports(app)
            subs = await asyncio.to_thread(port.list_subscriptions)
        except NotSignedIn:
            self.signed_out = True
            self._set_hint("Not signed in, so no subscriptions or regions to pick: o signs in (azd auth login)", "bold yellow")
            self.refresh_bindings()
            return
        except Exception as exc:  # no SDK, no credentials: azd's defaults apply
            self._set_hint(f"subscriptions unavailable ({type(exc).__name__}); azd config defaults apply")
            return
        self.signed_out = False
        self.refresh_bindings()
        try:
            tenants = {t.id: t.name or t.domain for t in await asyncio.to_thread(port.list_tenants)}
        except Exception:  # tenant names are a courtesy
            tenants = {}
        backend = app.backend()
        assert app.project is not None  # this screen is only shown for a project
        defaults = {} if backend.unavailable else await AzdClient(
            list(backend.azd_command), app.project.root, extra_env=dict(backend.azd_env)).config_defaults()
        choices = subscription_choices(subs, tenants, app.options.subscription or defaults.get("subscription"))
        self.subscription_reasons = {
            c.subscription.id: f"{c.subscription.id} in tenant {c.tenant_name or c.subscription.tenant_id}: {c.reason}"
            for c in choices
        }
        select = self.query_one("#subscription", Select)
        select.set_options([(c.label, c.subscription.id) for c in choices])
        if choices:
            select.value = choices[0].subscription.id

    @work(group="regions", exclusive=True, exit_on_error=False)
    async def load_locations(self, subscription_id: str) -> None:
        """The subscription's regions, best first: model quota, Voice Live, the current choice."""
        from wizard.core.regions import rank_regions
        from wizard.core.signin import tools_for

        app = self.wizard
        assert app.project is not None  # this screen is only shown for a project
        ports = app.backend().ports(app.project.root, "", {})
        if ports is None:
            return
        self.query_one("#picker-reason", Static).update(Text("ranking the regions (quota, models)…", style="dim"))
        try:
            choices = await rank_regions(app.project, ports, tools_for(app.backend(), app.project.root), subscription_id,
                                         current=app.options.location)
        except Exception as exc:
            self._set_hint(f"locations unavailable: {exc}")
            return
        self.region_reasons = {c.name: c.reason for c in choices}
        select = self.query_one("#location", Select)
        select.set_options([(f"{'' if c.ok else '✗ '}{c.display} ({c.name})", c.name) for c in choices])
        wanted = app.options.location if any(c.name == app.options.location for c in choices) else None
        if wanted or choices:
            select.value = wanted or choices[0].name
        self.show_reasons()

    def show_reasons(self) -> None:
        sub = self.query_one("#subscription", Select).value
        loc = self.query_one("#location", Select).value
        text = Text()
        if isinstance(sub, str) and sub in self.subscription_reasons:
            text.append("subscription: ", style="bold")
            text.append(self.subscription_reasons[sub], style="dim")
        if isinstance(loc, str) and loc in self.region_reasons:
            text.append("\n" if text else "")
            text.append(f"region {loc}: ", style="bold")
            text.append(self.region_reasons[loc], style="dim")
        self.query_one("#picker-reason", Static).update(text)

    def _set_hint(self, message: str, style: str = "dim") -> None:
        self.query_one("#env-status", Static).update(Text(message, style=style))

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "subscription" and isinstance(event.value, str):
            self.load_locations(event.value)
        self.show_reasons()

    def action_sign_in(self) -> None:
        self.wizard.action_sign_in()

    def on_signed_in(self) -> None:
        self._set_hint("signed in: listing the subscriptions again…")
        self.load_subscriptions()

    # -- name ------------------------------------------------------------------------------------
    def validate_name(self) -> str | None:
        name = self.query_one("#env-name", Input).value.strip()
        problem = validate_env_name(name) if name else None
        if name and any(e.name == name for e in self.envs):
            problem = "an environment with this name exists: select it in the table above"
        widget = self.query_one("#name-problem", Static)
        if problem:
            widget.update(Text(f"✗ {problem}", style="red"))
        elif name:
            widget.update(Text("✓ valid name", style="green"))
        else:
            widget.update(Text("letters, digits, '-', '_', '.', '(' and ')'; at most 64", style="dim"))
        self.refresh_bindings()
        return problem if name else "enter a name"

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "env-name":
            self.validate_name()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "env-name":
            self.action_create()

    # -- choices ---------------------------------------------------------------------------------
    def selected_env(self) -> EnvInfo | None:
        if not self.envs:
            return None
        table = self.query_one("#envs", DataTable)
        return self.envs[table.cursor_row] if 0 <= table.cursor_row < len(self.envs) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        busy = self.wizard.state.running or self.wizard.engine is not None and self.wizard.state.step(self.step).status == "done"
        if action == "use_selected":
            return self.selected_env() is not None and not busy
        if action == "dev_cycle":
            env = self.selected_env()
            return env is not None and env.deployed and not busy
        if action == "create":
            return not busy
        if action == "start":
            return False
        if action == "sign_in":
            return self.signed_out and not busy
        return super().check_action(action, parameters)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        env = self.selected_env()
        hint = Text()
        if env is not None:
            hint.append("u", style="bold")
            hint.append(f" uses {env.name} (full flow)")
            if env.deployed:
                hint.append("   e", style="bold")
                hint.append(" deploys code only, then verifies (already deployed)")
        self.query_one("#env-hint", Static).update(hint)
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_use_selected()

    def action_use_selected(self) -> None:
        env = self.selected_env()
        if env is not None and not self.wizard.state.running:
            self.wizard.begin_run(env.name)

    def action_dev_cycle(self) -> None:
        env = self.selected_env()
        if env is not None and env.deployed:
            self.wizard.begin_run(env.name, dev_cycle=True)

    def action_create(self) -> None:
        problem = self.validate_name()
        if problem:
            self.query_one("#env-name", Input).focus()
            return
        name = self.query_one("#env-name", Input).value.strip()
        sub = self.query_one("#subscription", Select).value
        loc = self.query_one("#location", Select).value
        self.wizard.begin_run(
            name,
            create=True,
            subscription=sub if isinstance(sub, str) else None,
            location=loc if isinstance(loc, str) else None,
        )

    def autopilot_choose(self) -> None:
        if self.wizard.engine is not None:
            return
        if self.envs:
            self.action_use_selected()
        else:
            self.action_create()

    def button_actions(self) -> dict[str, Callable[[], object]]:
        return {**super().button_actions(), "create": self.action_create}

    def on_step_event(self, event: Event) -> None:
        if isinstance(event, StepFinished) and event.status == "failed":
            from wizard.tui.screens.orphan_azd import offer_wait_or_stop

            offer_wait_or_stop(self.wizard)  # an azd left by a killed wizard holds the environment

    def update_view(self) -> None:
        view = self.wizard.state.step(StepId.ENVIRONMENT)
        status = self.query_one("#env-status", Static)
        if view.running:
            target = next(iter(view.targets.values()), None)
            status.update(Text(f"● {target.phase if target else 'Preparing'} {self.wizard.options.env_name} …", style="bold yellow"))
        elif view.status == "done":
            status.update(Text(f"✓ {view.detail}", style="green"))
