"""Verify the services that are not Container Apps (App Service, Functions, Static Web Apps, AKS):
does the endpoint azd deployed them to answer?

The endpoint comes from what azd printed for the service (`- Endpoint: …` after its deploy,
kept by the engine), else from an environment output that names it (`SERVICE_API_ENDPOINT_URL`,
`API_BASE_URL`, `REACT_APP_WEB_BASE_URL`, …). Any HTTP answer below 500 means the host is up and
serving (a 401/403 is sign-in in front of it); no answer or a 5xx is a warning with what to read
next. A service whose endpoint is not known is skipped, and says so: it is never counted as passed.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

from wizard.core.verify_report import VerifyCheck

if TYPE_CHECKING:
    from wizard.core.ports import HttpPort
    from wizard.core.project import Service

HOST_NAMES = {
    "appservice": "App Service",
    "function": "Function App",
    "staticwebapp": "Static Web App",
    "aks": "AKS",
    "springapp": "Spring App",
}
_URL = re.compile(r"https?://[^\s\"',\]]+")


def service_endpoint(service: str, deployed: dict[str, str], env_values: dict[str, str]) -> str | None:
    """The URL azd deployed `service` to: from its deploy output, else an output named for it."""
    if deployed.get(service):
        return deployed[service]
    name = re.sub(r"[^A-Z0-9]", "_", service.upper())
    suffixes = ("_ENDPOINT_URL", "_ENDPOINTS", "_ENDPOINT", "_BASE_URL", "_URL", "_URI")
    for key in sorted(env_values):
        upper = key.upper()
        if any(upper == f"{name}{s}" or upper.endswith(f"_{name}{s}") for s in suffixes):
            match = _URL.search(env_values[key])
            if match:
                return match.group(0)
    return None


async def check_hosted_service(service: Service, url: str | None, http: HttpPort) -> VerifyCheck:
    """One check for a service on a host other than Container Apps."""
    host = HOST_NAMES.get(service.host, service.host or "unknown host")
    check_id, target = f"endpoint:{service.name}", f"service:{service.name}"
    if url is None:
        return VerifyCheck(
            check_id, target, "skip", f"{service.name}: not checked ({host})",
            "no endpoint is known for it: azd printed none at deploy and no environment output names one",
        )
    answer = await asyncio.to_thread(http.get, url)
    if answer.status is not None and answer.status < 500:
        what = "sign-in in front of it" if answer.status in (401, 403) else "serving"
        return VerifyCheck(check_id, target, "pass", f"{service.name}: {host} answers",
                           f"{url} answered HTTP {answer.status} ({what})")
    why = f"HTTP {answer.status}" if answer.status is not None else (answer.error or "no answer")
    return VerifyCheck(
        check_id, target, "warn", f"{service.name}: {host} does not answer yet",
        f"{url}: {why}",
        f"a new deployment can take a few minutes to start; read its logs (azd monitor --logs, or the "
        f"{host}'s log stream in the portal), then verify again",
    )
