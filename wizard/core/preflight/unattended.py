"""Unattended hooks: the azd env values that stop the accelerator's hooks from prompting (and then
dying on closed stdin). Which values matter is read from the hook scripts; the table is data.py."""

from __future__ import annotations

import json
import re
from typing import Any

from wizard.core.preflight.common import HookScripts, hook_scripts
from wizard.core.preflight.data import UNATTENDED
from wizard.core.preflight.model import FAIL, PASS, SKIP, WARN, InputSpec, Outcome, PreflightContext

TRUE_FLAGS = ("TF_INIT_SKIP_INTERACTIVE", "LOCAL_STATE", "AZD_SKIP_INTERACTIVE")
DEFAULT_LOCATION = "eastus2"


def _set(values: dict[str, str], key: str) -> bool:
    value = (values.get(key) or "").strip()
    if key in TRUE_FLAGS:
        return value.lower() == "true"
    return bool(value)


def group_met(group: dict[str, Any], values: dict[str, str]) -> bool:
    alternatives = list(group["any_of"])
    if group["id"] == "state":
        alternatives.append(("AZD_SKIP_INTERACTIVE",))  # CI mode: the script answers Y itself
    return any(all(_set(values, k) for k in keys) for keys in alternatives)


def applicable_groups(scripts: HookScripts) -> list[dict[str, Any]]:
    text = scripts.code_text()
    return [g for g in UNATTENDED if any(re.search(rf"\b{m}\b", text) for m in g["mentions"])]


def tfvars_location(ctx: PreflightContext) -> str | None:
    if not ctx.env:
        return None
    path = ctx.project.infra_dir / "params" / f"main.tfvars.{ctx.env}.json"
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("location")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


def unmet(ctx: PreflightContext, scripts: HookScripts) -> list[dict[str, Any]]:
    """Groups whose prompt would block or die on a closed stdin (timed menus skip themselves)."""
    out = []
    for group in applicable_groups(scripts):
        if group["severity"] == "timed" or group_met(group, ctx.env_values):
            continue
        if group["id"] == "location" and tfvars_location(ctx):
            continue  # preprovision falls back to params/main.tfvars.<env>.json
        out.append(group)
    return out


def input_specs(ctx: PreflightContext, groups: list[dict[str, Any]]) -> list[InputSpec]:
    specs = []
    for group in groups:
        for key, prompt, default in group["inputs"]:
            if default == "@location":
                default = ctx.location or tfvars_location(ctx) or DEFAULT_LOCATION
            choices = ("remote", "local") if key == "STATE_MODE" else ()
            specs.append(InputSpec(key, prompt, default, choices))
    return specs


def env_updates(answers: dict[str, str], specs: list[InputSpec]) -> tuple[dict[str, str], list[str]]:
    """azd env values to write for the answers (defaults filled in), and any answer errors."""
    updates: dict[str, str] = {}
    errors: list[str] = []
    for spec in specs:
        value = (answers.get(spec.key) or spec.default or "").strip()
        if spec.key == "STATE_MODE":
            if value.lower() in ("local", "n", "no"):
                updates["LOCAL_STATE"] = "true"
            elif value.lower() in ("remote", "y", "yes", ""):
                updates["TF_INIT_SKIP_INTERACTIVE"] = "true"
            else:
                errors.append(f"STATE_MODE must be remote or local, not {value!r}")
        elif spec.key == "PREFLIGHT_LIVE_CHECKS":
            if value.lower() not in ("true", "false"):
                errors.append(f"{spec.key} must be true or false, not {value!r}")
            else:
                updates[spec.key] = value.lower()
        elif value:
            updates[spec.key] = value
        else:
            errors.append(f"{spec.key} needs a value")
    return updates, errors


async def check_unattended(ctx: PreflightContext) -> Outcome:
    if not ctx.project.hooks:
        return Outcome(SKIP, "the project has no hooks")
    scripts = await hook_scripts(ctx)
    groups = applicable_groups(scripts)
    if not groups:
        return Outcome(PASS, "the hooks read none of the known prompt-avoiding values")
    if not ctx.env:
        return Outcome(SKIP, "no environment yet; these values are checked once it exists")
    missing = unmet(ctx, scripts)
    if not missing:
        answered = [g["id"] for g in groups if g["severity"] != "timed"]
        timed = [g["id"] for g in groups if g["severity"] == "timed"]
        parts = [f"{len(answered)} prompt(s) pre-answered: {', '.join(answered)}"] if answered else []
        if timed:
            parts.append(f"timed menus that skip themselves on a closed stdin: {', '.join(timed)}")
        return Outcome(PASS, "; ".join(parts))
    status = FAIL if any(g["severity"] == "fail" for g in missing) else WARN
    detail = "; ".join(str(g["why"]) for g in missing)
    specs = input_specs(ctx, missing)
    updates, _ = env_updates({}, specs)
    fix = "\n".join(f"azd env set {k} {v}" for k, v in updates.items())
    return Outcome(status, detail, fix, data=[g["id"] for g in missing])


__all__ = ["check_unattended", "env_updates", "input_specs", "unmet"]
