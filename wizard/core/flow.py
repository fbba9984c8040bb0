"""What each step does. Each body takes the run it belongs to (a StepContext: the Engine) and returns a StepOutcome.

Kept apart from `engine.py` so the machinery (streaming, state, records) and the deployment
knowledge (what provision, phone and verify mean for an azd project) can be read separately.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from wizard.core.errors import InputError
from wizard.core.events import CheckUpdated, Failure
from wizard.core.project import list_environments, read_default_environment, validate_env_name
from wizard.core.step_state import StepOutcome
from wizard.core.steps import StepId, StepStatus, TargetStatus, check_target_status

if TYPE_CHECKING:
    from wizard.core.step_context import StepContext

DEFAULT_ENV = "dev"


def _outcome(status: StepStatus, failure: Failure | None = None, detail: str = "") -> StepOutcome:
    return StepOutcome(status, failure, detail)


# -- environment ---------------------------------------------------------------------------------
async def environment(engine: StepContext) -> StepOutcome:
    root = engine.project.root
    envs = {e.name: e for e in list_environments(root)}
    default = read_default_environment(root)
    name = engine.options.env_name or default or (next(iter(envs)) if len(envs) == 1 else None)
    if name is None:
        if not engine.options.create_env:
            known = ", ".join(envs) or "none yet"
            raise InputError(
                f"no environment chosen (environments: {known}); pass -e NAME, and --location "
                "to create a new one"
            )
        name = DEFAULT_ENV
    problem = validate_env_name(name)
    if problem:
        raise InputError(f"environment name {name!r}: {problem}")
    target = f"env:{name}"
    if name not in envs:
        if not engine.options.create_env:
            raise InputError(
                f"environment {name!r} does not exist (known: {', '.join(envs) or 'none'}); "
                f"create it with `azd env new {name} --location <region>` or pass --create"
            )
        engine.target(StepId.ENVIRONMENT, target, TargetStatus.RUNNING, "Creating")
        # Like azd itself: explicit values first, then `azd config` defaults.
        defaults = await engine.azd.config_defaults()
        subscription = engine.options.subscription or defaults.get("subscription")
        location = engine.options.location or defaults.get("location")
        location = location or engine.backend.default_location
        out = await engine.azd.env_new(name, subscription=subscription, location=location)
        engine.say(StepId.ENVIRONMENT, *[ln for ln in out.splitlines() if ln.strip()])
    elif name != default:
        engine.target(StepId.ENVIRONMENT, target, TargetStatus.RUNNING, "Selecting")
        await engine.azd.env_select(name)
    engine.use_environment(name)
    values = engine.env_values
    location = values.get("AZURE_LOCATION") or "location not set"
    subscription = values.get("AZURE_SUBSCRIPTION_ID") or "subscription not set"
    detail = f"{name} · {location} · {subscription}"
    engine.target(StepId.ENVIRONMENT, target, TargetStatus.DONE, "Ready", detail)
    engine.facts["environment"] = {"name": name, "location": values.get("AZURE_LOCATION"), "subscription": values.get("AZURE_SUBSCRIPTION_ID")}
    return _outcome(StepStatus.DONE, detail=detail)


# -- preflight -----------------------------------------------------------------------------------
class AzdForPreflight:
    """The `AzdLike` view preflight needs, over the engine's AzdClient."""

    def __init__(self, engine: StepContext) -> None:
        self._engine = engine

    async def auth_status(self) -> dict[str, Any]:
        return await self._engine.azd.auth_status()

    async def version(self) -> str | None:
        from wizard.core.azd import AzdError, format_version

        try:
            return format_version(await self._engine.azd.version())
        except AzdError:
            return None

    async def env_set(self, key: str, value: str) -> None:
        await self._engine.azd.env_set(key, value)
        self._engine.refresh_env_values()


def preflight_context(engine: StepContext) -> Any:
    from wizard.core.preflight import PreflightContext

    tools = engine.backend.tools(engine.project.root)
    kwargs: dict[str, Any] = {}
    if tools is not None:
        kwargs["tools"] = tools
    return PreflightContext(
        project=engine.project,
        env=engine.env_name,
        env_values=dict(engine.env_values),
        azd=AzdForPreflight(engine),
        ports=engine.ports,
        with_tests=engine.options.with_tests,
        **kwargs,
    )


