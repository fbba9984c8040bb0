"""Sign-in: azd's token (JSON status, not the always-0 exit code), az's account, and whether both
point at the environment's tenant and subscription."""

from __future__ import annotations

import asyncio

from wizard.core.preflight.common import az_account, hook_scripts
from wizard.core.preflight.model import FAIL, PASS, SKIP, WARN, Outcome, PreflightContext


async def check_azd_login(ctx: PreflightContext) -> Outcome:
    try:
        status = await ctx.azd.auth_status()
    except Exception as exc:  # AzdError: azd missing or gave no JSON
        return Outcome(SKIP, f"could not ask azd: {exc}")
    state = str(status.get("status", "")).lower()
    tenant = ctx.env_values.get("AZURE_TENANT_ID")
    login = "azd auth login" + (f" --tenant-id {tenant}" if tenant else "")
    if state in ("success", "authenticated"):
        who = status.get("email") or status.get("clientId") or ""
        expires = status.get("expiresOn")
        detail = "signed in" + (f" as {who}" if who else "") + (f" (token until {expires})" if expires else "")
        return Outcome(PASS, detail)
    if state == "unauthenticated":
        return Outcome(
            FAIL,
            "azd is not signed in (provision and deploy stop at once)",
            f"deploy-wizard login (o in the wizard), or yourself: {login}   (add --use-device-code when no browser is available)",
        )
    return Outcome(WARN, f"azd reported an unknown sign-in status {state!r}", login)


async def check_az_login(ctx: PreflightContext) -> Outcome:
    from wizard.core.preflight.tools import needs

    needed = "az" in await needs(ctx)
    if ctx.tools.which("az") is None:
        return Outcome(SKIP, "az is not installed" + (" (see tools.az)" if needed else "; the project does not use it"))
    account, why = await az_account(ctx)
    if account is None:
        tenant = ctx.env_values.get("AZURE_TENANT_ID")
        fix = "az login" + (f" --tenant {tenant}" if tenant else "")
        sub = ctx.subscription
        if sub:
            fix += f"; az account set --subscription {sub}"
        if needed:
            fix = f"deploy-wizard login (signs in az too), or yourself: {fix}"
        return Outcome(FAIL if needed else WARN, f"az CLI is not signed in ({why})", fix)
    user = (account.get("user") or {}).get("name", "")
    return Outcome(PASS, f"{user or 'signed in'} · {account.get('name', '')} ({account.get('id', '')})")


async def check_same_account(ctx: PreflightContext) -> Outcome:
    env_sub = ctx.subscription
    if not ctx.env or not env_sub:
        return Outcome(SKIP, "no environment subscription chosen yet")
    notes: list[str] = []
    problems: list[str] = []
    fixes: list[str] = []
    serious = False
    env_tenant = ctx.env_values.get("AZURE_TENANT_ID")
    unchecked: str | None = None  # why azd's view could not be checked: then this is no pass
    # azd's view: can azd's credential see the environment's subscription?
    if ctx.ports is None:
        unchecked = "no Azure access (sign in, or install the Azure SDK extras)"
    else:
        try:
            subs = await asyncio.to_thread(ctx.ports.subscriptions.list_subscriptions)
        except Exception as exc:
            unchecked = f"listing azd's subscriptions failed: {_short(exc)}"
        else:
            match = next((s for s in subs if s.id.lower() == env_sub.lower()), None)
            if match is None:
                problems.append(f"azd's sign-in cannot see subscription {env_sub}")
                serious = True
                fixes.append(f"azd auth login --tenant-id <tenant of {env_sub}>")
            else:
                env_tenant = env_tenant or match.tenant_id or None
                notes.append(f"azd sees {match.name or env_sub}")
    account, _why = await az_account(ctx)
    scripts = await hook_scripts(ctx)
    hooks_use_az = scripts.mentions("az")
    if account is not None:
        az_sub, az_tenant = str(account.get("id", "")), str(account.get("tenantId", ""))
        if env_tenant and az_tenant and az_tenant.lower() != env_tenant.lower():
            problems.append(f"az is signed in to tenant {az_tenant}, the environment uses {env_tenant}")
            fixes.append(f"az login --tenant {env_tenant}")
            serious = serious or hooks_use_az
        if az_sub and az_sub.lower() != env_sub.lower():
            problems.append(
                f"az's active subscription is {az_sub}, the environment uses {env_sub}"
                + ("; the hooks would overwrite AZURE_SUBSCRIPTION_ID with az's" if hooks_use_az else "")
            )
            fixes.append(f"az account set --subscription {env_sub}")
            serious = serious or hooks_use_az
        if not problems:
            notes.append(f"az uses the same subscription{' and tenant' if env_tenant else ''}")
    else:
        notes.append("az not signed in; only azd compared")
    # facts for the fix planner (az account set) only when az itself points elsewhere
    data = {"subscription": env_sub, "tenant": env_tenant} if problems else None
    if unchecked is not None:  # not a pass: the check could not see what it checks
        problems.append(f"could not check that azd's sign-in sees subscription {env_sub} ({unchecked})")
        fixes.append(f"check by hand: az account show --subscription {env_sub} -o table (az signed in as azd is), "
                     "then run preflight again")
    if problems:
        detail = "; ".join(problems if data is not None else problems + notes)
        return Outcome(FAIL if serious else WARN, detail, "; ".join(fixes), data=data)
    return Outcome(PASS, "; ".join(notes) or f"subscription {env_sub}")


def _short(exc: BaseException) -> str:
    """An error as one bounded line: its type when it says nothing else."""
    lines = str(exc).strip().splitlines()
    text = lines[0][:200] if lines else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
