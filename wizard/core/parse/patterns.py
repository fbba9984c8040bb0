"""What azd / terraform / hook output lines look like: the precompiled regexes and prefix tables.

Only data lives here, so the state machine reads as decisions; every pattern is compiled once at
import and the handlers use the module globals directly (no lookup layer on the hot path).
"""

from __future__ import annotations

import re

from wizard.core.parse.model import DONE, FAILED, RUNNING

# Lines longer than this are only inspected up to here (a 1 MB line must not cost a regex scan
# per pattern); error chains with captured hook output get a larger budget.
_MAX_SCAN = 4096
_MAX_ERROR_SCAN = 65536


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
_DELETED_RG_RE = re.compile(r"^(?:Deleted|Failed deleting) resource group (?P<name>\S+)")  # (✓) / (x) lines
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