async def preflight(engine: StepContext) -> StepOutcome:
    from wizard.core.preflight import apply_fix, run_preflight, unattended_fixes

    step = StepId.PREFLIGHT

    def report(result: Any) -> None:
        engine.emit(CheckUpdated(step=step.value, check=result, ts=engine.clock()))
        engine.target(step, f"check:{result.id}", check_target_status(result.status), result.status, result.detail)

    ctx = preflight_context(engine)
    results = await run_preflight(ctx, on_result=report)
    failing = [r for r in results if r.status == "fail"]
    if failing and engine.options.yes:  # --yes: the unattended-fix policy (preflight/fix_policy.py)
        for decision in unattended_fixes(ctx, results):
            if not decision.quiet:
                engine.say(step, *decision.lines())
            if decision.apply and decision.plan is not None:
                report(await apply_fix(ctx, decision.plan, decision.answers))
        engine.refresh_env_values()
        ctx = preflight_context(engine)
        rerun = {r.id: r for r in await run_preflight(ctx, only={r.id for r in failing})}
        results = [rerun.get(r.id, r) for r in results]
        failing = [r for r in results if r.status == "fail"]
    engine.facts["preflight"] = [r.to_dict() for r in results]
    warnings = sum(1 for r in results if r.status == "warn")
    if failing:
        first = failing[0]
        names = ", ".join(r.id for r in failing)
        failure = Failure(
            step=step.value,
            target=f"check:{first.id}",
            cause=f"{len(failing)} check(s) failed: {names}. {first.title}: {first.detail}",
            fix=first.fix,
            evidence=tuple(f"{r.id}: {r.detail}" for r in failing[:8]),
            kb_id=f"preflight.{first.id}",
            title=first.title,
        )
        return _outcome(StepStatus.FAILED, failure)
    return _outcome(StepStatus.DONE, detail=f"{len(results)} checks, {warnings} warning(s)")


# -- provision / deploy --------------------------------------------------------------------------
async def _lifecycle(engine: StepContext, step: StepId, argv: list[str]) -> StepOutcome:
    result, failure = await engine.stream(step, argv)
    if result.cancelled or engine.cancelled:
        return _outcome(StepStatus.CANCELLED, detail="cancelled; the Azure deployment may keep running")
    engine.refresh_env_values()
    if failure is not None:
        return _outcome(StepStatus.FAILED, failure)
    return _outcome(StepStatus.DONE, detail=_done_targets(engine, step))


def _done_targets(engine: StepContext, step: StepId) -> str:
    """`19 resources, 2 hooks` / `3 services`: what the step did, for summaries."""
    counts: dict[str, int] = {}
    for target in engine.steps[step].targets.values():
        kind = target.id.partition(":")[0]
        if target.status == TargetStatus.DONE and kind in ("resource", "service", "hook"):
            counts[kind] = counts.get(kind, 0) + 1
    parts = [f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items()]
    if parts:
        return ", ".join(parts)
    # "no changes" only when azd said so: with its progress display off, azd lists no rows at all
    return "no changes" if step.value in engine.facts.get("no_changes", ()) else "azd listed no resources"


async def _up_hook(engine: StepContext, step: StepId, name: str) -> StepOutcome | None:
    """The project's `preup`/`postup` hook: `azd up` runs them around provision and deploy, and the
    wizard runs those two as steps of their own, so it runs them itself (`azd hooks run`)."""
    if engine.project.hook(name) is None:
        return None
    result, failure = await engine.stream(step, engine.azd.hooks_run_argv(name))
    if result.cancelled or engine.cancelled:
        return _outcome(StepStatus.CANCELLED, detail=f"cancelled during the {name} hook")
    engine.refresh_env_values()
    return _outcome(StepStatus.FAILED, failure) if failure is not None else None


async def provision(engine: StepContext) -> StepOutcome:
    if (stopped := await _up_hook(engine, StepId.PROVISION, "preup")) is not None:
        return stopped
    return await _lifecycle(engine, StepId.PROVISION, engine.azd.provision_argv())


async def deploy(engine: StepContext) -> StepOutcome:
    outcome = await _lifecycle(engine, StepId.DEPLOY, engine.azd.deploy_argv())
    if outcome.status == StepStatus.DONE and (stopped := await _up_hook(engine, StepId.DEPLOY, "postup")) is not None:
        outcome = stopped
    engine.facts["endpoints"] = endpoints_from_env(engine.env_values)
    return outcome


