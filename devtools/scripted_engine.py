"""A scripted stand-in for the Engine: the same interface and event shapes, fixed content and times.

For snapshot tests and `python -m devtools.screenshots`, where every pixel must be stable (the
real engine's run ids, temp paths and timings are not). Behaviour tests use the real engine on the
simulator; this only has to look like it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.core.events import (
    CheckResult,
    CheckUpdated,
    Event,
    Failure,
    Line,
    LinesReceived,
    Notice,
    RunFinished,
    RunStarted,
    StepFinished,
    StepStarted,
)
from wizard.core.events import TargetChanged as TC
from wizard.core.options import RunOptions
from wizard.core.ports import AzurePorts, PhoneNumber, PhoneSearchResult
from wizard.core.project import Project, load_project
from wizard.core.step_state import StepOutcome
from wizard.core.steps import STEP_TITLES, StepId, StepStatus

T0 = 1_767_000_000.0
ENDPOINTS = {
    "frontend": "https://ca-frontend-demo.example.azurecontainerapps.io",
    "backend": "https://ca-backend-demo.example.azurecontainerapps.io",
    "backend_health": "https://ca-backend-demo.example.azurecontainerapps.io/api/v1/health",
}
CHECKS = (
    ("azd-version", "azd version", "pass", "azd 1.31.2 (tested: 1.25.1–1.31.2)", None),
    ("azd-login", "Signed in to azd", "pass", "signed in as demo@example.com", None),
    ("docker", "Docker running", "pass", "docker 27.1 (needed to build 3 images)", None),
    ("terraform", "Terraform installed", "pass", "terraform 1.11.4", None),
    ("providers", "Resource providers", "warn", "Microsoft.App registered; Microsoft.Communication registering", "wait, or: az provider register -n Microsoft.Communication"),
    ("quota", "OpenAI quota in eastus2", "pass", "gpt-4o realtime: 40k TPM free", None),
    ("service-tags", "azd-service-name tags", "pass", "3 of 3 services tagged in infra/terraform", None),
)
PROVISION = (
    ("hook:preprovision", "Ran", "remote state ready"),
    ("resource:azurerm_resource_group/main", "Created", "rg-demo-dev"),
    ("resource:azurerm_log_analytics_workspace/main", "Created", "log-demo-dev"),
    ("resource:azurerm_container_app_environment/main", "Created", "cae-demo-dev"),
    ("resource:azurerm_container_app/backend", "Created", "ca-backend-demo"),
    ("resource:azurerm_container_app/frontend", "Created", "ca-frontend-demo"),
    ("hook:postprovision", "Ran", "EasyAuth configured"),
)
SERVICES = ("rtaudio-client", "rtaudio-server", "webchat-demo")
MISSING_TAG = Failure(
    step="deploy",
    target="service:webchat-demo",
    cause="azd found no resource tagged azd-service-name=webchat-demo in resource group rg-demo-dev, "
    "so it cannot tell where to deploy the service",
    fix='add  tags = { "azd-service-name" = "webchat-demo" }  to the container app in '
    "infra/terraform/webchat.tf, then run provision and deploy again",
    evidence=(
        "Deploying service webchat-demo",
        "ERROR: error executing step command 'deploy --all': failed deploying service 'webchat-demo': "
        "resource not found: unable to find a resource tagged with 'azd-service-name: webchat-demo'.",
    ),
    kb_id="azd.service-tag-missing",
    title="Service resource not found by its azd-service-name tag",
)


class _Record:
    def __init__(self, root: Path) -> None:
        self.dir = root / ".azure" / "dev" / "wizard" / "runs" / "20260101T000000Z-demo"
        self.raw_log = self.dir / "raw.log"


class ShotPhones:
    """The phone numbers port of the pictures: two owned numbers, one fixed offer."""

    def __init__(self) -> None:
        self.numbers = [
            PhoneNumber("+14165551234", "CA", "geographic", monthly_cost="1.00 USD"),
            PhoneNumber("+18335550100", "US", "toll-free", monthly_cost="2.00 USD"),
        ]

    def list_numbers(self) -> list[PhoneNumber]:
        return list(self.numbers)

    def search(self, country: str, number_type: str, area_code: str | None) -> PhoneSearchResult:
        return PhoneSearchResult("search-1", ("+18335550142",), "2.00 USD", "2026-01-01T00:15:00+00:00")

    def purchase(self, search_id: str) -> None:
        self.numbers.append(PhoneNumber("+18335550142", "US", "toll-free", monthly_cost="2.00 USD"))

    def release(self, number: str) -> None:
        self.numbers = [n for n in self.numbers if n.number != number]


def shot_ports() -> AzurePorts:
    phones = ShotPhones()
    return AzurePorts(container_apps=None, http=None, phone_numbers_for=lambda endpoint: phones,  # type: ignore[arg-type]
                      subscriptions=None, providers=None, resources=None)  # type: ignore[arg-type]


class ScriptedEngine:
    """Plays a fixed run. `scenario`: happy, missing-tag, hang (provision waits for cancel), or
    phone-numbers (happy, and the phone step's ACS resource owns two numbers)."""

    def __init__(self, options: RunOptions, sink: Callable[[Event], None], clock: Callable[[], float], *, scenario: str = "happy") -> None:
        self.options = options
        self.sink = sink
        self.t = clock()
        self.clock = lambda: self.t
        self.scenario = scenario
        self.project: Project = load_project(options.project_dir)
        self.env_name = options.env_name
        self.env_values: dict[str, str] = {"AZURE_RESOURCE_GROUP": "rg-demo-dev", "AZURE_LOCATION": "eastus2", "AZURE_SUBSCRIPTION_ID": "00000000-0000-0000-0000-000000000000"}
        self.facts: dict[str, Any] = {}
        self.ports: Any = None
        if scenario == "phone-numbers":  # the happy run, with an ACS resource that owns two numbers
            self.env_values["ACS_ENDPOINT"] = "https://acs-demo.communication.azure.com"
            self.ports = shot_ports()
        self.record = _Record(Path("/home/demo/voice-agent-sample"))
        self.steps: dict[StepId, StepStatus] = {}
        self._cancel = asyncio.Event()
        self._cancelled = False
        self._finished: RunFinished | None = None

    # -- Engine interface -----------------------------------------------------------------------
    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        self._cancelled = True
        self._cancel.set()

    def emit(self, event: Event) -> None:
        self.sink(event)

    def say(self, step: StepId, *texts: str) -> None:
        self.emit(LinesReceived.of(step.value, texts, stream="wizard", ts=self.t))

    def refresh_env_values(self) -> dict[str, str]:
        return self.env_values

    def skip_step(self, step: StepId, reason: str) -> None:
        self.steps[step] = StepStatus.SKIPPED
        self.emit(StepFinished(step=step.value, status="skipped", started=self.t, finished=self.t, detail=reason, ts=self.t))

    async def start(self) -> None:
        steps = tuple(s.value for s in self.options.plan.steps)
        skipped = tuple(s.value for s in self.options.plan.skipped)
        self.emit(RunStarted(run_id="20260101T000000Z-demo", env=self.env_name or "", project_dir="/home/demo/voice-agent-sample", steps=steps, skipped=skipped, simulated=True, ts=self.t))

    async def run_step(self, step: StepId) -> StepFinished:
        started = self.t
        self.emit(StepStarted(step=step.value, title=STEP_TITLES[step], ts=started))
        body = getattr(self, f"_{step.value}")
        outcome: StepOutcome = await body(step)
        if self._cancelled:
            outcome = StepOutcome(StepStatus.CANCELLED, detail="cancelled; the Azure deployment may keep running")
        self.steps[step] = outcome.status
        finished = StepFinished(step=step.value, status=outcome.status.value, started=started, finished=self.t, failure=outcome.failure, detail=outcome.detail, ts=self.t)
        self.emit(finished)
        return finished

    async def finish(self) -> RunFinished:
        if self._finished is not None:
            return self._finished
        statuses = set(self.steps.values())
        if StepStatus.CANCELLED in statuses:
            status, code, message = "cancelled", 130, "provision cancelled"
        elif StepStatus.FAILED in statuses:
            status, code = "failed", 1
            message = f"deploy failed: service webchat-demo — {MISSING_TAG.cause}"
        else:
            status, code, message = "done", 0, "all steps done"
        summary = {
            "ok": status == "done",
            "status": status,
            "env": self.env_name or "",
            "log": str(self.record.raw_log),
            "steps": [
                {"id": s.value, "status": st.value, "started": T0, "finished": T0 + DURATIONS.get(s, 1), "failure": MISSING_TAG.to_dict() if st is StepStatus.FAILED else None, "detail": ""}
                for s, st in self.steps.items()
            ],
            **self.facts,
        }
        self._finished = RunFinished(ok=status == "done", status=status, exit_code=code, summary=summary, message=message, ts=self.t)
        self.emit(self._finished)
        return self._finished

    # -- step bodies ----------------------------------------------------------------------------
    async def _tick(self, seconds: float) -> None:
        self.t += seconds
        await asyncio.sleep(0)

    def _target(self, step: StepId, target: str, status: str, phase: str, detail: str = "", elapsed: float | None = None) -> None:
        self.emit(TC(step=step.value, target=target, status=status, phase=phase, detail=detail, elapsed=elapsed, ts=self.t))

    def _lines(self, step: StepId, *lines: tuple[str, str | None]) -> None:
        self.emit(LinesReceived.of(step.value, [Line(text, target) for text, target in lines], ts=self.t))

    async def _environment(self, step: StepId) -> StepOutcome:
        name = self.env_name = self.options.env_name or "dev"
        self._target(step, f"env:{name}", "running", "Creating")
        self.say(step, f"$ azd env new {name} --location eastus2 --no-prompt")
        await self._tick(2)
        self._target(step, f"env:{name}", "done", "Ready", f"{name} · eastus2 · 0000-demo", 2)
        return StepOutcome(StepStatus.DONE, detail=f"{name} · eastus2 · 0000-demo")

    async def _preflight(self, step: StepId) -> StepOutcome:
        for check_id, title, status, detail, fix in CHECKS:
            await self._tick(1)
            self.emit(CheckUpdated(step=step.value, check=CheckResult(check_id, title, status, detail, fix), ts=self.t))
        return StepOutcome(StepStatus.DONE, detail=f"{len(CHECKS)} checks, 1 warning(s)")

    async def _provision(self, step: StepId) -> StepOutcome:
        self.say(step, "$ azd provision --no-prompt -e dev")
        for index, (target, phase, detail) in enumerate(PROVISION):
            self._target(step, target, "running", "Creating" if target.startswith("resource") else "Running")
            self._lines(step, (f"{target.partition(':')[2]}: {'Creating...' if target.startswith('resource') else 'running'}", target))
            if self.scenario == "hang" and index == 2:
                await self._cancel.wait()
                self._target(step, target, "skipped", "Cancelled")
                return StepOutcome(StepStatus.CANCELLED)
            await self._tick(12)
            self._lines(step, (f"{target.partition(':')[2]}: {phase} after 12s [id={detail}]", target))
            self._target(step, target, "done", phase, detail, 12)
        self._lines(step, ("Apply complete! Resources: 5 added, 0 changed, 0 destroyed.", None))
        return StepOutcome(StepStatus.DONE, detail="84s")

    async def _deploy(self, step: StepId) -> StepOutcome:
        self.say(step, "$ azd deploy --all --no-prompt -e dev")
        for service in SERVICES:
            target = f"service:{service}"
            self._target(step, target, "running", "Building image")
            self._lines(step, (f"Deploying service {service}", target), ("  (-) Building Docker image", target))
            await self._tick(20)
            if self.scenario == "missing-tag" and service == "webchat-demo":
                self._lines(step, *[(line, target) for line in MISSING_TAG.evidence[1:]])
                self._target(step, target, "failed", "Failed")
                return StepOutcome(StepStatus.FAILED, MISSING_TAG)
            self._target(step, target, "done", "Deployed", ENDPOINTS["frontend"] if service == "rtaudio-client" else "", 20)
        self.facts["endpoints"] = dict(ENDPOINTS)
        return StepOutcome(StepStatus.DONE, detail="60s")

    async def _phone(self, step: StepId) -> StepOutcome:
        self.facts["telephony"] = {"enabled": False, "detail": "ACS_SOURCE_PHONE_NUMBER is not set"}
        self.emit(Notice(step=step.value, level="warning", text="No phone number configured: telephony is disabled, so voice calls will not work.", ts=self.t))
        return StepOutcome(StepStatus.SKIPPED, detail="telephony disabled (no phone number)")

    async def _verify(self, step: StepId) -> StepOutcome:
        checks = [
            ("image:backend", "Backend image", "pass", "acrdemo.azurecr.io/rtaudio-server:azd-deploy-1"),
            ("port:backend", "Backend target port", "pass", "8000 = the port the app listens on"),
            ("revision:backend", "Backend revision", "pass", "ca-backend-demo--0000002 healthy, 100% traffic"),
            ("health:backend", "Health endpoint", "pass", "GET /api/v1/health → 200 in 0.4s"),
            ("frontend", "Frontend", "pass", "200, EasyAuth sign-in page"),
            ("telephony", "Telephony", "warn", "disabled: ACS_SOURCE_PHONE_NUMBER not set"),
        ]
        for target, title, status, detail in checks:
            await self._tick(1)
            self._target(step, target, {"pass": "done", "warn": "warning"}[status], title, detail, 1)
        self.facts["verify"] = {
            "ok": True,
            "checks": [{"id": t, "title": ti, "status": s, "detail": d, "fix": "deploy-wizard phone +1XXXXXXXXXX" if s == "warn" else None} for t, ti, s, d in checks],
            "endpoints": dict(ENDPOINTS),
        }
        self.facts["endpoints"] = dict(ENDPOINTS)
        from wizard.core.verify_report import count_text, report_counts

        return StepOutcome(StepStatus.DONE, detail=count_text(report_counts(self.facts["verify"])))

    async def _teardown(self, step: StepId) -> StepOutcome:
        self.say(step, "$ azd down --force --purge -e dev")
        self._target(step, "resource:rg-demo-dev", "running", "Deleting")
        await self._tick(40)
        self._target(step, "resource:rg-demo-dev", "done", "Deleted", "", 40)
        self.facts["leftovers"] = [{"kind": "state-rg", "name": "rg-tfstate-demo", "detail": "terraform remote state (created outside terraform)", "confirm": "rg-tfstate-demo", "manual_command": None}]
        return StepOutcome(StepStatus.DONE, detail="7 resources deleted, 1 left behind")


DURATIONS = {StepId.ENVIRONMENT: 2, StepId.PREFLIGHT: 7, StepId.PROVISION: 84, StepId.DEPLOY: 60, StepId.PHONE: 0, StepId.VERIFY: 6}


def scripted_factory(scenario: str = "happy") -> Callable[[RunOptions, Callable[[Event], None], Callable[[], float], Any], ScriptedEngine]:
    """An `engine_factory` for WizardApp (the backend it is offered goes unused: nothing runs)."""

    def make(options: RunOptions, sink: Callable[[Event], None], clock: Callable[[], float], backend: Any) -> ScriptedEngine:
        del backend
        return ScriptedEngine(options, sink, clock, scenario=scenario)

    return make
