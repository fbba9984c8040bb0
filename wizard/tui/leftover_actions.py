"""What the teardown screen does besides `azd down`: read leftovers, clean one, remove the local env.

Thin glue over `wizard.core.teardown` (plan_teardown, remove_local_environment) and
`wizard.core.leftovers` (find_leftovers, cleanup). Everything that touches Azure runs in a thread (the SDK blocks).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from wizard.core.leftovers import Leftover, Leftovers, Unchecked, cleanup, find_leftovers
from wizard.core.ports import IncompleteListing
from wizard.core.teardown import plan_teardown

KIND_TITLES = {
    "resource-group": "resource group still there",
    "state-rg": "terraform state resource group",
    "soft-deleted": "soft-deleted account",
    "phone-number": "phone number",
    "easyauth-app": "EasyAuth app registration",
}


@dataclass
class TeardownContext:
    """The environment's values as they were before `azd down` (down removes its outputs)."""

    env: str
    values: dict[str, str]
    ports: Any


def leftovers_from_facts(items: list[dict[str, Any]]) -> list[Leftover]:
    """The engine's `facts['leftovers']` back as Leftover objects (soft-deleted resources are
    looked up again when cleaned: the record keeps only their names)."""
    found = []
    for item in items:
        found.append(
            Leftover(
                kind=str(item.get("kind") or ""),
                name=str(item.get("name") or ""),
                detail=str(item.get("detail") or ""),
                confirm=str(item.get("confirm") or item.get("name") or ""),
                manual_command=item.get("manual_command"),
            )
        )
    return found


def unchecked_from_facts(items: list[dict[str, Any]]) -> list[Unchecked]:
    """The engine's `facts['unchecked']` (lookups that could not run or failed) back as objects."""
    return [Unchecked(str(i.get("what") or ""), str(i.get("why") or ""), str(i.get("command") or "")) for i in items]


async def read_plan(engine: Any, env: str) -> tuple[Any, Leftovers]:
    """The teardown plan and, when there is nothing to delete, what is still left behind."""
    values = dict(engine.env_values)
    plan = await asyncio.to_thread(plan_teardown, engine.project, env, values, engine.ports)
    leftovers = Leftovers([])
    if plan.nothing_to_delete:
        numbers = await list_numbers(values, engine.ports)
        leftovers = await asyncio.to_thread(lambda: find_leftovers(values, engine.ports, numbers, env=env))
    return plan, leftovers


async def list_numbers(values: dict[str, str], ports: Any) -> list[str]:
    endpoint = values.get("ACS_ENDPOINT")
    if not endpoint or ports is None:
        return []
    try:
        numbers = await asyncio.to_thread(lambda: ports.phone_numbers_for(endpoint).list_numbers())
    except Exception:  # the ACS resource is gone with its group: nothing to list
        return []
    return [n.number for n in numbers]


def what_happens(leftover: Leftover) -> str:
    return {
        "resource-group": f"Delete resource group {leftover.name} and everything in it: azd down left it behind.",
        "state-rg": f"Delete resource group {leftover.name} and the terraform state in it. "
        "Terraform can no longer see what it created for this environment.",
        "soft-deleted": f"Purge {leftover.name} permanently: it cannot be recovered, and its name is free again.",
        "phone-number": f"Release {leftover.name}: billing stops, and the number cannot be bought back.",
        "easyauth-app": "The wizard cannot delete app registrations: run the command below yourself.",
    }.get(leftover.kind, f"Clean up {leftover.name}.")


def clean_leftover(leftover: Leftover, ctx: TeardownContext, typed: str) -> str:
    """Blocking: clean one leftover after its typed confirmation (core `cleanup` checks it again)."""
    if ctx.ports is None:
        raise ValueError("no Azure access: clean it up in the portal or with the Azure CLI")
    if leftover.kind == "soft-deleted" and leftover.resource is None:
        try:
            listed = ctx.ports.resources.list_soft_deleted(None)
        except IncompleteListing as partial:  # the other kinds' lists do not matter here
            listed = partial.found
        resource = next((r for r in listed if r.name == leftover.name), None)
        if resource is None:
            return f"{leftover.name} is no longer soft-deleted: nothing to purge"
        leftover = Leftover(leftover.kind, leftover.name, leftover.detail, leftover.confirm, leftover.manual_command, resource)
    return cleanup(leftover, ctx.ports, typed=typed, phone_endpoint=ctx.values.get("ACS_ENDPOINT"))
