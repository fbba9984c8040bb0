"""Post-deploy verification: what "azd says success" does not tell.

For every Container App service of azure.yaml (found by its `azd-service-name` tag): the app
exists, it does not run the placeholder image, the ingress target port is the port the app
listens on, and its latest revision is healthy and running. Then the backend health endpoint
must answer 200 within a bounded wait (progress reported), the frontend's 401 is recognised as
EasyAuth, and telephony is reported enabled or disabled.

Azure is reached only through `wizard.core.ports` (real SDK adapters or the simulator's fakes).
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.phone import ENV_KEY, backend_service, telephony_status
from wizard.core.ports import AzurePorts, ContainerAppInfo, HttpResult

if TYPE_CHECKING:
    from wizard.core.project import Project, Service

HEALTH_PATH = "/api/v1/health"
PLACEHOLDER_MARKERS = (
    "containerapps-helloworld",
    "mcr.microsoft.com/azuredocs/",
    "mcr.microsoft.com/k8se/quickstart",
)
PLACEHOLDER_PORT = 80
RUNNING_STATES = {"running", "runningatmaxscale"}
ProgressCallback = Callable[[int, int, float], None]


@dataclass(frozen=True)
class VerifyCheck:
    id: str  # e.g. "image:rtaudio-server", "health:backend", "telephony"
    target: str  # "service:<name>" or "check:<id>"
    status: str  # pass | warn | fail | skip
    title: str
    detail: str = ""
    fix: str | None = None
    kb_id: str | None = None  # knowledge-base id (wizard/core/knowledge) when one explains it

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": self.target,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "fix": self.fix,
        }


@dataclass
class VerifyReport:
    checks: list[VerifyCheck] = field(default_factory=list)
    endpoints: dict[str, str] = field(default_factory=dict)
    telephony_enabled: bool = False
    telephony_detail: str = ""

    @property
    def ok(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    @property
    def failures(self) -> list[VerifyCheck]:
        return [c for c in self.checks if c.status == "fail"]

    def for_target(self, target: str) -> list[VerifyCheck]:
        return [c for c in self.checks if c.target == target]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checks": [c.to_dict() for c in self.checks],
            "endpoints": dict(self.endpoints),
            "telephony": {"enabled": self.telephony_enabled, "detail": self.telephony_detail},
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2)

    def lines(self) -> list[str]:
        """A plain-text rendering (one line per check, endpoints, telephony)."""
        marks = {"pass": "ok  ", "warn": "warn", "fail": "FAIL", "skip": "skip"}
        out = [f"[{marks.get(c.status, c.status)}] {c.target}: {c.title}" + (f" - {c.detail}" if c.detail else "") for c in self.checks]
        for check in self.failures:
            if check.fix:
                out.append(f"fix {check.target}: {check.fix}")
        for name, url in self.endpoints.items():
            out.append(f"endpoint {name}: {url}")
        out.append(f"telephony: {'enabled' if self.telephony_enabled else 'disabled'} ({self.telephony_detail})")
        return out


def is_placeholder_image(image: str | None) -> bool:
    text = (image or "").lower()
    return any(marker in text for marker in PLACEHOLDER_MARKERS)


def listening_port(project: Project | None, service: Service | None) -> int | None:
    """The port the service's own image listens on, read from its Dockerfile (EXPOSE / --port)."""
    if project is None or service is None:
        return None
    base = (project.root / service.project).resolve()
    candidates = [base / (service.docker_path or "Dockerfile")]
    if service.docker_path:
        candidates.append((project.root / service.docker_path).resolve())
    for path in candidates:
        port = _port_from_dockerfile(path)
        if port is not None:
            return port
    return None


