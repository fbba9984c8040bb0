"""Asking the deployed endpoints over HTTP: the backend health wait and the frontend probe.

The health wait is bounded by both attempts and time and reports progress, because a freshly
deployed revision may take minutes to answer; the frontend's 401 or login redirect is EasyAuth,
which is expected and not a failure.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.ports import AzurePorts, ContainerAppInfo, HttpResult
from wizard.core.verify_report import VerifyCheck, short_error

if TYPE_CHECKING:
    from wizard.core.project import Project

HEALTH_PATH = "/api/v1/health"
ProgressCallback = Callable[[int, int, float], None]
# where a service's own code or the infra can name the health path it serves
CODE_SUFFIXES = frozenset((".py", ".js", ".mjs", ".cjs", ".ts", ".jsx", ".tsx", ".cs", ".java", ".kt", ".go",
                           ".rb", ".php", ".rs", ".bicep", ".tf"))
SKIP_DIRS = frozenset(("node_modules", ".git", ".azure", ".venv", "venv", "__pycache__", "dist", "build",
                       ".next", ".terraform", "bin", "obj", "target", "tests", "test", "docs"))
MAX_FILES = 5000


def serves_health_path(project: Project | None, service: str, path: str = HEALTH_PATH) -> bool:
    """Whether `service` has the health endpoint the wait polls: its code (its folder, tests and
    docs left out) or the infra (a probe) names the path. A todo API has none, and waiting two
    minutes for a 404 there is a false alarm."""
    if project is None or (svc := project.service(service)) is None:
        return False
    needle = path.encode()
    seen = 0
    for folder in (project.root / svc.project, project.infra_dir):
        for file in _code_files(folder):
            seen += 1
            if seen > MAX_FILES:
                return False
            try:
                if needle in file.read_bytes():
                    return True
            except OSError:
                continue
    return False


def _code_files(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for current, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
        for name in files:
            if os.path.splitext(name)[1] in CODE_SUFFIXES:
                yield Path(current) / name


def https_url(fqdn: str | None) -> str | None:
    """An app's FQDN as a URL (Azure gives bare host names; the environment may give URLs)."""
    if not fqdn:
        return None
    return fqdn if fqdn.startswith(("http://", "https://")) else f"https://{fqdn}"


def backend_health_url(env_values: dict[str, str], app: ContainerAppInfo | None) -> str | None:
    """The backend's health URL: from its app's FQDN, else from the environment's outputs."""
    base = None
    if app is not None and app.fqdn:
        base = https_url(app.fqdn)
    base = base or env_values.get("BACKEND_CONTAINER_APP_URL") or env_values.get("BACKEND_API_URL")
    if not base:
        fqdn = env_values.get("BACKEND_CONTAINER_APP_FQDN")
        base = https_url(fqdn) if fqdn else None
    return base.rstrip("/") + HEALTH_PATH if base else None


async def wait_for_health(
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
    """Poll `url` until it answers 200, needs sign-in, or the attempts/time run out."""
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
            last = HttpResult(status=None, error=short_error(exc))
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


async def probe_frontend(ports: AzurePorts, name: str, url: str) -> VerifyCheck:
    """One request to a non-backend app: answers, EasyAuth sign-in, or not yet."""
    target = f"service:{name}"
    check_id = f"http:{name}"
    try:
        result = await asyncio.to_thread(ports.http.get, url, 10.0)
    except Exception as exc:
        result = HttpResult(status=None, error=short_error(exc))
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
    if result.status is not None and result.status < 500 and result.status != 408:
        # the app itself answered (an API often serves nothing at /): up and serving
        return VerifyCheck(check_id, target, "pass", f"{name}: answers",
                           f"{url} answered {result.status} (the app is serving; nothing is served at that path)")
    answer = f"answered {result.status}" if result.status is not None else f"did not answer ({result.error or 'no response'})"
    return VerifyCheck(
        check_id, target, "warn", f"{name}: does not answer yet", f"{url} {answer}",
        f"open {url} in a browser; if it keeps failing, read its logs (az containerapp logs show)",
    )
