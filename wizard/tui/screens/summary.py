"""Summary: endpoints, what was done and how long each step took, where the log is, what next."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from wizard.core.steps import STEP_TITLES, StepId
from wizard.tui.format import format_duration, plain, status_text
from wizard.tui.screens.base import WizardScreen


def steps_table(summary: dict[str, Any]) -> Table:
    table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
    table.add_column("", width=2)
    table.add_column("step", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("took", justify="right", no_wrap=True)
    table.add_column("detail")
    for step in summary.get("steps", []):
        started, finished = step.get("started"), step.get("finished")
        took = format_duration(finished - started) if started and finished else ""
        status = str(step.get("status", ""))
        try:
            title = STEP_TITLES[StepId(step["id"])]
        except ValueError:
            title = str(step["id"])
        failure = step.get("failure") or {}
        detail = failure.get("cause") or step.get("detail") or ""
        table.add_row(status_text(status), Text(title), Text(status), Text(took), plain(detail, "dim"))
    return table


def next_text(summary: dict[str, Any], ok: bool) -> Text:
    env = summary.get("env") or "<env>"
    text = Text("What next", style="bold")
    if ok:
        telephony = summary.get("telephony") or {}
        voice = telephony.get("applies") is not False  # a project with telephony (the accelerator's shape)
        text.append("\n  • open the frontend URL above and talk to the agent" if voice
                    else "\n  • open the endpoints above")
        if voice and not telephony.get("enabled"):
            text.append(f"\n  • voice calls: deploy-wizard phone +1XXXXXXXXXX -e {env}")
        text.append(f"\n  • after a code change: deploy code only (Environment screen, e) — or azd deploy -e {env}")
    else:
        text.append("\n  • fix the failure shown on the failed step's screen, then retry it (r)")
    text.append(f"\n  • when you are done: teardown (t, or deploy-wizard teardown -e {env}) deletes the resources")
    text.append("\n  • past runs: history (h)")
    return text


class SummaryScreen(WizardScreen):
    """The end of the flow (or of an interrupted run): everything on one page."""

    subtitle = ""
    BINDINGS = [
        Binding("t", "app.teardown", "Teardown", id="summary-teardown"),
        Binding("h", "app.history", "History", id="summary-history"),
    ]

    def title_text(self) -> Text:
        finished = self.wizard.state.finished
        if finished is None:
            return Text("Summary", style="bold")
        style = "bold green" if finished.ok else "bold red"
        return Text.assemble(("Summary  ", "bold"), (finished.message, style))

    def compose_body(self) -> ComposeResult:
        yield Static(id="summary-endpoints")
        yield Static(id="summary-steps")
        yield Static(id="summary-log")
        yield Static(id="summary-next")

    def update_view(self) -> None:
        from wizard.tui.screens.verify import endpoints_text

        finished = self.wizard.state.finished
        summary = finished.summary if finished else {}
        self.query_one("#screen-title", Static).update(self.title_text())
        self.query_one("#summary-endpoints", Static).update(endpoints_text(dict(summary.get("endpoints") or {})))
        self.query_one("#summary-steps", Static).update(steps_table(summary))
        log = Text("Log  ", style="bold")
        log.append(str(summary.get("log") or "not written (no environment)"))
        telephony = summary.get("telephony")
        if isinstance(telephony, dict) and telephony.get("applies") is not False:
            log.append("\nTelephony  ", style="bold")
            log.append("enabled" if telephony.get("enabled") else "disabled", style="green" if telephony.get("enabled") else "yellow")
            log.append(f" ({telephony.get('detail', '')})", style="dim")
        self.query_one("#summary-log", Static).update(log)
        self.query_one("#summary-next", Static).update(next_text(summary, bool(finished and finished.ok)))