def _port_from_dockerfile(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    run_port = re.search(r"--port[= ]+\"?([0-9]{2,5})", text)
    expose = re.search(r"(?im)^\s*EXPOSE\s+([0-9]{2,5})", text)
    match = run_port or expose
    return int(match.group(1)) if match else None


def _app_for(service: Service, apps: list[ContainerAppInfo]) -> ContainerAppInfo | None:
    if service.resource_name:
        found = next((a for a in apps if a.name == service.resource_name), None)
        if found:
            return found
    return next((a for a in apps if a.service_name == service.name), None)


def _https(fqdn: str | None) -> str | None:
    if not fqdn:
        return None
    return fqdn if fqdn.startswith(("http://", "https://")) else f"https://{fqdn}"


def _deploy_fix(service: str) -> str:
    return f"run the deploy step: azd deploy {service} (or: deploy-wizard run --from deploy)"


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
) -> VerifyReport:
    """Check the deployed apps of `project` in the environment `env_values`."""
    report = VerifyReport()
    group = env_values.get("AZURE_RESOURCE_GROUP")
    services = [s for s in (project.services if project else ()) if s.host in ("containerapp", "")]
    others = [s for s in (project.services if project else ()) if s.host not in ("containerapp", "")]
    backend = backend_service(project, env_values)
    app_by_service: dict[str, ContainerAppInfo] = {}
    broken: set[str] = set()  # services whose app cannot answer (health/frontend not worth waiting for)
    placeholder: set[str] = set()

    if not group:
        report.checks.append(
            VerifyCheck(
                "provisioned", "check:provisioned", "fail", "The environment is not provisioned",
                "AZURE_RESOURCE_GROUP is not set in the azd environment", "run the provision step: azd provision",
                kb_id="not-provisioned",
            )
        )
        await _telephony(report, env_values, ports)
        return report

    apps: list[ContainerAppInfo] = []
    try:
        apps = await asyncio.to_thread(ports.container_apps.list_apps, group)
    except Exception as exc:
        report.checks.append(
            VerifyCheck(
                "container-apps", "check:container-apps", "fail", f"Cannot list the Container Apps of {group}",
                _short(exc), "sign in (azd auth login) and check that the resource group exists, then verify again",
            )
        )
        await _telephony(report, env_values, ports)
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
        url = _https(app.fqdn)
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
                    _deploy_fix(service.name), kb_id="placeholder-image",
                )
            )
        else:
            report.checks.append(
                VerifyCheck(f"image:{service.name}", target, "pass", f"{service.name}: application image", app.image or "(unknown)")
            )
        # port
        report.checks.append(_port_check(project, service, app, is_placeholder))
        if report.checks[-1].status == "fail":
            broken.add(service.name)
        # revision
        revision_check = _revision_check(service.name, app, group, is_placeholder)
        report.checks.append(revision_check)
        if revision_check.status == "fail":
            broken.add(service.name)

    for service in others:
        report.checks.append(
            VerifyCheck(
                f"exists:{service.name}", f"service:{service.name}", "skip", f"{service.name}: not checked",
                f"host {service.host!r} is not a Container App; the wizard checks Container Apps only",
            )
        )

    _add_env_endpoints(report, env_values)

    # backend health
    if backend is not None:
        health_url = _health_url(env_values, app_by_service.get(backend))
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
                            _deploy_fix(backend) if backend in placeholder else None)
            )
        else:
            report.endpoints["backend_health"] = health_url
            report.checks.append(
                await _wait_for_health(
                    ports, backend, health_url, on_progress=on_progress, timeout=health_timeout,
                    interval=poll_interval, max_attempts=max_attempts, clock=clock,
                )
            )

    # other services answering (frontend: a 401 means EasyAuth)
    for name, app in app_by_service.items():
        if name == backend or name in broken or not app.fqdn:
            continue
        report.checks.append(await _probe_frontend(ports, name, _https(app.fqdn) or ""))

    await _telephony(report, env_values, ports)
    return report


