"""An azd left running by a killed wizard holds the environment: wait for it, or stop it.

After `kill -9` of a wizard its azd keeps running (it has a process group of its own) and the
environment's lock names it (`wizard.core.lock.AzdStillRunning`). The environment step fails
with that message; this modal offers the two ways on: wait until that azd ends, or stop it as
the wizard's own cancel does (SIGINT to its group, then SIGTERM, then SIGKILL). Either way the
environment step runs again afterwards.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wizard.core.lock import orphaned_azd, stop_azd, wait_for_azd
from wizard.core.steps import StepId

if TYPE_CHECKING:
    from wizard.tui.app_base import WizardAppBase


def orphan_text(holder: dict[str, Any]) -> Text:
    azd = holder.get("azd") or {}
    text = Text("An azd from an interrupted run is still running\n", style="bold")
    text.append(f"Run {holder.get('run_id')} was interrupted during {holder.get('step') or 'a step'} ")
    text.append(f"(its deploy-wizard, pid {holder.get('pid')}, is gone), but its ")
    text.append(str(azd.get("command") or "azd"), style="bold")
    text.append(f" (pid {azd.get('pid')}) still works on environment {holder.get('env')!r}.\n")
    text.append("Wait for it to end, or stop it (Ctrl+C to its process group, as Cancel does). ", style="yellow")
    text.append("An Azure deployment it already submitted may keep running in Azure.")
    return text


class OrphanAzdScreen(ModalScreen[str | None]):
    """w waits for the azd, s stops it, Esc goes back (nothing runs)."""

    BINDINGS = [
        Binding("w", "dismiss('wait')", "Wait for it", id="orphan-wait"),
        Binding("s", "dismiss('stop')", "Stop it", id="orphan-stop"),
        Binding("escape", "dismiss(None)", "Back", id="orphan-back"),
    ]

    def __init__(self, holder: dict[str, Any]) -> None:
        super().__init__()
        self.holder = holder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(orphan_text(self.holder))
            with Horizontal(classes="row"):
                yield Button("Wait for it (w)", id="wait", variant="primary")
                yield Button("Stop it (s)", id="stop", variant="error")
                yield Button("Back (esc)", id="back")

    def on_mount(self) -> None:
        self.query_one("#wait", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None if event.button.id == "back" else event.button.id)


def offer_wait_or_stop(app: WizardAppBase) -> bool:
    """If the environment is held by an orphaned azd, ask; whether the question was asked."""
    if app.project is None or not app.options.env_name:
        return False
    holder = orphaned_azd(app.project.root, app.options.env_name)
    if holder is None:
        return False

    def answer(choice: str | None) -> None:
        if choice in ("wait", "stop"):
            app.run_worker(partial(_settle_then_retry, app, holder, choice), thread=True, group="orphan-azd", exit_on_error=False)

    app.push_screen(OrphanAzdScreen(holder), answer)
    return True


def _settle_then_retry(app: WizardAppBase, holder: dict[str, Any], choice: str) -> None:
    pid = (holder.get("azd") or {}).get("pid")
    if choice == "stop":
        app.call_from_thread(app.notify, f"stopping azd (pid {pid})…", markup=False)
        ended = stop_azd(holder)
    else:
        app.call_from_thread(app.notify, f"waiting for azd (pid {pid}) to end…", markup=False)
        ended = wait_for_azd(holder)
    if ended:
        app.call_from_thread(app.notify, f"azd (pid {pid}) has ended", markup=False)
        app.call_from_thread(app.retry, StepId.ENVIRONMENT)
    else:
        app.call_from_thread(app.notify, f"azd (pid {pid}) did not end", severity="error", markup=False)
