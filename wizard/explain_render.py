"""Text rendering of `deploy-wizard explain` results."""

from __future__ import annotations

from typing import IO

from wizard.core.events import Failure


def render_explain(failures: list[Failure], out: IO[str]) -> None:
    if not failures:
        out.write("no failure found in this transcript\n")
        return
    for failure in failures:
        kind, _, name = (failure.target or "").partition(":")
        target = f"{kind} {name}" if name else "no specific target"
        out.write(f"{failure.step} failed: {target}\n")
        if failure.title:
            out.write(f"  what:  {failure.title}\n")
        out.write(f"  cause: {failure.cause}\n")
        if failure.fix:
            for i, line in enumerate(failure.fix.splitlines()):
                out.write(f"  {'fix:  ' if i == 0 else '      '} {line}\n")
        for command in failure.fix_commands:
            out.write(f"    $ {command}\n")
        if failure.evidence:
            out.write("  evidence:\n")
            numbers = list(failure.evidence_lines) + [None] * len(failure.evidence)
            for number, line in zip(numbers, failure.evidence, strict=False):
                prefix = f"{number:>5}" if number else "     "
                out.write(f"  {prefix} | {line}\n")
        if not failure.recognised:
            out.write("  (not in the knowledge base: the evidence above is azd's own error)\n")
        if failure.link:
            out.write(f"  more:  {failure.link}\n")