def endpoints_from_env(values: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    frontend = values.get("FRONTEND_CONTAINER_APP_URL")
    backend = values.get("BACKEND_CONTAINER_APP_URL") or values.get("BACKEND_API_URL")
    if frontend:
        found["frontend"] = frontend
    if backend:
        found["backend"] = backend
        found["backend_health"] = backend.rstrip("/") + "/api/v1/health"
    for key, value in sorted(values.items()):
        match = re.fullmatch(r"SERVICE_(.+)_ENDPOINTS?", key)
        if match and value:
            found.setdefault(match.group(1).lower().replace("_", "-"), value.strip('[]"').split('","')[0])
    return found


# -- phone ---------------------------------------------------------------------------------------
async def phone(engine: StepContext) -> StepOutcome:
    from wizard.core.phone import (
        has_telephony,
        plan_phone_apply,
        restart_backend,
        telephony_status,
        validate_e164,
    )

    step = StepId.PHONE
    number = engine.phone
    if not number and not has_telephony(engine.project, engine.env_values):
        engine.facts["telephony"] = {"enabled": False, "applies": False, "detail": "no telephony in this project"}
        return _outcome(StepStatus.SKIPPED, detail="not applicable: the project has no telephony")
    if not number:
        enabled, reason = telephony_status(engine.env_values)
        engine.facts["telephony"] = {"enabled": enabled, "detail": reason}
        if enabled:
            return _outcome(StepStatus.DONE, detail=reason)
        engine.notice(
            step,
            "warning",
            "No phone number configured: telephony is disabled, so voice calls will not work "
            "(the backend logs 'ACS TELEPHONY DISABLED'). Set one later with: deploy-wizard phone +1XXXXXXXXXX",
        )
        return _outcome(StepStatus.SKIPPED, detail="telephony disabled (no phone number)")
    problem = validate_e164(number)
    if problem:
        raise InputError(f"phone number {number!r}: {problem}")
    plan = plan_phone_apply(engine.project, engine.env_values, number)
    key_target = f"env:{plan.env_key}"
    engine.target(step, key_target, TargetStatus.RUNNING, "Setting")
    await engine.azd.env_set(plan.env_key, number)
    engine.refresh_env_values()
    engine.target(step, key_target, TargetStatus.DONE, "Set", number)
    engine.say(step, *plan.explanation)
    result, failure = await engine.stream(step, engine.azd.argv(*plan.push_command))
    if result.cancelled or engine.cancelled:
        return _outcome(StepStatus.CANCELLED)
    if failure is not None:
        return _outcome(StepStatus.FAILED, failure)
    engine.refresh_env_values()
    if plan.restart_service and engine.ports is not None:
        target = f"service:{plan.restart_service}"
        engine.target(step, target, TargetStatus.RUNNING, "Restarting")
        app_name = engine.env_values.get("BACKEND_CONTAINER_APP_NAME") or plan.restart_service
        description = await restart_backend(engine.ports, engine.env_values, app_name)
        engine.target(step, target, TargetStatus.DONE, "Restarted", description)
    enabled, reason = telephony_status(engine.env_values)
    engine.facts["telephony"] = {"enabled": enabled, "detail": reason, "number": number}
    engine.notice(step, "success" if enabled else "warning", f"Telephony {'enabled' if enabled else 'disabled'}: {reason}")
    return _outcome(StepStatus.DONE, detail=f"{number} applied")


# -- verify --------------------------------------------------------------------------------------
async def verify(engine: StepContext) -> StepOutcome:
    from wizard.core.verify import verify as run_verify

    step = StepId.VERIFY
    ports = engine.ports
    if ports is None:
        engine.notice(step, "warning", "Azure SDK access unavailable: only the environment's outputs were checked")
        engine.facts["endpoints"] = endpoints_from_env(engine.env_values)
        return _outcome(StepStatus.DONE, detail="limited: no Azure access")

    def progress(attempt: int, total: int, elapsed: float) -> None:
        engine.target(step, "health:backend", TargetStatus.RUNNING, "Waiting for /api/v1/health", f"try {attempt}/{total}, {elapsed:.0f}s")

    kwargs: dict[str, Any] = {"on_progress": progress, "health_timeout": engine.options.health_timeout,
                              "deployed_endpoints": engine.facts.get("deployed_endpoints") or {}}
    if engine.backend.poll_interval is not None:
        kwargs["poll_interval"] = engine.backend.poll_interval
    report = await run_verify(engine.project, engine.env_values, ports, **kwargs)
    for check in report.checks:
        engine.target(step, check.target, check_target_status(check.status), check.title, check.detail)
    engine.facts["endpoints"] = dict(report.endpoints)
    engine.facts["telephony"] = {"enabled": report.telephony_enabled, "detail": report.telephony_detail,
                                 "applies": report.telephony_applies}
    engine.facts["verify"] = report.to_json()
    for check in report.checks:
        if check.status == "warn":
            engine.notice(step, "warning", f"{check.title}: {check.detail}", check.target)
    failing = [c for c in report.checks if c.status == "fail"]
    if failing:
        first = failing[0]
        failure = Failure(
            step=step.value,
            target=first.target,
            cause=f"{first.title}: {first.detail}",
            fix=first.fix,
            evidence=tuple(f"{c.target}: {c.title}: {c.detail}" for c in failing[:8]),
            kb_id=getattr(first, "kb_id", None) or f"verify.{first.id}",
            title=first.title,
        )
        return _outcome(StepStatus.FAILED, failure)
    return _outcome(StepStatus.DONE, detail=report.count_text())


async def teardown(engine: StepContext) -> StepOutcome:
    from wizard.core.teardown import run_teardown_step

    return await run_teardown_step(engine)


STEP_BODIES: dict[StepId, Callable[[StepContext], Awaitable[StepOutcome]]] = {
    StepId.ENVIRONMENT: environment,
    StepId.PREFLIGHT: preflight,
    StepId.PROVISION: provision,
    StepId.DEPLOY: deploy,
    StepId.PHONE: phone,
    StepId.VERIFY: verify,
    StepId.TEARDOWN: teardown,
}
