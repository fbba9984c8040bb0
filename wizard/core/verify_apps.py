"""What a Container App's own description says, before anything is asked over HTTP.

Placeholder image, ingress target port against the port the image listens on (read from its
Dockerfile), latest revision's health: the states in which waiting for an endpoint is pointless.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.ports import ContainerAppInfo
from wizard.core.verify_report import VerifyCheck

if TYPE_CHECKING:
    from wizard.core.project import Project, Service

PLACEHOLDER_MARKERS = (
    "containerapps-helloworld",
    "mcr.microsoft.com/azuredocs/",
    "mcr.microsoft.com/k8se/quickstart",
)
PLACEHOLDER_PORT = 80
RUNNING_STATES = {"running", "runningatmaxscale"}
STARTING_STATES = {"activating", "processing", "provisioning", "deprovisioning"}


def is_placeholder_image(image: str | None) -> bool:
    text = (image or "").lower()
    return any(marker in text for marker in PLACEHOLDER_MARKERS)


def listening_port(project: Project | None, service: Service | None) -> int | None:
    """The port the service's own image listens on, read from its Dockerfile (EXPOSE / --port)."""
    evidence = _port_evidence(project, service)
    return evidence[0] if evidence else None


def _port_evidence(project: Project | None, service: Service | None) -> tuple[int, str] | None:
    """(port, where it was read: "--port" in the command, or "EXPOSE", which only documents it)."""
    if project is None or service is None:
        return None
    base = (project.root / service.project).resolve()
    candidates = [base / (service.docker_path or "Dockerfile")]
    if service.docker_path:
        candidates.append((project.root / service.docker_path).resolve())
    for path in candidates:
        evidence = _port_from_dockerfile(path)
        if evidence is not None:
            return evidence
    return None


def _port_from_dockerfile(path: Path) -> tuple[int, str] | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    run_port = re.search(r"--port(?:[= ]+|\"\s*,\s*)\"?([0-9]{2,5})", text)  # shell or exec form
    if run_port:
        return int(run_port.group(1)), "--port"
    expose = re.search(r"(?im)^\s*EXPOSE\s+([0-9]{2,5})", text)
    return (int(expose.group(1)), "EXPOSE") if expose else None


def _revision_up_or_starting(app: ContainerAppInfo) -> bool:
    revision = app.latest_revision
    if revision is None:
        return False
    state = (revision.running_state or "").lower()
    return (revision.healthy and state in RUNNING_STATES) or state in STARTING_STATES


def deploy_fix(service: str) -> str:
    """The fix for every "provisioned but never deployed" symptom, worded once."""
    return f"run the deploy step: azd deploy {service} (or: deploy-wizard run --from deploy)"


def check_port(project: Project | None, service: Service, app: ContainerAppInfo, is_placeholder: bool) -> VerifyCheck:
    """Ingress target port vs. the image's port: a mismatch fails the startup probe silently."""
    target = f"service:{service.name}"
    check_id = f"port:{service.name}"
    title = f"{service.name}: ingress target port"
    if app.target_port is None:
        return VerifyCheck(check_id, target, "warn", title, f"{app.name} has no ingress: it cannot be reached from outside")
    evidence = (PLACEHOLDER_PORT, "placeholder") if is_placeholder else _port_evidence(project, service)
    if evidence is None:
        return VerifyCheck(check_id, target, "pass", title, f"target port {app.target_port} (the image's port could not be read)")
    listens, source = evidence
    if listens == app.target_port:
        return VerifyCheck(check_id, target, "pass", title, f"target port {app.target_port} = the port the app listens on")
    if is_placeholder:
        return VerifyCheck(
            check_id, target, "fail", f"{service.name}: port mismatch (80 vs {app.target_port})",
            f"ingress sends traffic to port {app.target_port}, where the application will listen, but the "
            f"placeholder image listens on port 80: the startup probe fails with 'connection refused' "
            f"until azd deploy replaces the image (expected after provision alone)",
            deploy_fix(service.name), kb_id="target-port-mismatch",
        )
    if source == "EXPOSE" and _revision_up_or_starting(app):
        # EXPOSE only documents a port (azd's own sample says 3000 and listens on 8080): with the
        # revision up or still starting there is no evidence of a mismatch, only of a stale EXPOSE
        return VerifyCheck(
            check_id, target, "warn", f"{service.name}: Dockerfile EXPOSE {listens}, ingress {app.target_port}",
            f"the Dockerfile says EXPOSE {listens} but ingress targets port {app.target_port}; EXPOSE only "
            f"documents a port and the revision is not failing, so the app may well listen on {app.target_port}",
            f"if the revision fails to start, make the ingress target_port {listens}; else correct the "
            f"Dockerfile's EXPOSE to {app.target_port}",
        )
    return VerifyCheck(
        check_id, target, "fail", f"{service.name}: port mismatch ({listens} vs {app.target_port})",
        f"the image listens on port {listens} (its Dockerfile) but ingress targets port {app.target_port}",
        f"make the infrastructure's ingress target_port {listens} (or the app listen on {app.target_port}), "
        "then azd provision and azd deploy",
        kb_id="target-port-mismatch",
    )


def check_revision(name: str, app: ContainerAppInfo, group: str, is_placeholder: bool) -> VerifyCheck:
    """The latest revision's health and running state, with the fix that fits why it is down."""
    target = f"service:{name}"
    check_id = f"revision:{name}"
    revision = app.latest_revision
    if revision is None:
        return VerifyCheck(check_id, target, "fail", f"{name}: no revision", f"{app.name} has no revision yet",
                           deploy_fix(name), kb_id="placeholder-image" if is_placeholder else None)
    state = (revision.running_state or "unknown")
    replicas = f"{revision.replicas} replica{'s' if revision.replicas != 1 else ''}"
    detail = f"{revision.name}: {state}, {'healthy' if revision.healthy else 'not healthy'}, {replicas}"
    running = state.lower() in RUNNING_STATES
    if revision.healthy and running:
        if revision.replicas == 0:
            return VerifyCheck(check_id, target, "warn", f"{name}: revision healthy, scaled to zero",
                               detail + " (the first request wakes it up, slowly)")
        return VerifyCheck(check_id, target, "pass", f"{name}: revision healthy and running", detail)
    if state.lower() in STARTING_STATES:
        return VerifyCheck(check_id, target, "warn", f"{name}: revision still starting", detail,
                           "wait a minute and verify again (deploy-wizard verify)")
    if is_placeholder:
        fix = deploy_fix(name)
        detail += " (expected with the placeholder image: nothing answers on the target port)"
        kb = "startup-probe-failed"
    else:
        fix = f"read the container logs: az containerapp logs show -n {app.name} -g {group} --type console"
        kb = "startup-probe-failed"
    return VerifyCheck(check_id, target, "fail", f"{name}: revision not healthy", detail, fix, kb_id=kb)
