"""A failure's fields as plain strings, in display order: the one source of the failure block in
`--plain`, `explain`, `report` and GitHub annotations (`wizard.cli.failure_text`) and of the TUI's
failure panel, which styles the same fields. No markup, no rich: plain data."""

from __future__ import annotations

from wizard.core.events import Failure
from wizard.core.steps import describe_target


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
