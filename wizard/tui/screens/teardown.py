"""Teardown: the plan (what will be deleted, what is purged, what is not touched), the typed
env-name confirmation, the streamed `azd down --force --purge`, then what is left behind, each
cleaned with its own typed confirmation, and optionally the local `.azure/<env>` folder.
Nothing is deleted before the name is typed; a wrong name deletes nothing and says why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from wizard.core.events import Event, LinesReceived, RunFinished, StepFinished, TargetChanged
from wizard.core.leftovers import Leftover, Unchecked
from wizard.core.project import list_environments
from wizard.core.steps import StepId
from wizard.tui.format import masked_error, plain
from wizard.tui.leftover_actions import (
    KIND_TITLES,
    TeardownContext,
    leftovers_from_facts,
    unchecked_from_facts,
)
from wizard.tui.screens.base import WizardScreen
from wizard.tui.widgets.log_view import LOG_BINDINGS, LogView
from wizard.tui.widgets.target_table import TargetTable


def plan_text(lines: list[str], nothing: str | None, env: str) -> Text:
    """`nothing`: why there is nothing to delete (None when azd down will run)."""
    if nothing:
        text = Text(f"Nothing to delete for environment {env}: {nothing}.\n", style="bold green")
    else:
        text = Text("What will be deleted\n", style="bold")
    for line in lines:
        style = "bold" if line.startswith(("resource group", "purged", "not touched")) else ""
        text.append(f"{line}\n", style=style)
    return text


def deleted_text(lines: list[str], detail: str) -> Text:
    """After `azd down`: what went (the plan without its "not touched" part, which stays true)."""
    text = Text(f"✓ Deleted: {detail}\n", style="bold green")
    for line in lines:
        if line.startswith("not touched"):
            break
        text.append(f"{line}\n", style="dim")
    return text


def leftovers_text(leftovers: list[Leftover], cleaned: dict[str, str], unchecked: Sequence[Unchecked] = ()) -> Text:
    """What is left, and what could not be checked: "Nothing left behind" only when both are empty."""
    open_items = [x for x in leftovers if x.name not in cleaned]
    if not leftovers:
        tail = Text("Nothing left behind that the wizard could check.", style="yellow") if unchecked else (
            Text("✓ Nothing left behind.", style="green"))
    elif not open_items:
        tail = Text("✓ Everything left behind has been cleaned up.", style="green")
    else:
        tail = Text(f"Left behind ({len(open_items)}): azd down does not remove these", style="bold yellow")
        tail.append("\n  u or Enter cleans the selected one (each asks for its own typed confirmation)", style="dim")
    if not unchecked:
        return tail
    text = Text(f"Not checked ({len(unchecked)}): something may be left behind", style="bold yellow")
    for item in unchecked:
        text.append("\n  ! ", style="yellow")
        text.append_text(plain(f"{item.what}: {item.why}"))
        text.append("\n      check by hand: ", style="dim")
        text.append_text(plain(item.command, "green"))
    text.append("\n")
    text.append_text(tail)
    return text


class TeardownScreen(WizardScreen):
    """A run of its own: environment, then teardown after the typed confirmation."""

    step = StepId.TEARDOWN
    stepper_steps = (StepId.ENVIRONMENT, StepId.TEARDOWN)
    subtitle = "delete the environment's Azure resources"
    scroll_body = False
    AUTO_FOCUS = None  # the confirmation input gets focus only once the plan is shown
    BINDINGS = [
        *LOG_BINDINGS,
        Binding("u", "clean_up", "Clean up selected", id="teardown-cleanup"),
        Binding("d", "remove_local", "Remove local env", id="teardown-remove-local"),
        Binding("t", "again", "Teardown again", id="teardown-again"),
        Binding("b", "back", "Back to project", id="teardown-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.env: str | None = None
        self.context: TeardownContext | None = None
        self.nothing = False
        self.leftovers: list[Leftover] = []
        self.unchecked: list[Unchecked] = []  # lookups that could not run or failed
        self.cleaned: dict[str, str] = {}
        self.removed_local = False
        self.plan_lines: list[str] = []

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Reading the environment…", style="dim"), id="teardown-plan")
        with Horizontal(classes="row", id="confirm-row"):
            yield Input(placeholder="type the environment's name to confirm", id="confirm-name")
            yield Button("Delete everything", id="delete", variant="error", disabled=True)
        yield Static(id="confirm-problem")
        yield Static(id="leftovers")
        table: DataTable[Text] = DataTable(id="leftover-table", cursor_type="row")
        yield table
        yield Static(id="teardown-after")
        yield TargetTable(StepId.TEARDOWN, id="targets")
        yield LogView(step=StepId.TEARDOWN.value, id="teardown-log")

    def on_mount(self) -> None:
        table = self.query_one("#leftover-table", DataTable)
        for key in ("", "What", "Name", "Clean up"):
            table.add_column(key, key=key or "status")
        table.display = False
        super().on_mount()
        self.show_confirm(False)
        env = self.wizard.teardown_env()
        self.env = env
        if env is None:
            self.query_one("#teardown-plan", Static).update(Text("No environment to tear down: none exists in .azure/.", style="yellow"))
            return
        if not (self.wizard.teardown_mode and self.wizard.state.finished is None):
            self.wizard.begin_teardown(env)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        running = self.wizard.state.running
        if action in ("start", "next"):
            return False
        if action == "clean_up":
            return bool(self.leftovers) and not running
        if action == "remove_local":
            return self.wizard.state.finished is not None and not self.removed_local and not running
        if action in ("again", "back"):
            return not running and (self.wizard.state.finished is not None or self.env is None)
        return super().check_action(action, parameters)

    # -- after the App ran a step of this run --------------------------------------------------
    def after_teardown_step(self, step: StepId, finished: StepFinished) -> None:
        if step is StepId.ENVIRONMENT and finished.status == "done":
            self.load_plan()
        elif step is StepId.ENVIRONMENT:
            root = self.wizard.loaded_project.root
            if self.env and self.env not in {e.name for e in list_environments(root)}:
                message = Text(f"Environment {self.env} does not exist here (no .azure/{self.env}): nothing to tear down.", style="green")
            else:
                cause = finished.failure.cause if finished.failure else finished.status
                message = Text(f"Cannot read the environment: {cause}. Nothing was deleted.", style="red")
            self.query_one("#teardown-plan", Static).update(message)
            self.wizard.finish_run()
        elif step is StepId.TEARDOWN and finished.status == "done":
            self.query_one("#teardown-plan", Static).update(deleted_text(self.plan_lines, finished.detail))
            facts = self.wizard.engine.facts
            self.show_leftovers(leftovers_from_facts(list(facts.get("leftovers", []))),
                                unchecked_from_facts(list(facts.get("unchecked", []))))
            self.wizard.finish_run()

    @work(group="teardown-plan", exit_on_error=False)
    async def load_plan(self) -> None:
        from wizard.tui.leftover_actions import read_plan

        engine = self.wizard.engine
        assert self.env is not None
        self.context = TeardownContext(self.env, dict(engine.env_values), engine.ports)
        try:
            plan, leftovers = await read_plan(engine, self.env)
        except Exception as exc:  # Azure unreachable: show why, delete nothing
            self.query_one("#teardown-plan", Static).update(Text(f"Cannot list the resources: {exc}. Nothing was deleted.", style="red"))
            return
        self.nothing = plan.nothing_to_delete
        self.plan_lines = plan.lines()
        reason = plan.nothing_reason if self.nothing else None
        self.query_one("#teardown-plan", Static).update(plan_text(plan.lines(), reason, self.env))
        if self.nothing:  # a second teardown: say so, list what is still around, delete nothing
            self.show_leftovers(leftovers.items, leftovers.unchecked)
            self.wizard.finish_run()
            return
        self.show_confirm(True)
        confirm = self.query_one("#confirm-name", Input)
        confirm.placeholder = f"type {self.env} to confirm"
        confirm.focus()

    # -- the typed confirmation ------------------------------------------------------------------
    def show_confirm(self, shown: bool) -> None:
        """A hidden input must not keep (or get back) the focus: it would swallow the keys."""
        self.query_one("#confirm-row").display = shown
        self.query_one("#confirm-name", Input).disabled = not shown

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "confirm-name":
            self.query_one("#delete", Button).disabled = event.value != self.env
            self.query_one("#confirm-problem", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "confirm-name":
            self.delete()

    def delete(self) -> None:
        typed = self.query_one("#confirm-name", Input).value
        if typed != self.env:
            problem = Text("Nothing deleted: ", style="bold red")
            if typed:
                problem.append(f"you typed {typed!r}, but the environment is {self.env!r}. ")
            else:
                problem.append("the name is empty. ")
            problem.append(f"Type {self.env} exactly (case matters) to delete its resources.")
            self.query_one("#confirm-problem", Static).update(problem)
            return
        self.query_one("#confirm-problem", Static).update("")
        self.show_confirm(False)
        self.query_one(LogView).focus()
        self.wizard.run_step(StepId.TEARDOWN)

    def button_actions(self) -> dict[str, Callable[[], object]]:
        return {**super().button_actions(), "delete": self.delete}

    # -- leftovers ---------------------------------------------------------------------------------
    def show_leftovers(self, leftovers: list[Leftover], unchecked: Sequence[Unchecked] = ()) -> None:
        self.leftovers = leftovers
        self.unchecked = list(unchecked)
        table = self.query_one("#leftover-table", DataTable)
        table.clear()
        for index, item in enumerate(leftovers):
            how = Text("manual: see the command", style="dim") if item.manual_command else plain(f"type: {item.confirm}", "dim")
            table.add_row(Text("!", style="yellow"), Text(KIND_TITLES.get(item.kind, item.kind)), plain(item.name, "bold"), how, key=str(index))
        table.display = bool(leftovers)
        if leftovers:
            table.focus()
        else:
            self.set_focus(None)
        self.sync_leftovers()

    def sync_leftovers(self) -> None:
        self.query_one("#leftovers", Static).update(leftovers_text(self.leftovers, self.cleaned, self.unchecked))
        after = Text()
        if not self.removed_local and self.env:
            after.append("d", style="bold")
            after.append(f" removes the local .azure/{self.env} folder (asks first)   ")
        after.append("t", style="bold")
        after.append(" tears down again   ")
        after.append("b", style="bold")
        after.append(" back to the project")
        self.query_one("#teardown-after", Static).update(after)
        self.refresh_bindings()

    def selected_leftover(self) -> Leftover | None:
        table = self.query_one("#leftover-table", DataTable)
        if not self.leftovers or not 0 <= table.cursor_row < len(self.leftovers):
            return None
        return self.leftovers[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "leftover-table":
            self.action_clean_up()

    def action_clean_up(self) -> None:
        from wizard.tui.screens.cleanup import CleanupScreen

        item = self.selected_leftover()
        if item is None or item.name in self.cleaned or self.context is None:
            return
        def typed_name(typed: str | None) -> None:
            if typed:
                self.clean(item, typed)

        self.app.push_screen(CleanupScreen(item), typed_name)

    @work(group="teardown-cleanup", exit_on_error=False)
    async def clean(self, item: Leftover, typed: str) -> None:
        import asyncio

        from wizard.tui.leftover_actions import clean_leftover

        assert self.context is not None
        try:
            done = await asyncio.to_thread(clean_leftover, item, self.context, typed)
        except Exception as exc:  # refused or failed: say so, keep it listed
            self.notify(f"{item.name}: {masked_error(self.app, exc)}", severity="error", markup=False)
            return
        self.cleaned[item.name] = done
        index = self.leftovers.index(item)
        table = self.query_one("#leftover-table", DataTable)
        table.update_cell(str(index), "status", Text("✓", style="green"))
        table.update_cell(str(index), "Clean up", plain(done, "green"))
        self.notify(done, markup=False)
        self.sync_leftovers()

    # -- local folder, again, back -----------------------------------------------------------------
    def action_remove_local(self) -> None:
        from wizard.tui.screens.cleanup import ConfirmScreen, remove_local_question

        if self.env is None or self.wizard.project is None:
            return
        folder = self.wizard.project.root / ".azure" / self.env
        question = remove_local_question(self.env, str(folder))
        self.app.push_screen(ConfirmScreen(question, "Remove (y)"), lambda yes: self.remove_local() if yes else None)

    def remove_local(self) -> None:
        from wizard.core.teardown import remove_local_environment

        assert self.env is not None and self.wizard.project is not None
        folder = remove_local_environment(self.wizard.project.root, self.env)
        self.removed_local = True
        self.notify(f"removed {folder}", markup=False)
        self.sync_leftovers()

    def action_again(self) -> None:
        self.wizard.action_teardown()

    def action_back(self) -> None:
        self.wizard.leave_teardown()

    # -- streamed output ---------------------------------------------------------------------------
    def on_step_event(self, event: Event) -> None:
        if isinstance(event, LinesReceived):
            self.query_one(LogView).feed(event)
        elif isinstance(event, TargetChanged):
            self.query_one(TargetTable).sync()

    def update_view(self) -> None:
        view = self.wizard.state.step(StepId.TEARDOWN)
        table = self.query_one(TargetTable)
        table.sync()
        table.display = bool(view.targets)
        self.query_one(LogView).display = view.status != "pending"

    def on_run_event(self, event: Event) -> None:
        super().on_run_event(event)
        if isinstance(event, RunFinished):
            self.refresh_bindings()
