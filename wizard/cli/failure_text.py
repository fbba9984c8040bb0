"""A failure as plain text lines: the same block in `--plain`, `explain` and `report`."""

from __future__ import annotations

from collections.abc import Sequence

from wizard.core.events import Failure
from wizard.core.next_action import NextAction
from wizard.core.steps import describe_target

__all__ = ["describe_target", "failure_lines"]


def failure_lines(failure: Failure, *, evidence_numbers: Sequence[int | None] = (),
                  next_action: NextAction | None = None) -> list[str]:
    """`what/cause/fix/$ command/evidence/more/next` lines, unindented (callers indent)."""
    lines = []
    if failure.title:
        lines.append(f"what:  {failure.title}")
    lines.append(f"cause: {failure.cause}")
    for i, line in enumerate((failure.fix or "").splitlines()):
        lines.append(f"{'fix:  ' if i == 0 else '      '} {line}")
    lines.extend(f"  $ {command}" for command in failure.fix_commands)
    if failure.evidence:
        lines.append("evidence:")
        numbers = list(evidence_numbers) + [None] * len(failure.evidence)
        for number, line in zip(numbers, failure.evidence, strict=False):
            prefix = f"{number:>5} " if number else "  "
            lines.append(f"{prefix}| {line}")
    if failure.link:
        lines.append(f"more:  {failure.link}")
    if next_action is not None:
        lines.append(f"next:  {next_action.label.lower()}: {next_action.command}")
    return lines
