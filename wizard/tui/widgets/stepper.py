"""The plan as a one-line stepper, on every screen: where we are, what passed, what failed."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from wizard.core.steps import STEP_TITLES, StepId
from wizard.tui.format import ICONS, STATUS_STYLES
from wizard.tui.host import host

SHORT = {
    StepId.ENVIRONMENT: "Env",
    StepId.PREFLIGHT: "Checks",
    StepId.PROVISION: "Provision",
    StepId.DEPLOY: "Deploy",
    StepId.PHONE: "Phone",
    StepId.VERIFY: "Verify",
    StepId.TEARDOWN: "Teardown",
}


class Stepper(Widget):
    """Renders from `app.state`; call `refresh()` when an event arrives."""

    DEFAULT_CSS = """
    Stepper {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    """

    def __init__(self, steps: tuple[StepId, ...] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._steps = steps

    def _items(self, short: bool) -> list[tuple[str, str, str, bool]]:
        app = host(self)
        steps = self._steps or app.plan.steps
        items = []
        for step in steps:
            view = app.state.step(step)
            status = view.status.value
            if status == "pending" and view.skipped_in_plan:
                status = "skipped"
            if status == "pending" and step in app.plan.skipped:
                status = "skipped"
            title = SHORT[step] if short else STEP_TITLES[step]
            items.append((ICONS.get(status, "○"), title, status, app.current_view == step))
        if self._steps is None:
            finished = app.state.finished
            status = "pending" if finished is None else ("done" if finished.ok else finished.status)
            items.append((ICONS.get(status, "○"), "Summary", status, app.current_view == "summary"))
        return items

    def render(self) -> Text:
        for short in (False, True):
            text = Text(no_wrap=True, overflow="ellipsis")
            for index, (icon, title, status, current) in enumerate(self._items(short)):
                if index:
                    text.append(" › ", style="dim")
                style = STATUS_STYLES.get(status, "")
                text.append(f"{icon} ", style=style)
                text.append(title, style=("bold reverse " if current else "") + (style if status != "pending" else ""))
            if text.cell_len <= self.size.width or short:
                return text
        return text
