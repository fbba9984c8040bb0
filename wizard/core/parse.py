"""azd / terraform / hook output -> which target a line belongs to, and target status changes.

One `OutputParser` per step run. `feed()` is called on every cleaned line (ANSI stripped by the
runner via `wizard.core.ansi.clean_line`; the parser strips again if it finds an ESC), so it is
built for speed: precompiled regexes behind cheap first-character / substring prefilters. It
never raises on any input.

Targets (see `wizard.core.steps`):
  hook:<name>                 project hooks (`hook:<service>/<name>` for service hooks)
  service:<name>              azd services (deploy phases, error chains)
  resource:<type>/<name>      terraform addresses (`azurerm_container_app.backend` ->
                              `resource:azurerm_container_app/backend`; module resources keep
                              their module path in the name: `resource:azurerm_key_vault/module.kv.this`;
                              data sources: `resource:data.azurerm_client_config/current`) and azd
                              display lines (`resource:Container App/ca-api-x`).

Besides attribution the parser records *marks*: the failure signals it saw (azd `ERROR:` chains,
terraform error boxes with the address/file/line they point at, `(x) Failed:` lines, failed
services and hooks, ARM `Deployment Error Details`, prompt-required blocks). `diagnose` reads them.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wizard.core.ansi import clean_line

if TYPE_CHECKING:
    from wizard.core.project import Project

RUNNING = "running"
DONE = "done"
FAILED = "failed"
SKIPPED = "skipped"
WARNING = "warning"
PENDING = "pending"

# Lines longer than this are only inspected up to here (a 1 MB line must not cost a regex scan
# per pattern); error chains with captured hook output get a larger budget.
_MAX_SCAN = 4096
_MAX_ERROR_SCAN = 65536


@dataclass(frozen=True)
class TargetUpdate:
    target: str
    status: str  # TargetStatus value: pending|running|done|failed|skipped|warning
    phase: str = ""
    detail: str = ""


@dataclass
class Attribution:
    target: str | None
    updates: list[TargetUpdate] = field(default_factory=list)


@dataclass
class Mark:
    """A failure signal seen in the output. `index` is the 0-based number of the fed line."""

    kind: str  # azd-error | tf-error | resource-failed | service-failed | hook-failed | hook-warning | arm-detail | prompt-required
    index: int
    text: str
    target: str | None = None
    file: str | None = None
    line: int | None = None
    block: str | None = None
    step_hint: str | None = None
    related: list[int] = field(
        default_factory=list
    )  # indices of lines that belong to the mark (with/on lines)


# ---------------------------------------------------------------------------------------------
# regexes

_TF_ADDR = (
    r"(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*(?:data\.)?"
    r"[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*(?:\[[^\]]*\])?"
)
_TF_LINE_RE = re.compile(
    rf"^(?P<addr>{_TF_ADDR})(?: \((?:local-exec|remote-exec|file)\))?: (?P<rest>.*)$"
)
_TF_ADDR_PARTS_RE = re.compile(
    r"^(?P<mod>(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)(?P<data>data\.)?(?P<type>[A-Za-z_][A-Za-z0-9_-]*)\.(?P<name>.+)$"
)
_TF_PLAN_RE = re.compile(
    rf"^\s*# (?P<addr>{_TF_ADDR})(?: \(deposed object \w+\))? (?:will be|must be) (?P<action>[a-z -]+)"
)
_TF_WITH_RE = re.compile(rf"^\s*with (?P<addr>{_TF_ADDR}),?\s*$")
_TF_ON_RE = re.compile(r"^\s*on (?P<file>.+?) line (?P<line>\d+)(?:, in (?P<block>.*?))?:?\s*$")
_TF_SNIPPET_RE = re.compile(r"^\d+:|^with |^on ")
_ELAPSED_RE = re.compile(r"(\d[\w.]* elapsed)\]")
_AFTER_RE = re.compile(r"after (\S+)")

# (prefix of the rest of a terraform resource line, status, phase)
_TF_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Creating...", RUNNING, "Creating"),
    ("Still creating...", RUNNING, "Creating"),
    ("Creation complete", DONE, "Created"),
    ("Creation errored", FAILED, "Create failed"),
    ("Modifying...", RUNNING, "Modifying"),
    ("Still modifying...", RUNNING, "Modifying"),
    ("Modifications complete", DONE, "Modified"),
    ("Modifications errored", FAILED, "Modify failed"),
    ("Destroying...", RUNNING, "Destroying"),
    ("Still destroying...", RUNNING, "Destroying"),
    ("Destruction complete", DONE, "Destroyed"),
    ("Destruction errored", FAILED, "Destroy failed"),
    ("Refreshing state...", DONE, "Refreshed"),
    ("Reading...", RUNNING, "Reading"),
    ("Still reading...", RUNNING, "Reading"),
    ("Read complete", DONE, "Read"),
    ("Provisioning with", RUNNING, "Provisioning"),
    ("Importing from ID", RUNNING, "Importing"),
    ("Import prepared", RUNNING, "Importing"),
)
TF_ACTION_FIRST = frozenset(prefix[0] for prefix, _, _ in _TF_ACTIONS)

_PLAN_VERBS = {
    "created": "create",
    "destroyed": "destroy",
    "updated": "update",
    "replaced": "replace",
}

_STATUS_LINE_RE = re.compile(
    r"^\((?:✓|x|X|!|-|√|✔|✗)\) (?P<kind>Done|Failed|Warning|Skipped): (?P<msg>.*)$"
)
_JSON_RESOURCE_RE = re.compile(
    r"^(?P<kind>Succeeded|Failed): Creating (?P<type>[^:]{1,80}): (?P<name>\S+)"
)
_DISPLAY_RESOURCE_RE = re.compile(
    r"^(?P<type>[A-Z][^:()]{0,80}?): (?P<name>[^\s()]+)(?: \((?P<dur>[^)]*)\))?\s*$"
)
_LEGACY_SERVICE_RE = re.compile(
    r"^(?P<verb>Deploying|Packaging|Publishing|Building|Restoring) service (?P<svc>[^\s()]+)(?: \((?P<detail>.*)\))?\s*$"
)
_SERVICE_PHASES = (
    "Packaging",
    "Publishing",
    "Deploying",
    "Done",
    "Failed",
    "Skipped",
    "Building",
    "Restoring",
)
_SERVICE_PHASE_RE = re.compile(
    r"^ {1,4}(?P<svc>[A-Za-z0-9][\w.\-]*): (?P<phase>Packaging|Publishing|Deploying|Done|Failed|Skipped|Building|Restoring)"
    r"(?: \((?P<detail>.*)\))?(?: \[(?P<elapsed>[0-9hmsµ.]+)\])?\s*$"
)
_ENDPOINT_RE = re.compile(r"^\s*- Endpoint: (?P<url>\S+)")
_TITLE_RE = re.compile(r"\(azd (?P<cmd>[a-z]+)(?: [^)]*)?\)\s*$")
_COMMAND_ECHO_RE = re.compile(
    r"^(?:.{0,80}?[$>#%] ?)?azd (?P<cmd>provision|deploy|up|down|package)\b"
)
_DELETE_RG_RE = re.compile(r"^Deleting resource group (?P<name>\S+)")
_DELETED_RG_RE = re.compile(r"^Deleted resource group (?P<name>\S+)")
_PURGE_RE = re.compile(r"^Purging (?P<type>[^:]{1,60}): (?P<name>\S+)")

# error chains
_HOOK_FAIL_RE = re.compile(r"'(?P<hook>[\w.-]+)' hook failed with exit code: '(?P<code>-?\d+)'")
_CMDHOOK_RE = re.compile(r"step \"cmdhook-(?P<hook>[\w.-]+)\" failed")
_STEP_SVC_RE = re.compile(
    r"step \"(?P<verb>publish|deploy|package|build|restore)-(?P<svc>[\w.-]+)\" failed"
)
_STEP_PROVISION_RE = re.compile(r"step \"provision(?:-[\w.-]*)?\" failed")
_CHAIN_SVC_RE = re.compile(
    r"(?:^|: |failed )(?P<verb>publishing|deploying|packaging|building|restoring) service '?(?P<svc>[\w.-]+?)'?(?=:|\s|$)"
)
_TIMEOUT_SVC_RE = re.compile(r"deployment of service '(?P<svc>[\w.-]+)' timed out")
_TAG_SVC_RE = re.compile(r"azd-service-name: (?P<svc>[\w.-]+)'")
_STEP_CMD_RE = re.compile(r"error executing step command '(?P<cmd>[a-z]+)")
_ARM_CODE_RE = re.compile(
    r"^\s*(?:-\s*)?(?P<code>[A-Z][A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*): (?P<msg>.*)$"
)

# hook banners (the accelerator's boxes, azd 1.0 "Executing <hook> hook =>", debug log)
_EXEC_HOOK_RE = re.compile(
    r"Executing (?:hook '(?P<h1>[\w.-]+)'|(?P<h2>(?:pre|post)[a-z]+) hook\b)"
)
_BANNERS: tuple[tuple[str, str, str], ...] = (
    # (substring, hook, status)
    ("Pre-Provisioning", "preprovision", RUNNING),
    ("Post-Provisioning", "postprovision", RUNNING),
    ("Pre-provisioning complete", "preprovision", DONE),
    ("Post-provisioning complete", "postprovision", DONE),
)

_BOX_CHARS = frozenset("│╷╵╭├╰┃┌└╮╯")
_AZD_PREFIXES = (
    "ERROR:",
    "WARNING:",
    "SUCCESS:",
    "Suggestion:",
    "Error:",
    "Warning:",
    "TraceID:",
    "Deployment Error Details",
    "Validation Error Details",
    "Succeeded: Creating",
    "Failed: Creating",
)
# azd / provider lines that mean "azd itself is working now" (a pre-hook has finished).
_PROVIDER_PREFIXES = (
    "Initialize ",
    "Initializing ",
    "Subscription: ",
    "Location: ",
    "Locating plan file",
    "Locating parameters file",
    "Retrieving terraform state",
    "Deleting terraform deployment",
    "Terraform used the selected providers",
    "Terraform has been successfully initialized",
    "Terraform will perform the following actions",
    "Creating a deployment plan",
    "Comparing deployment state",
    "Validating deployment",
    "Creating/Updating resources",
    "Discovering resources to delete",
    "No changes.",
    "Plan: ",
    "Apply complete!",
    "Destroy complete!",
)
_TF_OUTPUT_RE = re.compile(r"^[A-Za-z_][\w-]* = ")

_STEP_COMMANDS = {"provision": "provision", "deploy": "deploy", "teardown": "down", "up": "up"}
_COMMAND_STEPS = {
    "provision": "provision",
    "deploy": "deploy",
    "package": "deploy",
    "down": "teardown",
    "up": "up",
}


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


def _hook_step(hook: str) -> str | None:
    for suffix, step in (
        ("provision", "provision"),
        ("deploy", "deploy"),
        ("package", "deploy"),
        ("publish", "deploy"),
        ("build", "deploy"),
        ("restore", "deploy"),
        ("down", "teardown"),
    ):
        if hook.endswith(suffix):
            return step
    return None


class OutputParser:
    """Stateful per step run: feed it every line, in order."""

    def __init__(self, step: str, project: Project | None = None) -> None:
        self.step = str(step)
        self.project = project
        self.services: frozenset[str] = (
            frozenset(s.name for s in project.services) if project else frozenset()
        )
        self.hooks: frozenset[str] = (
            frozenset(h.name for h in project.hooks if h.service is None)
            if project
            else frozenset()
        )
        self.command = _STEP_COMMANDS.get(self.step, self.step)
        self.marks: deque[Mark] = deque(maxlen=500)
        self.index = -1  # index of the line being fed
        self.succeeded = False
        self.title_seen = False
        self.commands_seen: list[str] = []
        self.activity: str | None = (
            None  # "provision" | "deploy" | "teardown": what the last attributed line was about
        )
        self._ctx: str | None = None  # hook or legacy service whose output plain lines are
        self._last: str | None = None
        self._failed: str | None = None
        self._provider_started = False
        self._tf_outputs = False
        self._tf_box: Mark | None = None  # open terraform error (box or no-colour form)
        self._tf_box_warning = False
        self._tf_box_open = False
        self._tf_age = 0
        self._err: Mark | None = None  # last azd ERROR mark (continuation lines follow)
        self._err_target: str | None = None
        self._arm = False
        self._arm_seen = False
        self._done_services: list[str] = []
        self._endpoints = 0
        self._tf_targets: dict[str, str] = {}
        self._tf_head: str | None = None  # `addr[ (local-exec)]: ` of the last terraform line
        self._tf_head_target: str | None = None

    # -- public -------------------------------------------------------------------------------
    @property
    def current_target(self) -> str | None:
        return self._failed or self._last

    @property
    def failed_target(self) -> str | None:
        return self._failed

    def feed(self, text: str) -> Attribution:
        self.index += 1
        try:
            if not isinstance(text, str):
                text = str(text)
            if "\x1b" in text or "\r" in text or "\n" in text:
                text = clean_line(text.replace("\n", " "))
            if self._continues(text):
                return Attribution(self._tf_head_target, [])
            self._tf_head = None
            updates: list[TargetUpdate] = []
            target = self._dispatch(text, updates)
            return Attribution(target, updates)
        except Exception:  # never let a strange line break a deployment
            return Attribution(self._ctx, [])

    def _continues(self, text: str) -> bool:
        """Fast path for floods: `text` (cleaned) is another output line of the terraform resource
        the previous line belonged to, with no status word, so it changes no parser state."""
        head = self._tf_head
        return head is not None and text.startswith(head) and text[len(head) : len(head) + 1] not in TF_ACTION_FIRST

    @property
    def continuation(self) -> tuple[str | None, str | None]:
        """(line prefix, target) of `_continues()`, for callers that inline it in a hot loop
        (they count the lines they skip into `index` themselves)."""
        return self._tf_head, self._tf_head_target

    # -- helpers ------------------------------------------------------------------------------
    def _set(
        self,
        updates: list[TargetUpdate],
        target: str,
        status: str,
        phase: str = "",
        detail: str = "",
    ) -> str:
        updates.append(TargetUpdate(target, status, phase, detail))
        if status == FAILED:
            self._failed = target
        elif status == RUNNING:
            self._last = target
        return target

    def _mark(self, kind: str, text: str, target: str | None = None, **kw: object) -> Mark:
        mark = Mark(kind, self.index, text[:_MAX_ERROR_SCAN], target, **kw)  # type: ignore[arg-type]
        self.marks.append(mark)
        return mark

    def _end_ctx(self, updates: list[TargetUpdate], status: str = DONE) -> None:
        if self._ctx is not None:
            if self._ctx.startswith("hook:") and self._ctx != self._failed:
                self._set(updates, self._ctx, status)
            self._ctx = None

    def _start_hook(self, updates: list[TargetUpdate], name: str) -> str:
        target = hook_target(name)
        if self._ctx != target:
            self._end_ctx(updates)
            self._ctx = target
            self._set(updates, target, RUNNING, "Running")
        self.activity = _hook_step(name) or self.activity
        return target

    def _provider_activity(self, updates: list[TargetUpdate]) -> None:
        """azd/terraform itself prints: a running pre-hook is over."""
        if not self._provider_started:
            self._provider_started = True
        if self._ctx is not None and self._ctx.startswith("hook:pre"):
            self._end_ctx(updates)

    def _plain_target(self) -> str | None:
        if self._tf_box is not None and self._tf_box.target is not None:
            return self._tf_box.target
        if self._err_target is not None:
            return self._err_target
        return self._ctx

    # -- dispatch -----------------------------------------------------------------------------
    def _dispatch(self, text: str, updates: list[TargetUpdate]) -> str | None:
        if len(text) > _MAX_SCAN:
            head = (
                text[:_MAX_ERROR_SCAN]
                if "ERROR" in text[:64] or "│" in text[:8]
                else text[:_MAX_SCAN]
            )
        else:
            head = text
        stripped = head.strip()
        if not stripped:
            if self._tf_box is not None and not self._tf_box_open:
                self._tf_age += 1
            return self._plain_target()
        first = stripped[0]

        if self._tf_box is not None and not self._tf_box_open:
            self._tf_age += 1
            if self._tf_age > 8:
                self._tf_box = None

        if first in _BOX_CHARS:
            return self._box_line(stripped, updates)
        if (
            self._tf_box is not None
            and (first == "w" or first == "o")
            and stripped.startswith(("with ", "on "))
        ):
            return self._tf_detail(stripped, updates)  # terraform -no-color: the error has no box
        if first == "(":
            m = _STATUS_LINE_RE.match(stripped)
            if m:
                return self._status_line(m["kind"], m["msg"], updates)
        if first == "{" and stripped.startswith('{"'):
            return self._json_line(stripped, updates)
        if stripped.startswith(_AZD_PREFIXES):
            return self._azd_line(stripped, updates)

        if self._arm:
            m = _ARM_CODE_RE.match(stripped)
            if m:
                self._arm_seen = True
                self._mark("arm-detail", stripped, self._failed, block=m["code"])
                return self._plain_target()
            if self._arm_seen:
                self._arm = False

        if "failed" in stripped and (
            stripped.startswith(("failed running", "error executing step command"))
            or "hook failed with exit code" in stripped
        ):
            # an azd error chain quoted without its `ERROR:` prefix (issue reports, CI logs)
            return self._azd_error(stripped, stripped, updates)
        if ": " in stripped:
            target = self._colon_line(head, stripped, updates)
            if target is not False:
                return target  # type: ignore[return-value]
        elif first == "D" or first == "P" or first == "B" or first == "R":
            m = _LEGACY_SERVICE_RE.match(stripped)
            if m:
                return self._legacy_service(m, updates)
        if first == "#":
            m = _TF_PLAN_RE.match(stripped)
            if m:
                self._provider_activity(updates)
                action = m["action"].strip()
                if action.startswith("read"):
                    return None
                verb = _PLAN_VERBS.get(action.split()[0], action)
                target = tf_target(m["addr"])
                self._set(updates, target, PENDING, f"Plan: {verb}")
                return target
        if first == "-":
            m = _ENDPOINT_RE.match(stripped)
            if m:
                return self._endpoint(m["url"], updates)
        if "(azd " in stripped:
            m = _TITLE_RE.search(stripped)
            if m:
                return self._title(m["cmd"], updates)
        if stripped.startswith(_PROVIDER_PREFIXES):
            self._provider_activity(updates)
            if stripped.startswith(("Apply complete!", "Destroy complete!")):
                self._tf_outputs = True
            if not stripped.startswith(("Plan: ", "No changes.")):
                self.activity = "teardown" if self.command == "down" else "provision"
            return None
        if "rovisioning" in stripped:
            banner = self._banner(stripped, updates)
            if banner is not None:
                return banner
        if "xecuting " in stripped:
            m = _EXEC_HOOK_RE.search(stripped)
            if m:
                return self._start_hook(updates, m["h1"] or m["h2"])
        if self._tf_outputs:
            if (
                stripped == "Outputs:"
                or _TF_OUTPUT_RE.match(stripped)
                or head[:1] in (" ", "\t", "}", "]")
            ):
                return None
            self._tf_outputs = False
            post = f"post{self.command}"
            if post in self.hooks and self._ctx is None:
                return self._start_hook(updates, post)
        if (
            self._ctx is None
            and not self.title_seen
            and not self._provider_started
            and not self._failed
        ):
            pre = f"pre{self.command}"
            if pre in self.hooks:
                return self._start_hook(updates, pre)
        if "prompts disabled" in stripped:
            self._mark("prompt-required", stripped, None)
        m = _COMMAND_ECHO_RE.match(stripped) if "azd " in stripped[:90] else None
        if m:
            self.commands_seen.append(m["cmd"])
        return self._plain_target()

    # -- line kinds ---------------------------------------------------------------------------
    def _colon_line(
        self, head: str, stripped: str, updates: list[TargetUpdate]
    ) -> str | None | bool:
        first = head[:1]
        if first != " " and first != "\t":
            m = _TF_LINE_RE.match(stripped)
            if m:
                target = self._tf_resource(m["addr"], m["rest"], updates)
                self._tf_head = stripped[: m.start("rest")]
                return target
        else:
            m = _SERVICE_PHASE_RE.match(head)
            if m and (not self.services or m["svc"] in self.services):
                return self._service_phase(m, updates)
        m = _LEGACY_SERVICE_RE.match(stripped) if stripped[:1] in "DPBR" else None
        if m:
            return self._legacy_service(m, updates)
        c = stripped[:1]
        if c == "D" or c == "P":
            m = _DELETE_RG_RE.match(stripped)
            if m:
                self.activity = "teardown"
                return self._set(
                    updates, f"resource:Resource group/{m['name']}", RUNNING, "Deleting"
                )
            m = _PURGE_RE.match(stripped)
            if m:
                self.activity = "teardown"
                return self._set(updates, f"resource:{m['type']}/{m['name']}", RUNNING, "Purging")
        return False

    def _tf_resource(self, addr: str, rest: str, updates: list[TargetUpdate]) -> str:
        self._provider_activity(updates)
        self._tf_box = None
        target = self._tf_targets.get(addr)
        if target is None:
            target = self._tf_targets[addr] = tf_target(addr)
        self._tf_head_target = target
        for prefix, status, phase in _TF_ACTIONS:
            if rest.startswith(prefix):
                detail = ""
                if status == RUNNING and prefix.startswith("Still"):
                    m = _ELAPSED_RE.search(rest)
                    detail = m[1] if m else ""
                elif status in (DONE, FAILED) and "after" in rest:
                    m = _AFTER_RE.search(rest)
                    detail = f"after {m[1]}" if m else ""
                if phase in ("Destroying", "Destroyed", "Destroy failed"):
                    self.activity = "teardown"
                elif phase != "Refreshed":
                    self.activity = "teardown" if self.command == "down" else "provision"
                self._set(updates, target, status, phase, detail)
                break
        return target

    def _box_line(self, stripped: str, updates: list[TargetUpdate]) -> str | None:
        first = stripped[0]
        if first == "╷":
            self._tf_box_open = True
            return None
        if first == "╵":
            self._tf_box_open = False
            target = self._tf_box.target if self._tf_box else None
            self._tf_box = None
            self._tf_box_warning = False
            return target
        inner = stripped[1:].strip()
        if inner.startswith("Error: "):
            self._tf_box_open = self._tf_box_open or first == "│"
            return self._tf_error(inner[7:], updates)
        if inner.startswith("Warning: "):
            self._tf_box = None
            self._tf_box_warning = True
            return None
        if self._tf_box is not None:
            return self._tf_detail(inner, updates)
        if self._tf_box_warning:
            return None
        # an accelerator hook box: `╭─ Terraform Pre-Provisioning`, `│ ✅ Pre-provisioning complete!`
        if "rovisioning" in inner:
            banner = self._banner(inner, updates)
            if banner is not None:
                return banner
        return self._plain_target()

    def _banner(self, text: str, updates: list[TargetUpdate]) -> str | None:
        """The accelerator's hook banners start or end a hook's section."""
        for needle, hook, status in _BANNERS:
            if needle in text:
                if status == RUNNING:
                    return self._start_hook(updates, hook)
                target = hook_target(hook)
                if self._ctx == target:
                    self._ctx = None
                if self._failed != target:
                    self._set(updates, target, DONE)
                return target
        return None

    def _tf_error(self, summary: str, updates: list[TargetUpdate]) -> str | None:
        self._provider_activity(updates)
        self._tf_age = 0
        self._tf_box = self._mark("tf-error", f"Error: {summary}")
        self.activity = self.activity or ("teardown" if self.command == "down" else "provision")
        return None

    def _tf_detail(self, inner: str, updates: list[TargetUpdate]) -> str | None:
        box = self._tf_box
        assert box is not None
        if box.target is None and inner.startswith("with "):
            m = _TF_WITH_RE.match(inner)
            if m:
                box.target = self._set(
                    updates, tf_target(m["addr"]), FAILED, "Failed", box.text[7:][:200]
                )
                box.related.append(self.index)
                return box.target
        if box.file is None and inner.startswith("on "):
            m = _TF_ON_RE.match(inner)
            if m:
                box.file, box.line, box.block = m["file"], int(m["line"]), m["block"]
                box.related.append(self.index)
                return box.target
        if inner and len(box.related) < 3 and not _TF_SNIPPET_RE.match(inner):
            box.related.append(self.index)  # the first line of the error's explanation
        return box.target

    def _status_line(self, kind: str, msg: str, updates: list[TargetUpdate]) -> str | None:
        status = {"Done": DONE, "Failed": FAILED, "Warning": WARNING, "Skipped": SKIPPED}[kind]
        m = _LEGACY_SERVICE_RE.match(msg)
        if m:
            svc = m["svc"]
            target = service_target(svc)
            if m["verb"] == "Deploying" or status != DONE:
                self._set(
                    updates, target, status, "Done" if status == DONE else kind, m["detail"] or ""
                )
                if status == DONE:
                    self._done_services.append(svc)
            else:
                self._set(updates, target, RUNNING, f"{m['verb']} done")
            if status == FAILED:
                self._mark("service-failed", msg, target, step_hint="deploy")
            if self._ctx == target:
                self._ctx = None
            self.activity = "deploy"
            return target
        m = _DELETED_RG_RE.match(msg)
        if m:
            self.activity = "teardown"
            return self._set(
                updates,
                f"resource:Resource group/{m['name']}",
                status,
                "Deleted" if status == DONE else kind,
            )
        m = _PURGE_RE.match(msg)
        if m:
            self.activity = "teardown"
            return self._set(
                updates,
                f"resource:{m['type']}/{m['name']}",
                status,
                "Purged" if status == DONE else kind,
            )
        m = _DISPLAY_RESOURCE_RE.match(msg)
        if m and (m["dur"] is not None or status == FAILED):
            target = f"resource:{m['type'].strip()}/{m['name']}"
            self._provider_activity(updates)
            self.activity = "teardown" if self.command == "down" else "provision"
            self._set(updates, target, status, "Done" if status == DONE else kind, m["dur"] or "")
            if status == FAILED:
                self._mark("resource-failed", msg, target, step_hint="provision")
            return target
        if status == FAILED:
            self._mark("resource-failed", msg, None)
        return self._plain_target()

    def _service_phase(self, m: re.Match[str], updates: list[TargetUpdate]) -> str:
        svc, phase = m["svc"], m["phase"]
        target = service_target(svc)
        detail = m["detail"] or ""
        if m["elapsed"]:
            detail = f"{detail} [{m['elapsed']}]".strip()
        status = {"Done": DONE, "Failed": FAILED, "Skipped": SKIPPED}.get(phase, RUNNING)
        self._set(updates, target, status, phase, detail)
        if status == DONE:
            self._done_services.append(svc)
        elif status == FAILED:
            self._mark("service-failed", m.string.strip(), target, step_hint="deploy")
        self.activity = "deploy"
        return target

    def _legacy_service(self, m: re.Match[str], updates: list[TargetUpdate]) -> str:
        target = service_target(m["svc"])
        self._ctx = target
        self.activity = "deploy"
        return self._set(updates, target, RUNNING, m["verb"], m["detail"] or "")

    def _endpoint(self, url: str, updates: list[TargetUpdate]) -> str | None:
        svc = None
        low = url.lower()
        for name in self.services:
            if name.lower() in low:
                svc = name
                break
        if svc is None and self._done_services:
            # HEAD prints every service's artifacts after the progress lines, in service order;
            # legacy prints them right after the service's own Done line.
            if self._endpoints < len(self._done_services) and len(self._done_services) > 1:
                svc = self._done_services[self._endpoints]
            else:
                svc = self._done_services[-1]
        self._endpoints += 1
        if svc is None:
            return self._plain_target()
        return self._set(updates, service_target(svc), DONE, "Done", f"Endpoint: {url}")

    def _title(self, cmd: str, updates: list[TargetUpdate]) -> None:
        self.title_seen = True
        self.commands_seen.append(cmd)
        if self._ctx is not None and self._ctx.startswith("hook:pre"):
            self._end_ctx(updates)
        elif self._ctx is not None and self._ctx.startswith("service:"):
            self._ctx = None
        self._tf_outputs = False
        self.activity = _COMMAND_STEPS.get(cmd, self.activity)
        return None

    def _azd_line(self, stripped: str, updates: list[TargetUpdate]) -> str | None:
        c = stripped[0]
        if c == "E":
            if stripped.startswith("ERROR:"):
                return self._azd_error(stripped[6:].strip(), stripped, updates)
            if stripped.startswith("Error: "):
                return self._tf_error(stripped[7:], updates)
        elif c == "W":
            if stripped.startswith("Warning: "):
                self._tf_box = None
                return None
            m = _HOOK_FAIL_RE.search(stripped)
            if m:
                target = hook_target(m["hook"])
                self._mark("hook-warning", stripped, target)
                return self._set(
                    updates, target, WARNING, "Failed (continued)", f"exit code {m['code']}"
                )
            return self._plain_target()
        elif c == "S":
            if stripped.startswith("SUCCESS:"):
                self.succeeded = True
                self._end_ctx(updates)
                self._tf_outputs = False
                return None
            if stripped.startswith("Suggestion:"):
                if self._err is not None:
                    self._err.related.append(self.index)
                return self._err_target
            if stripped.startswith("Succeeded: Creating"):
                m = _JSON_RESOURCE_RE.match(stripped)
                if m:
                    return self._set(
                        updates, f"resource:{m['type'].strip()}/{m['name']}", DONE, "Done"
                    )
        elif c == "F":
            m = _JSON_RESOURCE_RE.match(stripped)
            if m:
                target = f"resource:{m['type'].strip()}/{m['name']}"
                self._mark("resource-failed", stripped, target, step_hint="provision")
                return self._set(updates, target, FAILED, "Failed")
        elif c == "D" or c == "V":
            self._arm = True
            self._arm_seen = False
            if self._err is not None:
                self._err.related.append(self.index)
            self.activity = self.activity or "provision"
            return self._plain_target()
        elif c == "T":
            return self._err_target
        return self._plain_target()

    def _azd_error(self, message: str, line: str, updates: list[TargetUpdate]) -> str | None:
        target, step_hint = chain_target(message)
        mark = self._mark("azd-error", line, target, step_hint=step_hint)
        self._err = mark
        if "prompt required" in message or "interactive prompts disabled" in message:
            self._mark("prompt-required", line, None)
        if "Deployment Error Details" in message or "Validation Error Details" in message:
            self._arm = True
        if target is not None:
            self._err_target = target
            if target.startswith("hook:"):
                m = _HOOK_FAIL_RE.search(message)
                self._mark("hook-failed", line, target, step_hint=step_hint)
                self._set(updates, target, FAILED, "Failed", f"exit code {m['code']}" if m else "")
                if self._ctx == target:
                    self._ctx = None
            else:
                self._set(updates, target, FAILED, "Failed", message[:200])
        if step_hint is not None:
            self.activity = step_hint
        return target or self._plain_target()

    def _json_line(self, stripped: str, updates: list[TargetUpdate]) -> str | None:
        if len(stripped) > _MAX_ERROR_SCAN:
            return self._plain_target()
        try:
            data = json.loads(stripped)
        except ValueError:
            return self._plain_target()
        if not isinstance(data, dict):
            return self._plain_target()
        message = None
        if data.get("type") == "consoleMessage" and isinstance(data.get("data"), dict):
            message = data["data"].get("message")
        elif "error" in data and isinstance(data.get("error"), str):
            message = "ERROR: " + str(data.get("message") or data["error"])
        elif data.get("code") == "promptRequired":
            message = "ERROR: prompt required: " + str(data.get("message", ""))
        if not isinstance(message, str):
            return self._plain_target()
        target = None
        for part in message.split("\n"):
            part = part.rstrip()
            if not part:
                continue
            got = self._dispatch(part, updates)
            target = got or target
        return target
