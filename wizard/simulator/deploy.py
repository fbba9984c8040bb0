"""`azd deploy` against the simulated cloud: services found by their `azd-service-name` tag.

Current (>= 1.25) format: one `  <svc>: <Phase>` line per phase event; legacy format (pre-1.25,
DEPLOY_WIZARD_SIM_FORMAT=legacy): `Deploying service X` sections with `(✓) Done:` lines.
Targets are the Container Apps and the sites (App Service, Functions, Static Web Apps) provision
created; each host prints its own progress details (azd's `NewServiceProgress` strings). A service
whose resource lacks the tag fails with azd's real error chain.
"""

from __future__ import annotations

import time
from typing import Any

from wizard.simulator.console import duration_text, go_duration
from wizard.simulator.sim import Sim, hook_stop, require_login, run_sim_hook

# host -> (Packaging details, Publishing details, Deploying details), azd's `NewServiceProgress` strings
PROGRESS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "containerapp": ((), ("Pushing container image",), ("Updating container app revision", "Fetching endpoints for service")),
    "appservice": (("Compressing deployment artifacts",), (), ("Fetching endpoints for app service",)),
    "function": (("Compressing deployment artifacts",), (), ("Uploading deployment package",
                                                             "Fetching endpoints for function app")),
    "aks": ((), ("Pushing container image",), ("Applying k8s manifests", "Verifying deployment",
                                              "Fetching endpoints for AKS service")),
    "staticwebapp": ((), (), ("Retrieving deployment token", "swa cli deploy", "Verifying deployment",
                              "Fetching endpoints for static web app")),
}
REMOTE_BUILD = ("Packing remote build context", "Uploading remote build context", "Running remote build")
TAG_MISSING = (
    "resource not found: unable to find a resource tagged with 'azd-service-name: {svc}'. Ensure the service "
    "resource is correctly tagged in your infrastructure configuration, and rerun provision"
)


def _service_hooks(sim: Sim, service: str, events: tuple[str, ...], when: str) -> str | None:
    """Run the service's `pre`/`post` hooks of `events` in the sandbox; the error chain if one stops azd."""
    for event in events:
        message = hook_stop(sim, f"{when}{event}", service)
        if message is not None:
            verb = {"restore": "restoring", "build": "building", "package": "packaging", "publish": "publishing",
                    "deploy": "deploying"}[event]
            return f"{verb} service {service}: {message}"
    return None


def deploy(sim: Sim, only: str | None = None) -> int:
    c = sim.console
    if (code := require_login(sim)) is not None:
        return code
    services = [s for s in sim.project.services if only in (None, s.name) and s.enabled(sim.values)]
    if only and not services:
        return c.error(f"service name '{only}' doesn't exist")
    if (code := run_sim_hook(sim, "predeploy")) is not None:  # the command's hooks wrap it, as azd's middleware does
        return code
    c.line()
    c.line("Deploying services (azd deploy)")
    c.line()
    state = sim.cloud.read()
    provisioned = bool(sim.values.get("AZURE_RESOURCE_GROUP")) or any(
        (rg.get("tags") or {}).get("azd-env-name") == sim.env for rg in state["resource_groups"].values())
    if not sim.values.get("AZURE_SUBSCRIPTION_ID") or not provisioned:
        return c.error("infrastructure has not been provisioned",
                       "Run 'azd provision' to provision the infrastructure, then run 'azd deploy' again.")
    targets = [*({**a, "host": "containerapp", "url": f"https://{a['fqdn']}/"} for a in state["apps"].values()),
               *state.get("sites", {}).values()]
    found = {s.name: _target(s, targets) for s in services}
    if sim.legacy:
        return _deploy_legacy(sim, services, found)
    errors: list[str] = []
    failed: set[str] = set()

    def fail(name: str, chain: str, suffix: str = "") -> None:
        """azd's `Failed (chain)` row; the service goes no further and the command fails."""
        c.line(f"  {name}: Failed ({chain}){suffix}")
        errors.append(chain)
        failed.add(name)

    for s in services:
        c.line(f"  {s.name}: Packaging")
        chain = None
        for event in ("restore", "build"):  # packaging builds first, which restores first
            chain = chain or _service_hooks(sim, s.name, (event,), "pre") or _service_hooks(sim, s.name, (event,), "post")
        chain = chain or _service_hooks(sim, s.name, ("package",), "pre")
        if chain is None:
            for detail in _progress(found[s.name], s)[0]:
                c.line(f"  {s.name}: Packaging ({detail})")
            c.wait(2)
            chain = _service_hooks(sim, s.name, ("package",), "post")
        if chain:
            fail(s.name, chain)
    started = c.sim_clock  # azd counts elapsed time from the first phase after packaging

    def stamp() -> str:
        elapsed = c.sim_clock - started
        return f" [{go_duration(elapsed)}]" if elapsed >= 1 else ""

    for s in services:
        if s.name in failed:
            continue
        if found[s.name] is None:
            c.wait(3)
            fail(s.name, f"publishing service {s.name}: getting target resource: {TAG_MISSING.format(svc=s.name)}",
                 stamp())
            continue
        c.line(f"  {s.name}: Publishing")  # real azd 1.31.2 prints no elapsed time while publishing
        chain = _service_hooks(sim, s.name, ("publish",), "pre")
        if chain is None:
            for detail in _progress(found[s.name], s)[1]:
                c.line(f"  {s.name}: Publishing ({detail})")
                c.wait(3)
            chain = _service_hooks(sim, s.name, ("publish",), "post")
        if chain:
            fail(s.name, chain, stamp())
    if sim.scenario == "hang":
        while True:
            time.sleep(3600)
    endpoints: list[str] = []
    for s in services:
        target = found[s.name]
        if target is None or s.name in failed:
            continue
        c.wait(25)
        c.line(f"  {s.name}: Deploying{stamp()}")
        if chain := _service_hooks(sim, s.name, ("deploy",), "pre"):
            fail(s.name, chain, stamp())
            continue
        for detail in _progress(target, s)[2]:
            c.line(f"  {s.name}: Deploying ({detail}){stamp()}")
            c.wait(0.3)
        _ship(sim, s.name, target)
        if chain := _service_hooks(sim, s.name, ("deploy",), "post"):
            fail(s.name, chain, stamp())
            continue
        c.line(f"  {s.name}: Done{stamp()}")
        endpoints.append(f"- Endpoint: {target['url'].rstrip('/')}/ ")
    for line in endpoints:
        c.line(line)
    if errors:
        return c.error(errors[0])
    if (code := run_sim_hook(sim, "postdeploy")) is not None:
        return code
    c.line()
    c.line()
    c.line(f"SUCCESS: Your application was deployed to Azure in {duration_text(c.sim_clock)}.")
    group = sim.values.get("AZURE_RESOURCE_GROUP") or next(
        (t["resource_group"] for t in found.values() if t is not None), "")
    for line in sim.portal_rg(group):
        c.line(line)
    c.result({"timestamp": "", "services": {s.name: {"artifacts": []} for s in services}})
    return 0


