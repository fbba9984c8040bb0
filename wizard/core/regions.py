"""Subscription and region choices with their reasons, best first, from preflight's own facts.

Regions: the ones the subscription offers; where the infra declares model deployments, the free
quota per region (`az cognitiveservices usage list`, as the quota check reads it) for the few
likeliest regions; Voice Live where the infra has a `voice_live_location`. Subscriptions: the
account's, azd's default first, each with its tenant.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from wizard.core.ports import AzurePorts, Location, Subscription
from wizard.core.project import Project

QUOTA_REGIONS = 8  # az calls per ranking (concurrent): the current, the preferred, then the first regions


@dataclass(frozen=True)
class RegionChoice:
    name: str
    display: str
    reasons: tuple[str, ...]
    ok: bool = True  # False: a known reason not to deploy here (no quota, model not offered)
    score: int = 0

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class SubscriptionChoice:
    subscription: Subscription
    tenant_name: str
    reason: str

    @property
    def label(self) -> str:
        tenant = self.tenant_name or self.subscription.tenant_id
        return f"{self.subscription.name} ({self.subscription.id[:8]}…) · {tenant}"


def subscription_choices(subs: list[Subscription], tenants: dict[str, str], default: str | None) -> list[SubscriptionChoice]:
    """Every subscription, the default first (azd's `defaults.subscription`, else the port's)."""
    def reason(sub: Subscription) -> str:
        if default and sub.id.lower() == default.lower():
            return "azd's default subscription (azd config defaults.subscription)"
        if sub.is_default:
            return "the account's default subscription"
        if len(subs) == 1:
            return "the only subscription of this account"
        return "another subscription of this account"

    ordered = sorted(subs, key=lambda s: (not (default and s.id.lower() == default.lower()), not s.is_default, s.name.lower()))
    return [SubscriptionChoice(s, tenants.get(s.tenant_id, ""), reason(s)) for s in ordered]


def _infra(project: Project) -> Any:
    from wizard.core.infra import read_infra

    return read_infra(project)


async def rank_regions(
    project: Project,
    ports: AzurePorts,
    tools: Any,
    subscription: str,
    *,
    current: str | None = None,
) -> list[RegionChoice]:
    """The subscription's regions, best first, each with why."""
    from wizard.core.preflight.data import VOICE_LIVE_REGIONS
    from wizard.core.preflight.subscription import quota_shortfalls, usage_rows

    locations: list[Location] = await asyncio.to_thread(ports.subscriptions.list_locations, subscription)
    facts = await asyncio.to_thread(_infra, project)
    voice = "voice_live_location" in facts.variables
    preferred = [r for r in (current, *VOICE_LIVE_REGIONS) if r]
    names = [loc.name for loc in locations]
    candidates = list(dict.fromkeys([r for r in preferred if r in names] + names))[:QUOTA_REGIONS]
    quota: dict[str, tuple[list[str], list[str]]] = {}
    if facts.models and tools is not None and tools.which("az") is not None:

        async def usage(region: str) -> None:
            argv = ["az", "cognitiveservices", "usage", "list", "--location", region, "--subscription", subscription, "--output", "json"]
            try:
                code, out = await tools.run(argv, 60)
            except Exception:  # a missing az or a timeout: quota unknown there
                return
            if code == 0:
                quota[region] = quota_shortfalls([m.as_dict() for m in facts.models], usage_rows(out))

        await asyncio.gather(*(usage(r) for r in candidates))
    choices = []
    for loc in locations:
        reasons: list[str] = []
        score, ok = 0, True
        if loc.name in quota:
            short, fine = quota[loc.name]
            if short:
                ok, score = False, score - 10
                reasons.append("not enough model quota: " + "; ".join(short))
            else:
                score += 4
                reasons.append("model quota ok: " + "; ".join(fine))
        elif facts.models:
            reasons.append("model quota not checked here")
        if voice:
            if loc.name in VOICE_LIVE_REGIONS:
                score += 2
                reasons.append("Voice Live offered")
            else:
                reasons.append("no Voice Live here (a second AI Foundry goes to voice_live_location)")
        if loc.name == current:
            score += 1
            reasons.append("the current choice")
        if not reasons:
            reasons.append("offered by the subscription")
        choices.append(RegionChoice(loc.name, loc.display_name, tuple(reasons), ok, score))
    order = {name: i for i, name in enumerate(names)}
    return sorted(choices, key=lambda c: (not c.ok, -c.score, order[c.name]))
