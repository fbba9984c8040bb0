"""A failure as plain text lines: the same block in `--plain`, `explain` and `report` (the fields
and their order come from `wizard.core.failure_view`, which the TUI panel styles too)."""

from __future__ import annotations

from collections.abc import Sequence

from wizard.core.events import Failure
from wizard.core.failure_view import annotation, code_text, failure_fields
from wizard.core.steps import describe_target

__all__ = ["annotation", "code_text", "describe_target", "failure_fields", "failure_lines"]


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