def _port_check(project: Project | None, service: Service, app: ContainerAppInfo, is_placeholder: bool) -> VerifyCheck:
    target = f"service:{service.name}"
    check_id = f"port:{service.name}"
    title = f"{service.name}: ingress target port"
    if app.target_port is None:
        return VerifyCheck(check_id, target, "warn", title, f"{app.name} has no ingress: it cannot be reached from outside")
    listens = PLACEHOLDER_PORT if is_placeholder else listening_port(project, service)
    if listens is None:
        return VerifyCheck(check_id, target, "pass", title, f"target port {app.target_port} (the image's port could not be read)")
    if listens == app.target_port:
        return VerifyCheck(check_id, target, "pass", title, f"target port {app.target_port} = the port the app listens on")
    if is_placeholder:
        return VerifyCheck(
            check_id, target, "fail", f"{service.name}: port mismatch (80 vs {app.target_port})",
            f"ingress sends traffic to port {app.target_port}, where the application will listen, but the "
            f"placeholder image listens on port 80: the startup probe fails with 'connection refused' "
            f"until azd deploy replaces the image (expected after provision alone)",
            _deploy_fix(service.name), kb_id="target-port-mismatch",
        )
    return VerifyCheck(
        check_id, target, "fail", f"{service.name}: port mismatch ({listens} vs {app.target_port})",
        f"the image listens on port {listens} (its Dockerfile) but ingress targets port {app.target_port}",
        f"make the infrastructure's ingress target_port {listens} (or the app listen on {app.target_port}), "
        "then azd provision and azd deploy",
        kb_id="target-port-mismatch",
    )


def _revision_check(name: str, app: ContainerAppInfo, group: str, is_placeholder: bool) -> VerifyCheck:
    target = f"service:{name}"
    check_id = f"revision:{name}"
    revision = app.latest_revision
    if revision is None:
        return VerifyCheck(check_id, target, "fail", f"{name}: no revision", f"{app.name} has no revision yet",
                           _deploy_fix(name), kb_id="placeholder-image" if is_placeholder else None)
    state = (revision.running_state or "unknown")
    replicas = f"{revision.replicas} replica{'s' if revision.replicas != 1 else ''}"
    detail = f"{revision.name}: {state}, {'healthy' if revision.healthy else 'not healthy'}, {replicas}"
    running = state.lower() in RUNNING_STATES
    if revision.healthy and running:
        if revision.replicas == 0:
            return VerifyCheck(check_id, target, "warn", f"{name}: revision healthy, scaled to zero",
                               detail + " (the first request wakes it up, slowly)")
        return VerifyCheck(check_id, target, "pass", f"{name}: revision healthy and running", detail)
    if state.lower() in ("activating", "processing", "provisioning", "deprovisioning"):
        return VerifyCheck(check_id, target, "warn", f"{name}: revision still starting", detail,
                           "wait a minute and verify again (deploy-wizard verify)")
    if is_placeholder:
        fix = _deploy_fix(name)
        detail += " (expected with the placeholder image: nothing answers on the target port)"
        kb = "startup-probe-failed"
    else:
        fix = f"read the container logs: az containerapp logs show -n {app.name} -g {group} --type console"
        kb = "startup-probe-failed"
    return VerifyCheck(check_id, target, "fail", f"{name}: revision not healthy", detail, fix, kb_id=kb)


def _health_url(env_values: dict[str, str], app: ContainerAppInfo | None) -> str | None:
    base = None
    if app is not None and app.fqdn:
        base = _https(app.fqdn)
    base = base or env_values.get("BACKEND_CONTAINER_APP_URL") or env_values.get("BACKEND_API_URL")
    if not base:
        fqdn = env_values.get("BACKEND_CONTAINER_APP_FQDN")
        base = _https(fqdn) if fqdn else None
    return base.rstrip("/") + HEALTH_PATH if base else None


def _add_env_endpoints(report: VerifyReport, env_values: dict[str, str]) -> None:
    frontend = env_values.get("FRONTEND_CONTAINER_APP_URL")
    backend = env_values.get("BACKEND_CONTAINER_APP_URL") or env_values.get("BACKEND_API_URL")
    if frontend and frontend not in report.endpoints.values():
        report.endpoints.setdefault("frontend", frontend)
    if backend and backend not in report.endpoints.values():
        report.endpoints.setdefault("backend", backend)


