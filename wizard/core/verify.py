"""Post-deploy verification: what "azd says success" does not tell.

For every Container App service of azure.yaml (found by its `azd-service-name` tag): the app
exists, it does not run the placeholder image, the ingress target port is the port the app
listens on, and its latest revision is healthy and running. Then the backend health endpoint
must answer 200 within a bounded wait (progress reported), the frontend's 401 is recognised as
EasyAuth, and telephony is reported enabled or disabled. A service on another host (App Service,
Functions, Static Web Apps, AKS) is checked by its endpoint answering (verify_hosts).

This module runs the checks in order and decides what is worth waiting for; the per-app checks
are in verify_apps, the HTTP probes in verify_probe, the report model in verify_report.
Azure is reached only through `wizard.core.ports` (real SDK adapters or the simulator's fakes).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wizard.core.env_resources import env_resource_groups, provisioned
from wizard.core.phone import ENV_KEY, backend_service, has_telephony, telephony_status
from wizard.core.ports import AzurePorts, ContainerAppInfo
from wizard.core.verify_apps import (
    PLACEHOLDER_MARKERS,
    PLACEHOLDER_PORT,
    RUNNING_STATES,
    check_port,
    check_revision,
    deploy_fix,
    is_placeholder_image,
    listening_port,
)
from wizard.core.verify_hosts import check_hosted_service, service_endpoint
from wizard.core.verify_probe import (
    HEALTH_PATH,
    ProgressCallback,
    backend_health_url,
    https_url,
    probe_frontend,
    serves_health_path,
    wait_for_health,
)
from wizard.core.verify_report import VerifyCheck, VerifyReport, short_error

if TYPE_CHECKING:
    from wizard.core.project import Project, Service

__all__ = [
    "HEALTH_PATH",
    "PLACEHOLDER_MARKERS",
    "PLACEHOLDER_PORT",
    "RUNNING_STATES",
    "ProgressCallback",
    "VerifyCheck",
    "VerifyReport",
    "is_placeholder_image",
    "listening_port",
    "verify",
]


def _app_for(service: Service, apps: list[ContainerAppInfo]) -> ContainerAppInfo | None:
    if service.resource_name:
        found = next((a for a in apps if a.name == service.resource_name), None)
        if found:
            return found
    return next((a for a in apps if a.service_name == service.name), None)


async def verify(
    project: Project | None,
    env_values: dict[str, str],
    ports: AzurePorts,
    *,
    on_progress: ProgressCallback | None = None,
    health_timeout: float = 120.0,
    poll_interval: float = 5.0,
    max_attempts: int | None = None,
    clock: Callable[[], float] = time.monotonic,
    deployed_endpoints: dict[str, str] | None = None,
) -> VerifyReport:
    """Check the deployed apps of `project` in the environment `env_values`.

    `deployed_endpoints`: service -> the endpoint azd printed when it deployed it (this run's)."""
    report = VerifyReport()
    services = [s for s in (project.services if project else ()) if s.host in ("containerapp", "")]
    others = [s for s in (project.services if project else ()) if s.host not in ("containerapp", "")]
    backend = backend_service(project, env_values)
    if backend not in {s.name for s in services}:
        backend = None  # the health check probes a Container App backend; other hosts are "not checked"
    if backend is not None and not await asyncio.to_thread(serves_health_path, project, backend):
        backend = None  # no health path in its code or infra: probed like the other apps (does it answer?)
    app_by_service: dict[str, ContainerAppInfo] = {}
    broken: set[str] = set()  # services whose app cannot answer (health/frontend not worth waiting for)
    placeholder: set[str] = set()

    env = env_values.get("AZURE_ENV_NAME", "")
    apps: list[ContainerAppInfo] = []
    group = env_values.get("AZURE_RESOURCE_GROUP") or f"the groups tagged azd-env-name={env}"
    try:
        groups = await asyncio.to_thread(env_resource_groups, env, env_values, ports) if provisioned(env_values) else []
        if not groups:
            report.checks.append(
                VerifyCheck(
                    "provisioned", "check:provisioned", "fail", "The environment is not provisioned",
                    f"no resource group tagged azd-env-name={env} (and no AZURE_RESOURCE_GROUP) exists",
                    "run the provision step: azd provision",
                    kb_id="not-provisioned",
                )
            )
            await _telephony(report, project, env_values, ports)
            return report
        group = ", ".join(groups)
        for name in groups:
            apps.extend(await asyncio.to_thread(ports.container_apps.list_apps, name))
    except Exception as exc:
        report.checks.append(
            VerifyCheck(
                "container-apps", "check:container-apps", "fail", f"Cannot list the Container Apps of {group}",
                short_error(exc), "sign in (azd auth login) and check that the resource group exists, then verify again",
            )
        )
        await _telephony(report, project, env_values, ports)
        return report

    for service in services:
        target = f"service:{service.name}"
        app = _app_for(service, apps)
        if app is None:
            untagged = [a.name for a in apps if not a.service_name]
            detail = f"no Container App tagged azd-service-name={service.name} in {group}"
            if untagged:
                detail += f" (apps without the tag: {', '.join(untagged)})"
            report.checks.append(
                VerifyCheck(
                    f"exists:{service.name}", target, "fail", f"{service.name}: Container App not found", detail,
                    f'tag the Container App with azd-service-name = "{service.name}" in the infrastructure, '
                    "then azd provision and azd deploy",
                    kb_id="missing-service-tag",
                )
            )
            broken.add(service.name)
            continue
        app_by_service[service.name] = app
        url = https_url(app.fqdn)
        if url:
            report.endpoints[service.name] = url
        state = (app.provisioning_state or "").lower()
        exists_status = "pass" if state in ("succeeded", "") else ("warn" if state in ("inprogress", "updating") else "fail")
        report.checks.append(
            VerifyCheck(
                f"exists:{service.name}", target, exists_status, f"{service.name}: Container App {app.name}",
                f"provisioning state {app.provisioning_state or 'unknown'}" + (f", {url}" if url else ""),
                None if exists_status == "pass" else "run azd provision again and read its error",
            )
        )
        # image
        is_placeholder = is_placeholder_image(app.image)
        if is_placeholder:
            placeholder.add(service.name)
            broken.add(service.name)
            report.checks.append(
                VerifyCheck(
                    f"image:{service.name}", target, "fail", f"{service.name}: still runs the placeholder image",
                    f"{app.name} runs {app.image}: provisioned but not deployed (azd provision creates the apps "
                    "with a placeholder; azd deploy builds and ships the real image)",
                    deploy_fix(service.name), kb_id="placeholder-image",
                )
            )
        else:
            report.checks.append(
                VerifyCheck(f"image:{service.name}", target, "pass", f"{service.name}: application image", app.image or "(unknown)")
            )
        # port
        report.checks.append(check_port(project, service, app, is_placeholder))
        if report.checks[-1].status == "fail":
            broken.add(service.name)
        # revision
        revision_check = check_revision(service.name, app, group, is_placeholder)
        report.checks.append(revision_check)
        if revision_check.status == "fail":
            broken.add(service.name)

    for service in others:  # App Service, Functions, Static Web Apps, AKS: does its endpoint answer?
        url = service_endpoint(service.name, deployed_endpoints or {}, env_values)
        if url:
            report.endpoints.setdefault(service.name, url)
        report.checks.append(await check_hosted_service(service, url, ports.http))

    _add_env_endpoints(report, env_values)

    # backend health
    if backend is not None:
        health_url = backend_health_url(env_values, app_by_service.get(backend))
        target = f"service:{backend}"
        if health_url is None:
            report.checks.append(
                VerifyCheck(f"health:{backend}", target, "fail", f"{backend}: health endpoint unknown",
                            "the backend has no ingress FQDN and the environment no BACKEND_CONTAINER_APP_URL",
                            "run azd provision (the backend needs external ingress)")
            )
        elif backend in broken:
            why = "it still runs the placeholder image" if backend in placeholder else "its app failed the checks above"
            report.checks.append(
                VerifyCheck(f"health:{backend}", target, "skip", f"{backend}: health endpoint not tried",
                            f"{health_url} cannot answer while {why}",
                            deploy_fix(backend) if backend in placeholder else None)
            )
        else:
            report.endpoints["backend_health"] = health_url
            report.checks.append(
                await wait_for_health(
                    ports, backend, health_url, on_progress=on_progress, timeout=health_timeout,
                    interval=poll_interval, max_attempts=max_attempts, clock=clock,
                )
            )

    # other services answering (frontend: a 401 means EasyAuth)
    for name, app in app_by_service.items():
        if name == backend or name in broken or not app.fqdn:
            continue
        report.checks.append(await probe_frontend(ports, name, https_url(app.fqdn) or ""))

    await _telephony(report, project, env_values, ports)
    return report


def _add_env_endpoints(report: VerifyReport, env_values: dict[str, str]) -> None:
    frontend = env_values.get("FRONTEND_CONTAINER_APP_URL")
    backend = env_values.get("BACKEND_CONTAINER_APP_URL") or env_values.get("BACKEND_API_URL")
    if frontend and frontend not in report.endpoints.values():
        report.endpoints.setdefault("frontend", frontend)
    if backend and backend not in report.endpoints.values():
        report.endpoints.setdefault("backend", backend)


async def _telephony(report: VerifyReport, project: Project | None, env_values: dict[str, str], ports: AzurePorts) -> None:
    if project is not None and not has_telephony(project, env_values):
        report.telephony_detail = "not applicable: the project has no telephony"
        report.telephony_applies = False
        return  # a todo app gets no telephony check and no warning
    enabled, reason = telephony_status(env_values)
    number = (env_values.get(ENV_KEY) or "").strip()
    status, fix, kb = "pass", None, None
    if not enabled:
        status, fix, kb = "warn", "deploy-wizard phone +1XXXXXXXXXX (then the backend is restarted)", "phone-number-missing"
    else:
        owned = await asyncio.to_thread(_owned_number, ports, env_values.get("ACS_ENDPOINT") or "", number)
        if owned is False:
            status = "warn"
            reason += " (but it is not among the numbers purchased on this ACS resource: calls from it will fail)"
            fix = "pick one of the resource's numbers: deploy-wizard phone (lists them)"
        elif owned is not None and not owned.can_call:
            status = "warn"
            reason += f" (but its calling capability is {owned.calling!r}, not inbound+outbound)"
    report.telephony_enabled = enabled
    report.telephony_detail = reason
    report.checks.append(
        VerifyCheck("telephony", "check:telephony", status,
                    f"Telephony {'enabled' if enabled else 'disabled'}", reason, fix, kb_id=kb)
    )


def _owned_number(ports: AzurePorts, endpoint: str, number: str) -> Any:
    """The purchased PhoneNumber for `number`, False if the resource does not own it, None if unknown."""
    factory = getattr(ports, "phone_numbers_for", None)
    if not endpoint or not callable(factory):
        return None
    try:
        numbers = factory(endpoint).list_numbers()
    except Exception:
        return None
    return next((n for n in numbers if n.number == number), False)
