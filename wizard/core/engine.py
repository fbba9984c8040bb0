"""The engine: runs a Plan step by step and reports everything as events.

Consumers (TUI, plain renderer, tests) give a `sink` callable; the engine owns the run record,
the environment lock, the azd client, the redactor and the per-step state. Step bodies live in
`wizard.core.flow`; this module holds the machinery they share: streaming a command with
attribution, target state, failures and the summary.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from wizard.core.azd import AzdClient, AzdError
from wizard.core.backend import Backend
from wizard.core.errors import InputError
from wizard.core.events import (
    Event,
    Failure,
    Line,
    LinesReceived,
    Notice,
    RunFinished,
    RunStarted,
    StepFinished,
    StepStarted,
    TargetChanged,
)
from wizard.core.lock import EnvLock, LockBusy
from wizard.core.options import EXIT_CANCELLED, EXIT_FAILED, EXIT_OK, EXIT_USAGE, RunOptions
from wizard.core.phone import has_telephony
from wizard.core.ports import AzurePorts
from wizard.core.project import Project, ProjectError, load_project, read_env_values
from wizard.core.records import RunRecord, new_run_id
from wizard.core.redact import MaskingDict, Redactor, secret_values
from wizard.core.runner import ProcessResult, ProcessRunner
from wizard.core.step_state import StepOutcome, StepState
from wizard.core.steps import STEP_TITLES, StepId, StepStatus, TargetStatus, describe_target

RECENT_LINES = 400

Sink = Callable[[Event], None]
E = TypeVar("E", bound=Event)


class Engine:
    def __init__(
        self,
        options: RunOptions,
        sink: Sink | None = None,
        *,
        backend: Backend,
        ports: AzurePorts | None = None,
        project: Project | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.options = options
        self.backend = backend
        self._sinks: list[Sink] = [sink] if sink else []
        self.clock = clock
        self.project = project or load_project(options.project_dir)
        known = read_env_values(self.project.root, options.env_name) if options.env_name else {}
        options = replace(options, plan=options.plan.for_project(has_telephony(self.project, known), options.phone))
        self.options = options
        self.env_name: str | None = options.env_name
        self.phone: str | None = options.phone
        self.run_id = new_run_id(clock())
        self.record = RunRecord(self.run_id)
        self.redactor = Redactor()
        self.runner = ProcessRunner(on_spawn=self._azd_spawned)
        self.steps: dict[StepId, StepState] = {s: StepState(s) for s in options.plan.steps}
        self.env_values: dict[str, str] = {}
        self.lock: EnvLock | None = None
        # endpoints, telephony, ... for the summary and the screens; masked as they are stored
        self._env_stamp: int | None = None  # the env file's mtime when its secrets were last read
        self.facts: dict[str, Any] = MaskingDict(lambda value: self.redactor.mask_value(value))
        self._ports = ports
        self._cancelled = False
        self._current: StepId | None = None
        self._finished: RunFinished | None = None
        self.azd = AzdClient(list(backend.azd_command), self.project.root, self.env_name, extra_env=dict(backend.azd_env))
        # credentials the wizard hands on: azd and every hook inherit this environment
        self.redactor.add(secret_values(self.azd.child_env()))

    # -- plumbing ---------------------------------------------------------------------------------
    def subscribe(self, sink: Sink) -> None:
        self._sinks.append(sink)

    def emit(self, event: Event) -> None:
        """The one way out of the engine: every event is masked here (`_emit`)."""
        self._emit(event)

    def _emit(self, event: E, *, masked: bool = False) -> E:
        """Mask `event` (unless `stream` already did, for its own diagnosis), record it, hand it to
        the sinks; the masked event is returned (the step's state keeps what was shown)."""
        if not masked:
            event = self.redactor.mask_event(event)
        if isinstance(event, TargetChanged):
            self._apply_target(event)
        self.record.write_event(event)
        for sink in self._sinks:
            sink(event)
        return event

    @property
    def azd_unavailable(self) -> str | None:
        return self.backend.unavailable

    @property
    def ports(self) -> AzurePorts | None:
        if self._ports is None and self.env_name:
            self._ports = self.backend.ports(self.project.root, self.env_name, self.env_values)
        return self._ports

    def refresh_env_values(self) -> dict[str, str]:
        from wizard.core.project import read_env_values

        if self.env_name:
            self.env_values = read_env_values(self.project.root, self.env_name)
            self.redactor.add(secret_values(self.env_values))
        return self.env_values

    def _learn_new_secrets(self) -> None:
        """azd writes outputs (a new `*_KEY`, say) to the env file mid-command, before the hooks
        that may echo them: a changed file's secret values are masked from the next batch on."""
        if not self.env_name:
            return
        from wizard.core.project import read_env_values

        path = self.project.root / ".azure" / self.env_name / ".env"
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return
        if stamp != self._env_stamp:
            self._env_stamp = stamp
            self.redactor.add(secret_values(read_env_values(self.project.root, self.env_name)))

    def use_environment(self, name: str) -> None:
        """Called by the environment step once the env exists: lock it and open the record."""
        self.env_name = name
        self.azd.env_name = name
        self._ports = None
        self.refresh_env_values()
        if self.lock is None or self.lock.env != name:
            if self.lock is not None:
                self.lock.release()
            try:
                self.lock = EnvLock.acquire(self.project.root, name, self.run_id)
            except LockBusy as exc:
                raise InputError(str(exc)) from None
        self.record.open(self.project.root, name)
        stale = self.lock.stale if self.lock else None
        if stale:
            step = stale.get("step") or "environment"
            self.facts["interrupted"] = {"run_id": stale.get("run_id"), "step": step}
            self.notice(
                StepId.ENVIRONMENT,
                "warning",
                f"run {stale.get('run_id')} was interrupted during {step} (the wizard was killed); "
                f"resume with: deploy-wizard run --from {step}",
            )

    def _azd_spawned(self, pid: int | None) -> None:
        """The lock names the running azd, so a wizard killed with -9 leaves word of it."""
        if self.lock is not None:
            state = self.steps.get(self._current) if self._current else None
            self.lock.azd_started(pid, state.command if state else None)

    # -- targets ----------------------------------------------------------------------------------
    def _apply_target(self, event: TargetChanged) -> None:
        state = self.steps.get(StepId(event.step))
        if state is not None:
            state.apply_target(event)

    def target(self, step: StepId, target: str, status: str, phase: str = "", detail: str = "") -> None:
        state = self.steps[step].targets.get(target)
        elapsed = None
        if state is not None and state.started is not None:
            elapsed = self.clock() - state.started
        self.emit(
            TargetChanged(
                step=step.value, target=target, status=status, phase=phase, detail=detail, elapsed=elapsed, ts=self.clock()
            )
        )

    def notice(self, step: StepId, level: str, text: str, target: str | None = None) -> None:
        self.emit(Notice(step=step.value, level=level, text=text, target=target, ts=self.clock()))

    def say(self, step: StepId, *texts: str) -> None:
        """Lines of the wizard's own (not from azd), into the log and the raw record."""
        self.emit(LinesReceived.of(step.value, texts, stream="wizard", ts=self.clock()))

    # -- streaming a command ----------------------------------------------------------------------
    async def stream(self, step: StepId, argv: list[str]) -> tuple[ProcessResult, Failure | None]:
        """Run an azd command with every line attributed; diagnose a failure."""
        from wizard.core.attribute import attribute
        from wizard.core.diagnose import diagnose
        from wizard.core.parse import OutputParser

        if self.backend.unavailable:
            raise InputError(self.backend.unavailable)
        if self._cancelled:  # cancelled between two commands of a step: start nothing new
            return ProcessResult(returncode=-2, cancelled=True, duration=0.0, lines=0), None
        parser = OutputParser(step.value, self.project)
        recent: deque[Line] = deque(maxlen=RECENT_LINES)
        display = self.azd.display(argv)
        self.steps[step].command = display
        self.say(step, f"$ {display}")

        def on_lines(batch: list[str]) -> None:
            self._learn_new_secrets()
            joined = "\n".join(batch)
            masked = self.redactor.mask(joined)
            texts = batch if masked is joined else masked.split("\n")
            targets, updates = attribute(parser, texts, masked)
            recent.extend(map(Line, texts[-RECENT_LINES:], targets[-RECENT_LINES:]))
            event = LinesReceived(step=step.value, texts=tuple(texts), targets=tuple(targets), ts=self.clock())
            self._emit(event, masked=True)
            for update in updates.values():
                self.target(step, update.target, update.status, update.phase, update.detail)

        try:
            result = await self.runner.run(argv, on_lines=on_lines, env=self.azd.child_env(), cwd=self.project.root)
        except FileNotFoundError as exc:
            raise InputError(f"cannot run azd ({argv[0]}): {exc.strerror}") from None
        if parser.no_changes:
            self.facts["no_changes"] = [*self.facts.get("no_changes", []), step.value]
        if parser.endpoints:  # what azd printed for each service it deployed: verify probes them
            self.facts["deployed_endpoints"] = {**self.facts.get("deployed_endpoints", {}), **parser.endpoints}
        if result.cancelled or self._cancelled:
            return result, None
        if result.returncode == 0:
            return result, None
        done = [s.value for s, st in self.steps.items() if st.status is StepStatus.DONE and s is not step]
        rows = tuple(self.steps[step].targets)  # the failure names one of these when it is the same resource
        failure = diagnose(step.value, list(recent), target=parser.current_target, exit_code=result.returncode, done=done, rows=rows)
        if failure.target:
            self.target(step, failure.target, TargetStatus.FAILED, "Failed")
        return result, failure

    # -- lifecycle --------------------------------------------------------------------------------
    async def start(self) -> None:
        self.emit(
            RunStarted(
                run_id=self.run_id,
                env=self.env_name or "",
                project_dir=str(self.project.root),
                steps=tuple(s.value for s in self.options.plan.steps),
                skipped=tuple(s.value for s in self.options.plan.skipped),
                simulated=self.backend.simulated,
                ts=self.clock(),
            )
        )
        for note in self.backend.notes:  # what is simulated, and how, before anything runs
            self.notice(StepId.ENVIRONMENT, "info", note)

    async def run_step(self, step: StepId) -> StepFinished:
        from wizard.core.flow import STEP_BODIES

        state = self.steps.setdefault(step, StepState(step))
        started = self.clock()
        state.begin(started)
        self._current = step
        if self.lock is not None:
            self.lock.update(step.value)
        self.emit(StepStarted(step=step.value, title=STEP_TITLES[step], ts=started))
        try:
            if self._cancelled:
                outcome = StepOutcome(StepStatus.CANCELLED, detail="cancelled before it started")
            else:
                outcome = await STEP_BODIES[step](self)
        except asyncio.CancelledError:
            self._cancelled = True
            self._finish_step(state, StepOutcome(StepStatus.CANCELLED, detail="cancelled"))
            raise
        except (InputError, ProjectError, AzdError) as exc:
            failure = Failure(step=step.value, target=None, cause=str(exc), kb_id=None)
            outcome = StepOutcome(StepStatus.FAILED, failure=failure)
            self.facts["input_error"] = str(exc)
        if self._cancelled and outcome.status is not StepStatus.FAILED:
            outcome = StepOutcome(StepStatus.CANCELLED, detail=outcome.detail or "cancelled")
        return self._finish_step(state, outcome)

    def _finish_step(self, state: StepState, outcome: StepOutcome) -> StepFinished:
        finished = self.clock()
        state.end(outcome.status, finished=finished, failure=outcome.failure, detail=outcome.detail)
        if outcome.status is StepStatus.CANCELLED:
            for target in state.targets.values():
                if target.status == TargetStatus.RUNNING:
                    self.target(state.id, target.id, TargetStatus.SKIPPED, "Cancelled")
        event = StepFinished(
            step=state.id.value,
            status=outcome.status.value,
            started=state.started or finished,
            finished=finished,
            failure=outcome.failure,
            detail=outcome.detail,
            ts=finished,
        )
        event = self._emit(event)
        state.failure = event.failure  # what the summary keeps is what was shown: masked
        self._current = None
        return event

    def skip_step(self, step: StepId, reason: str) -> None:
        state = self.steps.setdefault(step, StepState(step))
        now = self.clock()
        state.end(StepStatus.SKIPPED, started=now, finished=now, detail=reason)
        self.emit(
            StepFinished(step=step.value, status="skipped", started=now, finished=now, detail=reason, ts=now)
        )

    async def run(self) -> RunFinished:
        """The whole plan, headless: stop at the first failed or cancelled step."""
        await self.start()
        try:
            for step in self.options.plan.steps:
                if step in self.options.plan.skipped:
                    self.skip_step(step, "not in this run (--from/--skip)")
                    continue
                finished = await self.run_step(step)
                if finished.status in (StepStatus.FAILED, StepStatus.CANCELLED):
                    break
        except asyncio.CancelledError:
            self._cancelled = True
        return await self.finish()

    def cancel(self) -> None:
        """Stop the run: signal azd's process group (SIGINT, then SIGTERM, SIGKILL)."""
        self._cancelled = True
        self.runner.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    async def finish(self) -> RunFinished:
        if self._finished is not None:
            return self._finished
        statuses = [s.status for s in self.steps.values()]
        if self._cancelled or StepStatus.CANCELLED in statuses:
            status, code = "cancelled", EXIT_CANCELLED
        elif StepStatus.FAILED in statuses:
            status = "failed"
            code = EXIT_USAGE if "input_error" in self.facts else EXIT_FAILED
        else:
            status, code = "done", EXIT_OK
        finished = RunFinished(
            ok=status == "done", status=status, exit_code=code, summary=self.summary(status), message=self.final_message(status), ts=self.clock()
        )
        finished = self.redactor.mask_event(finished)  # masked before summary.json, like everything
        path = self.record.write_summary(finished.summary)
        self._finished = self._emit(finished, masked=True)
        self.record.close()
        if self.lock is not None:
            self.lock.release()
        del path
        return self._finished

    def summary(self, status: str) -> dict[str, Any]:
        return {
            "ok": status == "done",
            "status": status,
            "env": self.env_name or "",
            "run_id": self.run_id,
            "project": self.project.name,
            "project_dir": str(self.project.root),
            "simulated": self.backend.simulated,
            "backend": self.backend.label,
            "log": str(self.record.raw_log) if self.record.raw_log else None,
            "steps": [s.to_dict() for s in self.steps.values()],
            **{k: v for k, v in self.facts.items() if k != "input_error"},
        }

    def final_message(self, status: str) -> str:
        if status == "done":
            return "all steps done"
        for state in self.steps.values():
            if state.status is StepStatus.FAILED and state.failure is not None:
                failure = state.failure
                target = describe_target(failure.target)
                return f"{state.id.value} failed: {target} — {failure.cause}"
            if state.status is StepStatus.CANCELLED:
                return f"{state.id.value} cancelled"
        return status

