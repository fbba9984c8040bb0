"""What a step body (flow.py, teardown.py) may use of the run it belongs to.

The Engine implements it; step bodies depend on this Protocol, not on the Engine class, so the engine
imports the step bodies and never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from wizard.core.azd import AzdClient
    from wizard.core.backend import Backend
    from wizard.core.events import Event, Failure
    from wizard.core.options import RunOptions
    from wizard.core.ports import AzurePorts
    from wizard.core.project import Project
    from wizard.core.runner import ProcessResult
    from wizard.core.step_state import StepState
    from wizard.core.steps import StepId


class StepContext(Protocol):
    options: RunOptions
    backend: Backend
    project: Project
    azd: AzdClient
    env_name: str | None
    env_values: dict[str, str]
    facts: dict[str, Any]
    steps: dict[StepId, StepState]
    phone: str | None
    clock: Callable[[], float]

    @property
    def ports(self) -> AzurePorts | None: ...

    @property
    def cancelled(self) -> bool: ...

    def emit(self, event: Event) -> None: ...

    def target(self, step: StepId, target: str, status: str, phase: str = "", detail: str = "") -> None: ...

    def say(self, step: StepId, *texts: str) -> None: ...

    def notice(self, step: StepId, level: str, text: str, target: str | None = None) -> None: ...

    async def stream(self, step: StepId, argv: list[str]) -> tuple[ProcessResult, Failure | None]: ...

    def refresh_env_values(self) -> dict[str, str]: ...

    def use_environment(self, name: str) -> None: ...
