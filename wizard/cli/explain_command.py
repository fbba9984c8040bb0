"""Text rendering of `deploy-wizard explain` results."""

from __future__ import annotations

from typing import IO

from wizard.cli.failure_text import describe_target, failure_lines
from wizard.core.events import Failure


def render_explain(failures: list[Failure], out: IO[str]) -> None:
    if not failures:
        out.write("no failure found in this transcript\n")
        return
    for failure in failures:
        out.write(f"{failure.step} failed: {describe_target(failure.target)}\n")
        body = failure_lines(failure, evidence_numbers=failure.evidence_lines)
        if not failure.recognised:
            body.insert(-1 if failure.link else len(body),
                        "(not in the knowledge base: the evidence above is azd's own error)")
        out.write("".join(f"  {line}\n" for line in body))
