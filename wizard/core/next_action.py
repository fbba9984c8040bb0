"""The one next action after a first-time failure: sign in, install a tool, pick another region,
or fix the check. The TUI puts it on a key, `--plain` prints its command.

Which failure leads to which action is data (the two tables below), keyed by the knowledge-base
entry of a diagnosed azd failure, or by the preflight check that failed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wizard.core.events import Failure

SIGN_IN, INSTALL, PICK_REGION, FIX_CHECK = "sign-in", "install", "pick-region", "fix-check"

# knowledge-base entry id -> action (azd, terraform and hook failures)
BY_KB: dict[str, str] = {
    "not-logged-in": SIGN_IN,
    "az-not-logged-in": SIGN_IN,
    "wrong-tenant": SIGN_IN,
    "insufficient-quota": PICK_REGION,
    "region-not-available": PICK_REGION,
    "terraform-missing": INSTALL,
    "terraform-too-old": INSTALL,
    "jq-missing": INSTALL,
    "docker-unavailable": INSTALL,
}
# preflight check id (or its family, `tools.*`) -> action; other fixable checks: FIX_CHECK
BY_CHECK: dict[str, str] = {
    "signin.azd": SIGN_IN,
    "signin.az": SIGN_IN,
    "signin.match": SIGN_IN,
    "tools.*": INSTALL,
    "subscription.region": PICK_REGION,
    "subscription.quota": PICK_REGION,
}
# the tool a knowledge-base entry is about (for INSTALL)
KB_TOOL: dict[str, str] = {
    "terraform-missing": "terraform",
    "terraform-too-old": "terraform",
    "jq-missing": "jq",
    "docker-unavailable": "docker",
}
LABELS = {
    SIGN_IN: "Sign in",
    INSTALL: "Install {tool}",
    PICK_REGION: "Pick another region",
    FIX_CHECK: "Fix the check",
}


@dataclass(frozen=True)
class NextAction:
    id: str  # sign-in | install | pick-region | fix-check
    label: str  # "Sign in", "Install terraform"
    command: str  # the same on the command line: `deploy-wizard login`, the install command, …
    tool: str | None = None  # INSTALL: which tool
    check: str | None = None  # the preflight check it came from


def _check_of(failure: Failure) -> str | None:
    target = failure.target or ""
    return target.partition(":")[2] if target.startswith("check:") else None


def action_for_check(check_id: str) -> str | None:
    return BY_CHECK.get(check_id) or BY_CHECK.get(check_id.split(".")[0] + ".*")


def next_action(failure: Failure | None, *, env: str | None = None, fixable: bool = False,
                platform: str | None = None) -> NextAction | None:
    """The next action for `failure` (None when the table has none: retry, or read the fix)."""
    if failure is None:
        return None
    check = _check_of(failure)
    kind = action_for_check(check) if check else BY_KB.get(failure.kb_id or "")
    if kind is None and check and fixable:
        kind = FIX_CHECK
    if kind is None:
        return None
    tool = None
    if kind == INSTALL:
        tool = check.split(".", 1)[1] if check else KB_TOOL.get(failure.kb_id or "")
    return NextAction(kind, LABELS[kind].format(tool=tool or "the tool"), _command(kind, tool, env, platform), tool, check)


def _command(kind: str, tool: str | None, env: str | None, platform: str | None) -> str:
    from wizard.core.preflight.toolbox import install_hint, tool_specs

    where = f" -e {env}" if env else ""
    if kind == SIGN_IN:
        return f"deploy-wizard login{where}"
    if kind == INSTALL:
        return install_hint(tool, platform or sys.platform) if tool in tool_specs() else f"install {tool}"
    if kind == PICK_REGION:
        return f"azd env set AZURE_LOCATION <region>{where}"
    return f"deploy-wizard preflight --fix{where}"
