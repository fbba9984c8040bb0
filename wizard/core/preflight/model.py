"""Types shared by every preflight check: the context, results, fix plans and the tool/azd seams."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from wizard.core.events import CheckResult
from wizard.core.ports import AzurePorts
from wizard.core.project import Project

__all__ = [
    "AzdLike",
    "CheckResult",
    "FixPlan",
    "InputSpec",
    "InteractiveTools",
    "Outcome",
    "PreflightContext",
    "ToolsLike",
]

PASS, WARN, FAIL, SKIP, FIXED = "pass", "warn", "fail", "skip", "fixed"


@runtime_checkable
class ToolsLike(Protocol):
    """Local executables: found on PATH and run without a shell, stdin closed."""

    platform: str  # sys.platform style: linux, darwin, win32

    def which(self, name: str) -> str | None: ...

    async def run(self, argv: list[str], timeout: float) -> tuple[int, str]: ...


@runtime_checkable
class InteractiveTools(ToolsLike, Protocol):
    """Tools that can also stream a command's lines, or hand it the terminal (sign-in)."""

    async def stream(self, argv: list[str], timeout: float, on_line: Callable[[str], None] | None) -> tuple[int, str]: ...

    def interactive(self, argv: list[str]) -> int: ...


class AzdLike(Protocol):
    async def auth_status(self) -> dict[str, Any]: ...

    async def version(self) -> str | None: ...

    async def env_set(self, key: str, value: str) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What a check function returns; the runner adds the id and title."""

    status: str
    detail: str = ""
    fix: str = ""
    data: Any = None  # facts the fix planner needs (files to convert, namespaces to register)


@dataclass(frozen=True)
class InputSpec:
    key: str
    prompt: str
    default: str | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FixPlan:
    check_id: str
    description: str
    actions: list[str]  # exactly what will run or change, in order
    safe: bool = True  # may run under --fix-all without asking
    paid: bool = False
    needs_input: list[InputSpec] = field(default_factory=list)
    data: Any = None

    def announce(self) -> list[str]:
        """What a front end says before applying it: `fix <check>: <description>`, then each action."""
        return [f"fix {self.check_id}: {self.description}", *(f"  {action}" for action in self.actions)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "description": self.description,
            "actions": list(self.actions),
            "safe": self.safe,
            "paid": self.paid,
            "needs_input": [{"key": s.key, "prompt": s.prompt, "default": s.default} for s in self.needs_input],
        }


def _default_tools() -> ToolsLike:
    from wizard.core.preflight.realtools import RealTools

    return RealTools()


@dataclass
class PreflightContext:
    project: Project
    env: str | None
    env_values: dict[str, str]
    azd: AzdLike
    ports: AzurePorts | None = None
    with_tests: bool = False
    tools: ToolsLike = field(default_factory=_default_tools)
    progress: Callable[[str], None] | None = None  # fix/test progress lines
    wait_timeout: float = 300.0  # provider registration wait
    poll_interval: float = 5.0
    facts: dict[str, Any] = field(default_factory=dict, repr=False)  # check id -> Outcome.data
    _memo: dict[str, asyncio.Future[Any]] = field(default_factory=dict, repr=False)

    @property
    def subscription(self) -> str | None:
        return self.env_values.get("AZURE_SUBSCRIPTION_ID") or None

    @property
    def location(self) -> str | None:
        return self.env_values.get("AZURE_LOCATION") or None

    def say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    async def once(self, key: str, factory: Callable[[], Awaitable[Any]]) -> Any:
        """Run `factory` once per context; concurrent callers share the same answer."""
        fut = self._memo.get(key)
        if fut is None:
            fut = asyncio.ensure_future(factory())
            self._memo[key] = fut
        return await asyncio.shield(fut)

    async def blocking(self, key: str, func: Callable[[], Any]) -> Any:
        """`once` for blocking work (file parsing, SDK calls): runs in a worker thread."""
        return await self.once(key, lambda: asyncio.to_thread(func))

    def forget(self, *keys: str) -> None:
        for key in keys:
            self._memo.pop(key, None)
