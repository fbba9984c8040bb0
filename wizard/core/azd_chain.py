"""azd's error wrapper chain -> the step and the target a failure belongs to.

azd reports an error as its wrappers joined by `: `, outermost first, e.g.
`error executing step command 'deploy --all': failed deploying service 'api': failed invoking event
handlers for 'predeploy', 'predeploy' hook failed with exit code: '1', …`. Each wrapper says where
the failure happened; `read_chain` reads them all (current and legacy forms, `step "publish-api"
failed` from `azd up`'s graph, JSON envelopes already unwrapped by the caller) and keeps the most
specific answer:

- sign-in (`AADSTS…`, `not logged in`, a subscription the account cannot see) -> step `preflight`,
  target `auth:azd` (the wizard checks sign-in before anything runs);
- the project file (`parsing project file`, `no project exists`, run outside the project root) ->
  step `environment`, target `file:azure.yaml`;
- a hook (`'prepackage' hook failed`, `step "cmdhook-preprovision" failed`) -> `hook:<name>`, or
  `hook:<service>/<name>` inside a service's chain; the step follows the hook's name;
- a service (`deploying service api`, `failed publishing service 'api'`, `step "deploy-api"
  failed`) -> step `deploy`, target `service:api`;
- otherwise the step the wrappers name (`error executing step command 'provision'`, `deleting
  infrastructure`, `failed to compile bicep template`, …) and no target.

The wrappers are data (`_WRAPPERS`); the order of the table is the order of precedence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_COMMAND_STEPS = {
    "provision": "provision",
    "deploy": "deploy",
    "package": "deploy",
    "publish": "deploy",
    "build": "deploy",
    "restore": "deploy",
    "up": None,
    "down": "teardown",
}
_HOOK_STEPS = (
    ("provision", "provision"),
    ("deploy", "deploy"),
    ("package", "deploy"),
    ("publish", "deploy"),
    ("build", "deploy"),
    ("restore", "deploy"),
    ("down", "teardown"),
    ("up", None),
)

# (kind, regex). kind: auth | project | hook | service-hook | service | step:<step>
_WRAPPERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("auth", r"\bAADSTS\d{4,}"),
        ("auth", r"(?i)\breauthentication required\b"),
        ("auth", r"(?i)\bnot logged in\b"),
        ("auth", r"(?i)failed to resolve user '?[^']*'? ?access to subscription"),
        ("auth", r"(?i)getting tenant id for subscription"),
        ("auth", r"(?i)\b(?:fetching|acquiring|getting) (?:an? )?(?:access )?token\b"),
        ("project", r"(?i)\b(?:parsing|reading|loading) project (?:file|config)"),
        ("project", r"(?i)unable to parse azure\.ya?ml"),
        ("project", r"(?i)no project exists; to create a new project"),
        ("project", r"(?i)current working directory is not a project or service directory"),
        ("project", r"pkg/project\.(?:Parse|Load)\("),
        ("service-hook", r"failed invoking event handlers for '(?P<hook>[\w.-]+)'"),
        ("hook", r"'(?P<hook>[\w.-]+)' hook failed with exit code"),
        ("hook", r"step \"cmdhook-(?P<hook>[\w.-]+)\" failed"),
        ("hook", r"hook configuration for '(?P<hook>[\w.-]+)' is invalid"),
        ("service", r"step \"(?:publish|deploy|package|build|restore)-(?P<svc>[\w.-]+)\" failed"),
        (
            "service",
            r"(?:^|: |failed |ERROR: )(?:deploying|packaging|publishing|building|restoring) "
            r"service '?(?P<svc>[\w.-]+?)'?(?=[:\s,]|$)",
        ),
        ("service", r"deployment of service '(?P<svc>[\w.-]+)' timed out"),
        ("service", r"azd-service-name: (?P<svc>[\w.-]+)'"),
        ("step:deploy", r"error executing step command '(?P<cmd>deploy|package|publish|build|restore)\b"),
        ("step:provision", r"error executing step command 'provision\b"),
        ("step:teardown", r"error executing step command 'down\b"),
        ("step:command", r"fail(?:ed|ing) invoking action '(?P<cmd>[a-z]+)'"),
        ("step:teardown", r"(?i)\bdeleting infrastructure\b|\berror deleting Azure resources\b"),
        ("step:teardown", r"(?i)\bazd (?:infra )?(?:down|delete)\b"),
        ("step:deploy", r"(?i)\bgetting target resource\b|\bremote build failed\b"),
        ("step:deploy", r"/(?:listBuildSourceUploadUrl|scheduleRun)\b"),
        ("step:provision", r"step \"provision(?:-[\w.-]*)?\" failed"),
        (
            "step:provision",
            r"(?i)\berror deploying infrastructure\b|\bdeploying to (?:subscription|resource group)\b"
            r"|\bvalidating deployment to\b|\binitializing provisioning manager\b"
            r"|\bcompiling bicep template\b|\bfailed to compile bicep template\b"
            r"|\bterraform init failed\b|\bplanning (?:deployment|infrastructure)\b"
            r"|\bprompting for value\b",
        ),
    )
)


@dataclass(frozen=True)
class Chain:
    """What an error chain says: the step, the target, and which wrapper said it."""

    step: str | None = None
    target: str | None = None
    kind: str | None = None  # auth | project | hook | service | None

    @property
    def found(self) -> bool:
        return self.step is not None or self.target is not None


def hook_step(hook: str) -> str | None:
    """`preprovision` -> `provision`, `prepackage` -> `deploy`, `predown` -> `teardown`."""
    for suffix, step in _HOOK_STEPS:
        if hook.endswith(suffix):
            return step
    return None


def read_chain(message: str) -> Chain:
    """The step and target one azd error message names (see the module docstring)."""
    found: dict[str, re.Match[str]] = {}
    steps: list[str] = []
    for kind, pattern in _WRAPPERS:
        m = pattern.search(message)
        if m is None:
            continue
        if kind.startswith("step:"):
            step = kind[5:]
            if step == "command":
                step = _COMMAND_STEPS.get(m["cmd"])
            if step:
                steps.append(step)
        else:
            found.setdefault(kind, m)
    step = steps[0] if steps else None
    if "auth" in found:
        return Chain("preflight", "auth:azd", "auth")
    if "project" in found:
        return Chain("environment", "file:azure.yaml", "project")
    service = found["service"]["svc"] if "service" in found else None
    hook_m = found.get("hook") or found.get("service-hook")
    if hook_m is not None:
        hook = hook_m["hook"]
        if service is not None:
            return Chain("deploy", f"hook:{service}/{hook}", "hook")
        return Chain(hook_step(hook) or step, f"hook:{hook}", "hook")
    if service is not None:
        return Chain("deploy", f"service:{service}", "service")
    return Chain(step, None, None)


def read_chains(messages: Iterable[str]) -> Chain:
    """Several error lines of one failure (azd often prints the inner and the outer chain):
    the most specific target wins, then the first step named."""
    best = Chain()
    rank = {"auth": 4, "project": 3, "hook": 2, "service": 1, None: 0}
    for message in messages:
        chain = read_chain(message)
        if not chain.found:
            continue
        if rank[chain.kind] > rank[best.kind]:
            step = chain.step or best.step
            best = Chain(step, chain.target, chain.kind)
        elif best.step is None and chain.step is not None:
            best = Chain(chain.step, best.target, best.kind)
    return best