def _target(service: Any, targets: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The resource azd deploys `service` to: by its tag; an AKS service goes to the environment's cluster."""
    if service.host == "aks":
        return next((t for t in targets if t.get("host") == "aks"), None)
    return next((t for t in targets if (t.get("tags") or {}).get("azd-service-name") == service.name), None)


def _progress(target: dict[str, Any] | None, service: Any) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    host = (target or {}).get("host", "containerapp")
    package, publish, deploy_ = PROGRESS.get(host, PROGRESS["containerapp"])
    if host == "containerapp" and getattr(service, "remote_build", False):
        publish = REMOTE_BUILD
    return package, publish, deploy_


def _deploy_legacy(sim: Sim, services: list[Any], found: dict[str, Any]) -> int:
    c = sim.console
    for s in services:
        app = found[s.name]
        c.line(f"Deploying service {s.name}")
        if app is None:
            c.line(f"  (x) Failed: Deploying service {s.name}")
            return c.error(f"failed deploying service '{s.name}': getting target resource: "
                           + TAG_MISSING.format(svc=s.name))
        c.wait(10)
        c.line(f"Packaging service {s.name} (Building Docker image)")
        c.wait(10)
        c.line(f"Publishing service {s.name} (Pushing container image)")
        if sim.scenario == "hang":
            while True:
                time.sleep(3600)
        c.wait(20)
        c.line(f"Deploying service {s.name} ({_progress(app, s)[2][0]})")
        _ship(sim, s.name, app)
        c.line(f"  (✓) Done: Deploying service {s.name}")
        c.line(f"  - Endpoint: {app['url'].rstrip('/')}/ ")
        c.line()
    c.line(f"SUCCESS: Your application was deployed to Azure in {duration_text(c.sim_clock)}.")
    return 0


def _ship(sim: Sim, service: str, target: dict[str, Any]) -> None:
    stamp = int(time.time())
    if target.get("host", "containerapp") != "containerapp":  # a site: the package lands, no image
        with sim.cloud.edit() as state:
            site = state.get("sites", {}).get(target["name"])
            if site is not None:
                site["deployed"] = stamp
        return
    app_name = target["name"]
    with sim.cloud.edit() as state:
        registry = sim.values.get("AZURE_CONTAINER_REGISTRY_ENDPOINT") or _registry_server(state) or f"cr{sim.token}.azurecr.io"
        image = f"{registry}/{sim.project.name}/{service}-{sim.env}:azd-deploy-{stamp}"
        app = state["apps"][app_name]
        app["image"] = image
        for revision in app["revisions"]:
            revision["active"] = False
            revision["traffic_weight"] = 0
        app["revisions"].append({"name": f"{app_name}--azd-{stamp}", "active": True, "healthy": True,
                                 "running_state": "Running", "replicas": 1, "traffic_weight": 100})
    key = "SERVICE_" + service.upper().replace("-", "_").replace(" ", "_") + "_IMAGE_NAME"
    sim.save_values({key: image})


def _registry_server(state: dict[str, Any]) -> str | None:
    """The login server of the registry provision created (azd pushes there without the output too)."""
    for group in state["resource_groups"].values():
        for res in group["resources"]:
            if res["type"] == "Microsoft.ContainerRegistry/registries":
                return f"{res['name']}.azurecr.io"
    return None
