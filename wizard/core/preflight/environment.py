"""Existing environment: apps still on the placeholder image, and a missing phone number."""

from __future__ import annotations

import asyncio

from wizard.core.env_resources import env_resource_groups, provisioned
from wizard.core.phone import has_telephony
from wizard.core.preflight.common import hook_scripts
from wizard.core.preflight.data import PLACEHOLDER_IMAGES
from wizard.core.preflight.model import PASS, SKIP, WARN, Outcome, PreflightContext


async def _resource_groups(ctx: PreflightContext) -> list[str]:
    """The environment's groups, found as azd finds them (its tag; AZURE_RESOURCE_GROUP if set): a
    template need not output AZURE_RESOURCE_GROUP to be provisioned."""
    if not ctx.env or not provisioned(ctx.env_values):
        return []
    env = ctx.env
    return await ctx.blocking("env_groups", lambda: env_resource_groups(env, ctx.env_values, ctx.ports))


async def check_placeholder(ctx: PreflightContext) -> Outcome:
    try:
        groups = await _resource_groups(ctx)
    except Exception as exc:
        return Outcome(SKIP, f"could not look up the environment's resource groups ({type(exc).__name__})")
    if not groups:
        return Outcome(SKIP, "not provisioned yet")
    if ctx.ports is None:
        return Outcome(SKIP, "no Azure access to read the container apps")
    rg = ", ".join(groups)
    apps = []
    try:
        for group in groups:
            apps.extend(await asyncio.to_thread(ctx.ports.container_apps.list_apps, group))
    except Exception as exc:
        return Outcome(SKIP, f"could not list container apps in {rg} ({type(exc).__name__})")
    if not apps:
        return Outcome(PASS, f"no container apps in {rg}")
    placeholder = [a for a in apps if any(p in (a.image or "") for p in PLACEHOLDER_IMAGES)]
    if placeholder:
        names = ", ".join(f"{a.service_name or a.name} ({a.image})" for a in placeholder)
        return Outcome(
            WARN,
            f"provisioned, not deployed: {names} still run the placeholder image. Deploy is next; until then "
            "`startup probe failed: connection refused` is expected (the placeholder listens on port 80)",
            "deploy-wizard run --from deploy   (or: azd deploy)",
        )
    return Outcome(PASS, f"{len(apps)} app(s) run deployed images")


async def check_phone(ctx: PreflightContext) -> Outcome:
    values = ctx.env_values
    if not await ctx.blocking("telephony", lambda: has_telephony(ctx.project, values)):
        return Outcome(SKIP, "the project has no telephony")
    try:
        groups = await _resource_groups(ctx)
    except Exception as exc:
        return Outcome(SKIP, f"could not look up the environment's resource groups ({type(exc).__name__})")
    if not groups:
        return Outcome(SKIP, "not provisioned yet")
    scripts = await hook_scripts(ctx)
    uses_acs = bool(values.get("ACS_ENDPOINT") or values.get("ACS_RESOURCE_ID")) or scripts.mentions("ACS_SOURCE_PHONE_NUMBER")
    if not uses_acs:
        return Outcome(SKIP, "the project has no Azure Communication Services")
    number = values.get("ACS_SOURCE_PHONE_NUMBER")
    if number:
        return Outcome(PASS, f"phone number {number}")
    return Outcome(
        WARN,
        "no phone number (ACS_SOURCE_PHONE_NUMBER): telephony will be disabled (`ACS TELEPHONY DISABLED`); "
        "browser voice still works",
        "deploy-wizard phone +1XXXXXXXXXX   (buy one in the Portal: Communication Services → Phone numbers)",
    )
