"""The parser's per-run state and the helpers every line handler shares.

`ParserState` owns what a step run remembers between lines (current hook/service context, the open
terraform error box, the last azd ERROR chain, marks) and the few ways handlers change it:
record a status update, record a mark, start or end a hook's section.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from wizard.core.parse.model import DONE, FAILED, RUNNING, Mark, TargetUpdate
from wizard.core.parse.patterns import _BANNERS, _MAX_ERROR_SCAN, _STEP_COMMANDS
from wizard.core.parse.targets import _hook_step, hook_target

if TYPE_CHECKING:
    from wizard.core.project import Project


class ParserState:
    """State of one step run's output; subclasses add the line handlers that change it."""

    def __init__(self, step: str, project: Project | None = None) -> None:
        self.step = str(step)
        self.project = project
        self.services: frozenset[str] = (
            frozenset(s.name for s in project.services) if project else frozenset()
        )
        self.hooks: frozenset[str] = (
            frozenset(h.name for h in project.hooks if h.service is None)
            if project
            else frozenset()
        )
        self.command = _STEP_COMMANDS.get(self.step, self.step)
        self.marks: deque[Mark] = deque(maxlen=500)
        self.index = -1  # index of the line being fed
        self.succeeded = False
        self.title_seen = False
        self.commands_seen: list[str] = []
        self.activity: str | None = (
            None  # "provision" | "deploy" | "teardown": what the last attributed line was about
        )
        self._ctx: str | None = None  # hook or legacy service whose output plain lines are
        self._last: str | None = None
        self._failed: str | None = None
        self._provider_started = False
        self._tf_outputs = False
        self._tf_box: Mark | None = None  # open terraform error (box or no-colour form)
        self._tf_box_warning = False
        self._tf_box_open = False
        self._tf_age = 0
        self._err: Mark | None = None  # last azd ERROR mark (continuation lines follow)
        self._err_target: str | None = None
        self._arm = False
        self._arm_seen = False
        self._done_services: list[str] = []
        self._endpoints = 0
        self.endpoints: dict[str, str] = {}  # service -> the first endpoint azd printed for it
        self.no_changes = False  # azd said there was nothing to provision (not: it listed no rows)
        self._tf_targets: dict[str, str] = {}
        self._tf_head: str | None = None  # `addr[ (local-exec)]: ` of the last terraform line
        self._tf_head_target: str | None = None

    # -- public -------------------------------------------------------------------------------
    @property
    def current_target(self) -> str | None:
        return self._failed or self._last

    @property
    def failed_target(self) -> str | None:
        return self._failed

    # -- helpers ------------------------------------------------------------------------------
    def _set(
        self,
        updates: list[TargetUpdate],
        target: str,
        status: str,
        phase: str = "",
        detail: str = "",
    ) -> str:
        updates.append(TargetUpdate(target, status, phase, detail))
        if status == FAILED:
            self._failed = target
        elif status == RUNNING:
            self._last = target
        return target

    def _mark(self, kind: str, text: str, target: str | None = None, **kw: object) -> Mark:
        mark = Mark(kind, self.index, text[:_MAX_ERROR_SCAN], target, **kw)  # type: ignore[arg-type]  # kw: Mark's optional fields, by name
        self.marks.append(mark)
        return mark

    def _end_ctx(self, updates: list[TargetUpdate], status: str = DONE) -> None:
        if self._ctx is not None:
            if self._ctx.startswith("hook:") and self._ctx != self._failed:
                self._set(updates, self._ctx, status)
            self._ctx = None

    def _start_hook(self, updates: list[TargetUpdate], name: str) -> str:
        target = hook_target(name)
        if self._ctx != target:
            self._end_ctx(updates)
            self._ctx = target
            self._set(updates, target, RUNNING, "Running")
        self.activity = _hook_step(name) or self.activity
        return target

    def _provider_activity(self, updates: list[TargetUpdate]) -> None:
        """azd/terraform itself prints: a running pre-hook is over."""
        if not self._provider_started:
            self._provider_started = True
        if self._ctx is not None and self._ctx.startswith("hook:pre"):
            self._end_ctx(updates)

    def _plain_target(self) -> str | None:
        if self._tf_box is not None and self._tf_box.target is not None:
            return self._tf_box.target
        if self._err_target is not None:
            return self._err_target
        return self._ctx

    def _banner(self, text: str, updates: list[TargetUpdate]) -> str | None:
        """The accelerator's hook banners start or end a hook's section."""
        for needle, hook, status in _BANNERS:
            if needle in text:
                if status == RUNNING:
                    return self._start_hook(updates, hook)
                target = hook_target(hook)
                if self._ctx == target:
                    self._ctx = None
                if self._failed != target:
                    self._set(updates, target, DONE)
                return target
        return None
