"""azd line handlers: `(✓) Done:` status lines, service phases, endpoints, titles, `ERROR:` chains.

Builds on `TerraformLines` because azd relays terraform's `Error:` lines among its own.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from wizard.core.parse.model import DONE, FAILED, RUNNING, SKIPPED, WARNING, TargetUpdate
from wizard.core.parse.patterns import (
    _COMMAND_STEPS,
    _DELETED_RG_RE,
    _DISPLAY_RESOURCE_RE,
    _HOOK_FAIL_RE,
    _JSON_RESOURCE_RE,
    _LEGACY_SERVICE_RE,
    _PURGE_RE,
)
from wizard.core.parse.targets import chain_target, hook_target, service_target
from wizard.core.parse.tf_lines import TerraformLines


class AzdLines(TerraformLines):
    """Handlers for the lines azd itself prints."""

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
            target = f"resource:Resource group/{m['name']}"
            if status == FAILED:
                self._mark("resource-failed", msg, target, step_hint="teardown")
            return self._set(updates, target, status, "Deleted" if status == DONE else kind)
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
        # a service named in the host as a whole word (app-api-x.azurewebsites.net is `api`'s, and
        # not `web`'s though "azurewebsites" holds "web")
        host = "-" + re.sub(r"[^a-z0-9]+", "-", (urlparse(url).hostname or "").lower()) + "-"
        svc = next((name for name in self.services if f"-{re.sub(r'[^a-z0-9]+', '-', name.lower())}-" in host), None)
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
        self.endpoints.setdefault(svc, url)
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
                self.no_changes = self.no_changes or "no changes to provision" in stripped  # azd's words
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
