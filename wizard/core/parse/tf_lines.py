"""Terraform line handlers: resource progress lines and error boxes (boxed and `-no-color`).

A box opens with `╷`, names the error, then points at the resource (`with <addr>`) and the
source (`on <file> line <n>`); the `-no-color` form has no box, so it ages out after a few lines.
"""

from __future__ import annotations

from wizard.core.parse.model import DONE, FAILED, RUNNING, TargetUpdate
from wizard.core.parse.parser_state import ParserState
from wizard.core.parse.patterns import (
    _AFTER_RE,
    _ELAPSED_RE,
    _TF_ACTIONS,
    _TF_ON_RE,
    _TF_SNIPPET_RE,
    _TF_WITH_RE,
)
from wizard.core.parse.targets import tf_target


class TerraformLines(ParserState):
    """Handlers for the lines terraform prints (azd relays them during provision/down)."""

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
