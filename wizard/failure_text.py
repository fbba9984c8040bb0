"""A failure as text: the one formatter behind `--plain`, `explain`, `report`, GitHub annotations
and the TUI's failure panel (which styles the same fields, see `failure_fields`)."""

from __future__ import annotations

from collections.abc import Sequence

from wizard.core.events import Failure

_KIND_WORDS = {"auth": "sign-in", "file": "file"}


def describe_target(target: str | None) -> str:
    """`service:webchat-demo` → `service webchat-demo`; `auth:azd` → `sign-in azd`."""
    if not target:
        return "no specific target"
    kind, _, name = target.partition(":")
    kind = _KIND_WORDS.get(kind, kind)
    return f"{kind} {name}" if name else kind


def code_text(failure: Failure) -> str | None:
    """`InsufficientQuota — Insufficient quota. Cannot create…` (None without a code)."""
    if not failure.code:
        return None
    message = (failure.code_message or "").strip()
    if len(message) > 300:
        message = message[:300] + "…"
    return f"{failure.code} — {message}" if message else failure.code


def failure_fields(failure: Failure) -> list[tuple[str, str]]:
    """(label, text) pairs in display order: what, code, resource, where, cause, fix, $ commands,
    docs. Evidence and the `more` link are left to the callers (numbered / styled lines)."""
    fields: list[tuple[str, str]] = []
    if failure.title:
        fields.append(("what", failure.title))
    code = code_text(failure)
    if code:
        fields.append(("code", code))
    if failure.resource and failure.resource != failure.target:
        fields.append(("resource", describe_target(failure.resource)))
    if failure.location:
        fields.append(("where", failure.location))
    fields.append(("cause", failure.cause))
    if failure.fix:
        fields.append(("fix", failure.fix))
    for command in failure.fix_commands:
        fields.append(("$", command))
    if failure.doc_url and failure.doc_url != failure.link:
        fields.append(("docs", failure.doc_url))
    return fields


def annotation(failure: Failure, step: str) -> str:
    """One line for a GitHub `::error` annotation or a summary table: target, code, cause."""
    code = f"[{failure.code}] " if failure.code else ""
    return f"{failure.target or step}: {code}{failure.cause}"


def failure_lines(failure: Failure, *, evidence_numbers: Sequence[int | None] = ()) -> list[str]:
    """`what/code/resource/cause/fix/$ command/docs/evidence/more` lines, unindented (callers indent)."""
    lines = []
    for label, text in failure_fields(failure):
        if label == "$":
            lines.append(f"  $ {text}")
            continue
        for i, line in enumerate(text.splitlines() or [""]):
            head = f"{label + ':':<9}" if i == 0 else " " * 9
            lines.append(f"{head} {line}".rstrip())
    if failure.evidence:
        lines.append("evidence:")
        numbers = list(evidence_numbers) + [None] * len(failure.evidence)
        for number, line in zip(numbers, failure.evidence, strict=False):
            prefix = f"{number:>5} " if number else "  "
            lines.append(f"{prefix}| {line}")
    if failure.link:
        lines.append(f"{'more:':<9} {failure.link}")
    return lines
