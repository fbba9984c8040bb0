"""Sign in from the wizard: `azd auth login` (and `az login` when the project needs az).

In a terminal the TUI suspends and hands the terminal to azd, so the browser or device-code flow
works as if typed by hand. Where it cannot suspend (in a browser, under `deploy-wizard serve`) it
runs the device-code flow itself and shows the code and the address here. Dismisses with True once
signed in.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Select, Static

from wizard.core.signin import (
    DevicePrompt,
    SignInResult,
    az_sign_in_reason,
    plan_sign_in,
    remote_session,
    run_in_terminal,
    run_piped,
    tools_for,
)
from wizard.tui.format import plain

HOME_TENANT = ""  # the Select value for "no --tenant-id"
MAX_OUTPUT_LINES = 6


class SignInScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="signin-cancel")]

    def __init__(self, tenant: str | None = None) -> None:
        super().__init__()
        self.tenant = tenant or HOME_TENANT
        self.running = False
        self.output: list[str] = []
        self._runner: Any = None
        self.az_warning: str | None = None

    @property
    def wizard(self) -> Any:
        return self.app

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="signin"):
            yield Static(Text("Sign in to Azure", style="bold"))
            yield Static(id="signin-plan")
            yield Checkbox("Use a device code (sign in on another device)", value=remote_session() is not None, id="signin-device")
            options = [("your home tenant (azd's default)", HOME_TENANT)]
            if self.tenant:
                options.append((f"tenant {self.tenant} (this environment's)", self.tenant))
            yield Select(options, value=self.tenant, allow_blank=False, id="signin-tenant")
            yield Static(id="signin-code")
            yield Static(id="signin-output")
            with Horizontal(classes="row"):
                yield Button("Sign in (enter)", id="signin-go", variant="primary")
                yield Button("Cancel (esc)", id="signin-close")

    def on_mount(self) -> None:
        self.show_plan()
        self.query_one("#signin-go", Button).focus()
        self.load_tenants()

    # -- the plan ---------------------------------------------------------------------------------
    def plan(self, *, piped: bool = False) -> Any:
        app = self.wizard
        project = app.project
        because, self.az_warning = az_sign_in_reason(project, tools_for(app.backend(), project.root))
        tenant = self.query_one("#signin-tenant", Select).value
        device = self.query_one("#signin-device", Checkbox).value
        detected = remote_session() is not None
        return plan_sign_in(
            app.backend(), project.root, az_because=because,
            device_code=True if piped else (None if device == detected else device),  # None: say why it was detected
            tenant=tenant if isinstance(tenant, str) and tenant else None, piped=piped,
        )

    def show_plan(self) -> None:
        plan = self.plan()
        text = Text("The wizard runs:\n", style="dim")
        for line in plan.lines():
            text.append_text(plain(f"  {line}\n"))
        if self.az_warning:
            text.append_text(plain(f"  ! {self.az_warning}\n", "yellow"))
        text.append("Your browser (or another device) finishes the sign-in; the wizard waits.", style="dim")
        self.query_one("#signin-plan", Static).update(text)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.show_plan()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "signin-tenant":
            self.show_plan()

    @work(thread=True, group="signin-tenants", exit_on_error=False)
    def load_tenants(self) -> None:
        """Known tenants, once signed in (a second sign-in picks another tenant); none before."""
        app = self.wizard
        ports = app.backend().ports(app.project.root, "", {})
        try:
            tenants = ports.subscriptions.list_tenants() if ports is not None else []
        except Exception:  # not signed in yet, or no SDK: the home tenant is the choice
            return
        if tenants:
            self.app.call_from_thread(self._fill_tenants, tenants)

    def _fill_tenants(self, tenants: list[Any]) -> None:
        select = self.query_one("#signin-tenant", Select)
        options = [("your home tenant (azd's default)", HOME_TENANT)]
        options += [(f"{t.name or t.domain or 'tenant'} ({t.id})", t.id) for t in tenants]
        if self.tenant and all(t.id != self.tenant for t in tenants):
            options.append((f"tenant {self.tenant} (this environment's)", self.tenant))
        select.set_options(options)
        select.value = self.tenant

    # -- running ----------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "signin-go":
            self.action_sign_in()
        else:
            self.action_cancel()

    def action_sign_in(self) -> None:
        if self.running:
            return
        app = self.wizard
        plan = self.plan()
        tools = tools_for(app.backend(), app.project.root)
        try:
            with app.suspend():
                print("\nSigning in:", *[f"  {line}" for line in plan.lines()], "", sep="\n", flush=True)
                results = run_in_terminal(plan, app.backend(), app.project.root, tools)
        except SuspendNotSupported:  # in a browser: the device code, shown here
            self.start_piped()
            return
        self.finished(results)

    def start_piped(self) -> None:
        self.running = True
        self.query_one("#signin-device", Checkbox).disabled = True
        self.query_one("#signin-tenant", Select).disabled = True
        self.query_one("#signin-go", Button).disabled = True
        self.query_one("#signin-code", Static).update(Text("Starting azd auth login --use-device-code …", style="dim"))
        self.run_device_code(self.plan(piped=True))

    @work(group="signin", exclusive=True, exit_on_error=False)
    async def run_device_code(self, plan: Any) -> None:
        from wizard.core.runner import ProcessRunner

        app = self.wizard
        self._runner = ProcessRunner()
        try:
            results = await run_piped(
                plan, app.backend(), app.project.root, tools_for(app.backend(), app.project.root),
                on_line=self.add_line, on_prompt=self.show_prompt, runner=self._runner,
            )
        finally:
            self._runner = None
            self.running = False
        self.finished(results)

    def add_line(self, tool: str, line: str) -> None:
        if not line.strip():
            return
        self.output = (self.output + [f"{tool}: {line}"])[-MAX_OUTPUT_LINES:]
        self.query_one("#signin-output", Static).update(plain("\n".join(self.output), "dim"))

    def show_prompt(self, prompt: DevicePrompt) -> None:
        text = Text(f"Sign in {prompt.tool}: open ", style="bold")
        text.append(prompt.url, style="bold underline")
        text.append("\nand enter the code  ")
        text.append(f" {prompt.code} ", style="bold reverse")
        text.append("\nThe wizard goes on by itself once the sign-in is done.", style="dim")
        self.query_one("#signin-code", Static).update(text)

    def finished(self, results: list[SignInResult]) -> None:
        ok = bool(results) and all(r.ok for r in results)
        if ok:
            self.dismiss(True)
            return
        failed = next((r for r in results if not r.ok), None)
        text = Text("Not signed in", style="bold red")
        if failed is not None:
            text.append_text(plain(f": {failed.display} ended with exit {failed.exit_code}. "))
        text.append("Try again (enter), switch the device code, or run the command yourself.", style="dim")
        self.query_one("#signin-code", Static).update(text)
        for widget in (self.query_one("#signin-device"), self.query_one("#signin-tenant"), self.query_one("#signin-go")):
            widget.disabled = False

    def action_cancel(self) -> None:
        if self._runner is not None:
            self._runner.cancel()  # the device-code wait ends; nothing is half signed in
        self.dismiss(False)
