"""Target names (`resource:` / `service:` / `hook:`) and the target an azd error chain blames.

Pure functions over strings, so `explain` and the tests can name targets without a parser.
"""

from __future__ import annotations

from wizard.core.azd_chain import hook_step
from wizard.core.parse.patterns import (
    _CHAIN_SVC_RE,
    _CMDHOOK_RE,
    _COMMAND_STEPS,
    _HOOK_FAIL_RE,
    _STEP_CMD_RE,
    _STEP_PROVISION_RE,
    _STEP_SVC_RE,
    _TAG_SVC_RE,
    _TF_ADDR_PARTS_RE,
    _TIMEOUT_SVC_RE,
)


def tf_target(address: str) -> str:
    """`module.a.azurerm_x.y["k"]` -> `resource:azurerm_x/module.a.y["k"]`."""
    m = _TF_ADDR_PARTS_RE.match(address)
    if not m:
        return f"resource:{address}"
    return f"resource:{m['data'] or ''}{m['type']}/{m['mod']}{m['name']}"


def service_target(name: str) -> str:
    return f"service:{name}"


def hook_target(name: str, service: str | None = None) -> str:
    return f"hook:{service}/{name}" if service else f"hook:{name}"


def chain_target(message: str) -> tuple[str | None, str | None]:
    """The target an azd error chain names, and the step it implies (provision/deploy/None)."""
    service = None
    step_hint = None
    m = _STEP_SVC_RE.search(message)
    if m:
        service, step_hint = m["svc"], "deploy"
    else:
        m = _TIMEOUT_SVC_RE.search(message) or _CHAIN_SVC_RE.search(message)
        if m:
            service, step_hint = m["svc"], "deploy"
    hook_m = _HOOK_FAIL_RE.search(message) or _CMDHOOK_RE.search(message)
    if hook_m:
        hook = hook_m["hook"]
        if service is None:
            step_hint = _hook_step(hook) or step_hint
        return hook_target(hook, service), step_hint
    if service is None:
        m = _TAG_SVC_RE.search(message)
        if m:
            service, step_hint = m["svc"], "deploy"
    if step_hint is None:
        m = _STEP_CMD_RE.search(message)
        if m:
            step_hint = _COMMAND_STEPS.get(m["cmd"])
        elif _STEP_PROVISION_RE.search(message) or "error deploying infrastructure" in message:
            step_hint = "provision"
    return (service_target(service) if service else None), step_hint


_hook_step = hook_step  # the step a hook belongs to: one table, azd_chain._HOOK_STEPS
