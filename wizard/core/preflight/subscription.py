"""Subscription: resource providers the infra needs, region availability and model quota."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from wizard.core.infra import InfraModel
from wizard.core.preflight.common import az_account, infra_facts, run_tool
from wizard.core.preflight.data import FLOOR_WHEN_ANY, PROVIDER_FLOOR, VOICE_LIVE_REGIONS
from wizard.core.preflight.model import FAIL, PASS, SKIP, WARN, Outcome, PreflightContext


def needed_namespaces(facts: InfraModel) -> list[str]:
    names = set(facts.namespaces)
    if names & set(FLOOR_WHEN_ANY):
        names |= set(PROVIDER_FLOOR)
    return sorted(names)


async def provider_states(ctx: PreflightContext, namespaces: list[str]) -> dict[str, str]:
    assert ctx.ports is not None and ctx.subscription
    port, sub = ctx.ports.providers, ctx.subscription

    async def one(ns: str) -> str:
        try:
            return await asyncio.to_thread(port.registration_state, sub, ns)
        except Exception as exc:
            return f"Unknown ({type(exc).__name__})"

    states = await asyncio.gather(*(one(ns) for ns in namespaces))
    return dict(zip(namespaces, states, strict=True))


async def check_providers(ctx: PreflightContext) -> Outcome:
    if ctx.ports is None:
        return Outcome(SKIP, "no Azure access for checks (sign in, or install the Azure SDK extras)")
    if not ctx.subscription:
        return Outcome(SKIP, "no subscription chosen yet")
    facts = await infra_facts(ctx)
    namespaces = needed_namespaces(facts)
    unknown_modules = [u.text(facts.root) for u in facts.unmodelled if "module" in u.what]
    if not facts.providers_complete and not namespaces:
        return Outcome(WARN, "cannot tell which resource providers the infra needs: "
                       + "; ".join(unknown_modules[:3]), "check the modules' resource types by hand")
    if not namespaces:
        return Outcome(PASS, "the infra needs no resource providers the wizard knows of")
    states = await provider_states(ctx, namespaces)
    unregistered = [ns for ns, st in states.items() if st.lower() in ("notregistered", "unregistered")]
    registering = [ns for ns, st in states.items() if st.lower() == "registering"]
    unknown = [f"{ns} ({st})" for ns, st in states.items() if st.lower().startswith("unknown")]
    if unregistered:
        evidence = "; ".join(f"{ns} (for {', '.join(facts.namespaces.get(ns, ['the accelerator floor'])[:2])})" for ns in unregistered)
        return Outcome(
            FAIL,
            f"{len(unregistered)} of {len(namespaces)} providers not registered: {evidence} — Terraform/ARM would fail "
            "with MissingSubscriptionRegistration",
            "\n".join(f"az provider register --namespace {ns}" for ns in unregistered),
            data=unregistered,
        )
    if registering or unknown:
        parts = []
        if registering:
            parts.append("still registering: " + ", ".join(registering))
        if unknown:
            parts.append("could not read: " + ", ".join(unknown))
        return Outcome(WARN, "; ".join(parts), "wait a few minutes, then re-run preflight", data=registering)
    if not facts.providers_complete:
        return Outcome(WARN, f"{len(namespaces)} providers registered; cannot tell what else these modules need: "
                       + "; ".join(unknown_modules[:3]), "check the modules' resource types by hand")
    return Outcome(PASS, f"{len(namespaces)} providers registered")


async def check_region(ctx: PreflightContext) -> Outcome:
    location = ctx.location
    if not ctx.env:
        return Outcome(SKIP, "no environment yet")
    if not location:
        return Outcome(SKIP, "AZURE_LOCATION is not set (see hooks.unattended)")
    notes: list[str] = []
    warnings: list[str] = []
    if ctx.ports is not None and ctx.subscription:
        try:
            locs = await asyncio.to_thread(ctx.ports.subscriptions.list_locations, ctx.subscription)
        except Exception as exc:
            notes.append(f"could not list regions ({type(exc).__name__})")
        else:
            names = {loc.name.lower() for loc in locs}
            if names and location.lower() not in names:
                warnings.append(f"{location} is not among the {len(names)} regions subscription {ctx.subscription} offers")
            elif names:
                notes.append(f"{location} offered by the subscription")
    facts = await infra_facts(ctx)
    if "voice_live_location" in facts.variables and location.lower() not in VOICE_LIVE_REGIONS:
        notes.append(
            f"Voice Live is not offered in {location} (only {', '.join(VOICE_LIVE_REGIONS)}); Terraform deploys a second "
            "AI Foundry in voice_live_location"
        )
    if warnings:
        return Outcome(WARN, "; ".join(warnings + notes), "pick another region: azd env new <name> --location eastus2")
    return Outcome(PASS, "; ".join(notes) or location)


def usage_rows(out: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(out[out.find("[") :] if "[" in out else out)
    except ValueError:
        return []
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


def quota_shortfalls(models: list[dict[str, object]], rows: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    by_name: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = row.get("name")
        key = name.get("value") if isinstance(name, dict) else name
        if isinstance(key, str):
            by_name[key.lower()] = row
    short: list[str] = []
    ok: list[str] = []
    for model in models:
        sku, name = str(model.get("sku_name", "Standard")), str(model.get("name"))
        try:
            need = float(str(model.get("capacity", 0)))
        except ValueError:
            need = 0.0
        found = by_name.get(f"openai.{sku}.{name}".lower())
        if found is None:
            short.append(f"{name} ({sku}): no quota entry in this region (model or SKU may not be offered); needs {need:g}")
            continue
        limit, used = float(found.get("limit") or 0), float(found.get("currentValue") or 0)
        free = limit - used
        line = f"{name} ({sku}): {free:g} free of {limit:g} (used {used:g}), needs {need:g}"
        (short if free < need else ok).append(line)
    return short, ok


async def check_quota(ctx: PreflightContext) -> Outcome:
    facts = await infra_facts(ctx)
    if not facts.models:
        return Outcome(SKIP, "the infra declares no model deployments")
    location = ctx.location
    if not location:
        return Outcome(SKIP, "AZURE_LOCATION is not set")
    account, why = await az_account(ctx)
    if account is None:
        return Outcome(SKIP, f"quota needs the az CLI ({why})")
    argv = ["az", "cognitiveservices", "usage", "list", "--location", location, "--output", "json"]
    if ctx.subscription:
        argv += ["--subscription", ctx.subscription]
    code, out = await run_tool(ctx, argv, 60)
    if code != 0:
        return Outcome(SKIP, f"could not read quota (az exit {code})")
    short, ok = quota_shortfalls([m.as_dict() for m in facts.models], usage_rows(out))
    if short:
        return Outcome(WARN, f"in {location}: " + "; ".join(short),
                       "request more quota (https://aka.ms/oai/quotaincrease), lower the capacity in "
                       "infra variables (model_deployments), or choose another region")
    return Outcome(PASS, f"in {location}: " + "; ".join(ok))


__all__ = ["check_providers", "check_quota", "check_region", "needed_namespaces", "FAIL"]
