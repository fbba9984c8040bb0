"""What the TUI's widgets may read of the app that hosts them, as a Protocol.

Widgets are the lowest layer: they must not import the App (nor the screens that the App imports),
so they see it through this small view. `WizardApp` satisfies it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from wizard.core.project import Project
    from wizard.core.steps import Plan, StepId
    from wizard.tui.run_state import RunState


class WidgetHost(Protocol):
    state: RunState
    clock: Callable[[], float]
    cursor_blink: bool
    current_view: StepId | str | None
    engine: Any
    project: Project | None

    @property
    def plan(self) -> Plan: ...

    def notify(self, message: str, *, title: str = "", markup: bool = True) -> None: ...


def host(node: DOMNode) -> WidgetHost:
    """The app hosting `node`, seen as a WidgetHost."""
    return cast("WidgetHost", node.app)