async def _wait_for_health(
    ports: AzurePorts,
    name: str,
    url: str,
    *,
    on_progress: ProgressCallback | None,
    timeout: float,
    interval: float,
    max_attempts: int | None,
    clock: Callable[[], float],
) -> VerifyCheck:
    target = f"service:{name}"
    check_id = f"health:{name}"
    timeout = max(0.0, float(timeout))
    if max_attempts is None:
        max_attempts = math.ceil(timeout / interval) + 1 if interval > 0 else 10
    max_attempts = max(1, max_attempts)
    start = clock()
    last: HttpResult | None = None
    attempt = 0
    while attempt < max_attempts:
        attempt += 1
        elapsed = clock() - start
        if on_progress is not None:
            on_progress(attempt, max_attempts, elapsed)
        remaining = timeout - elapsed
        request_timeout = max(1.0, min(10.0, remaining)) if timeout else 10.0
        try:
            last = await asyncio.to_thread(ports.http.get, url, request_timeout)
        except Exception as exc:
            last = HttpResult(status=None, error=_short(exc))
        if last.status == 200:
            took = clock() - start
            return VerifyCheck(
                check_id, target, "pass", f"{name}: health endpoint answers 200",
                f"{url} answered 200 after {attempt} {'try' if attempt == 1 else 'tries'} ({took:.0f}s){_health_body(last.body)}",
            )
        if last.status in (401, 403):
            return VerifyCheck(
                check_id, target, "warn", f"{name}: health endpoint needs sign-in",
                f"{url} answered {last.status}; the accelerator's /api/v1/health is public, so something "
                "(EasyAuth?) protects the backend",
                "turn authentication off on the backend or verify with a signed-in session",
                kb_id="easyauth-401",
            )
        if attempt >= max_attempts or clock() - start >= timeout:
            break
        if interval > 0:
            await asyncio.sleep(min(interval, max(0.0, timeout - (clock() - start))))
    waited = clock() - start
    answer = f"last answer {last.status}" if last and last.status is not None else f"no answer ({(last.error if last else None) or 'connection failed'})"
    return VerifyCheck(
        check_id, target, "fail", f"{name}: health endpoint timed out",
        f"{url} did not answer 200 within {waited:.0f}s ({attempt} tries, {answer})",
        "check the backend revision and its logs (az containerapp logs show -n <backend app> -g <rg>), "
        "or run azd deploy if it was only provisioned; then deploy-wizard verify",
        kb_id="health-timeout",
    )


def _health_body(body: str) -> str:
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return ""
    if isinstance(data, dict) and isinstance(data.get("status"), str):
        version = f" {data['version']}" if isinstance(data.get("version"), str) else ""
        return f": status {data['status']}{version}"
    return ""


async def _probe_frontend(ports: AzurePorts, name: str, url: str) -> VerifyCheck:
    target = f"service:{name}"
    check_id = f"http:{name}"
    try:
        result = await asyncio.to_thread(ports.http.get, url, 10.0)
    except Exception as exc:
        result = HttpResult(status=None, error=_short(exc))
    location = (result.location or "").lower()
    if result.status == 401 or (
        result.status in (301, 302, 303, 307, 308) and ("/.auth/login" in location or "login.microsoftonline" in location)
    ):
        return VerifyCheck(
            check_id, target, "warn", f"{name}: sign-in required (EasyAuth is on)",
            f"{url} answered {result.status}: EasyAuth (Entra ID sign-in) protects it, which is expected and "
            "not a failure; open it in a browser and sign in with Entra ID",
            None, kb_id="easyauth-401",
        )
    if result.status is not None and 200 <= result.status < 400:
        return VerifyCheck(check_id, target, "pass", f"{name}: answers", f"{url} answered {result.status}")
    answer = f"answered {result.status}" if result.status is not None else f"did not answer ({result.error or 'no response'})"
    return VerifyCheck(
        check_id, target, "warn", f"{name}: does not answer yet", f"{url} {answer}",
        f"open {url} in a browser; if it keeps failing, read its logs (az containerapp logs show)",
    )


async def _telephony(report: VerifyReport, env_values: dict[str, str], ports: AzurePorts) -> None:
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


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
