"""`OutputParser`: the per-line entry point and the dispatch that picks a line's handler.

`feed()` and its terraform flood fast path (`_continues` / `continuation`) live here, on the
concrete class, so the hot path stays one call deep; the handlers it dispatches to are inherited
from `AzdLines` / `TerraformLines` / `ParserState`.
"""

from __future__ import annotations

import json
from typing import Literal

from wizard.core.ansi import clean_line
from wizard.core.parse.azd_lines import AzdLines
from wizard.core.parse.model import PENDING, RUNNING, Attribution, TargetUpdate
from wizard.core.parse.patterns import (
    _ARM_CODE_RE,
    _AZD_PREFIXES,
    _BOX_CHARS,
    _COMMAND_ECHO_RE,
    _DELETE_RG_RE,
    _ENDPOINT_RE,
    _EXEC_HOOK_RE,
    _LEGACY_SERVICE_RE,
    _MAX_ERROR_SCAN,
    _MAX_SCAN,
    _PLAN_VERBS,
    _PROVIDER_PREFIXES,
    _PURGE_RE,
    _SERVICE_PHASE_RE,
    _STATUS_LINE_RE,
    _TF_LINE_RE,
    _TF_OUTPUT_RE,
    _TF_PLAN_RE,
    _TITLE_RE,
    TF_ACTION_FIRST,
)
from wizard.core.parse.targets import tf_target


class OutputParser(AzdLines):
    """Stateful per step run: feed it every line, in order."""

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
                return target
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
                self._title(m["cmd"], updates)
                return None
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
    ) -> str | None | Literal[False]:
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

    def _json_line(self, stripped: str, updates: list[TargetUpdate]) -> str | None:
        """An azd JSON envelope: its message lines are dispatched as if azd had printed them."""
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
