"""`deploy-wizard explain`: a pasted transcript (azd up / provision / deploy / down output, maybe
with ANSI colours and CRLF) -> the failures in it, each with step, target, cause, fix and the
1-based numbers of the lines that prove it.

The transcript is cut into sections at azd's titles (`Provisioning Azure resources (azd
provision)`, `Deploying services (azd deploy)`, `Provisioning and deploying (azd up)`, `Deleting
all resources ... (azd down)`, the legacy `Packaging services (azd package)`) and at shell command
echoes (`$ azd provision`). Hook output printed before a title belongs to that title's section.
A section failed when it holds an azd `ERROR:` or a failure signal (terraform error box,
`(x) Failed:`, failed service) and no `SUCCESS:` line. Text with no azd structure at all (a
container log, a verify finding) is matched against the knowledge base as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.core.ansi import clean_text
from wizard.core.azure_errors import parse_azure_errors
from wizard.core.diagnose import analyse, best_match, entry_by_id
from wizard.core.events import Failure
from wizard.core.kb import known_codes
from wizard.core.parse import (
    _COMMAND_ECHO_RE,
    _COMMAND_STEPS,
    _TITLE_RE,
    FAILURE_MARKS,
    OutputParser,
    _hook_step,
)

_NOT_ECHO_PREFIXES = ("ERROR", "WARNING", "SUCCESS", "Suggestion", "•", "-", "(")
_MAX_FINDINGS_LINES = 20000


@dataclass
class _Section:
    start: int
    step: str | None
    titled: bool = False
    content: bool = False
    closed: bool = False
    end: int = 0


def _split(lines: list[str]) -> list[_Section]:
    sections = [_Section(0, None)]
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        cur = sections[-1]
        if "(azd " in s:
            m = _TITLE_RE.search(s)
            if m and len(s) < 200:
                step = _COMMAND_STEPS.get(m["cmd"], cur.step)
                if cur.titled or cur.closed:
                    sections.append(_Section(i, step, titled=True))
                else:
                    cur.step, cur.titled = step, True
                continue
        if "azd " in s[:90] and not s.startswith(_NOT_ECHO_PREFIXES):
            m = _COMMAND_ECHO_RE.match(s)
            if m:
                step = _COMMAND_STEPS.get(m["cmd"])
                if cur.content or cur.titled:
                    sections.append(_Section(i, step))
                else:
                    cur.step = step
                continue
        if s.startswith("SUCCESS:"):
            cur.closed = True
        cur.content = True
    for a, b in zip(sections, sections[1:], strict=False):
        a.end = b.start
    sections[-1].end = len(lines)
    return sections


def _resolve_step(
    section: _Section,
    hint: str | None,
    target: str | None,
    parser: OutputParser,
    kb_steps: tuple[str, ...] = (),
) -> str:
    if hint in ("provision", "deploy", "teardown", "preflight", "environment"):
        return hint  # the error chain's own word: sign-in, project file, a wrapper
    if section.step in ("provision", "deploy", "teardown"):
        return section.step
    if target:
        kind, _, name = target.partition(":")
        if kind == "service":
            return "deploy"
        if kind == "resource":
            return "teardown" if parser.activity == "teardown" else "provision"
        if kind == "hook":
            step = _hook_step(name.rsplit("/", 1)[-1])
            if step:
                return step
    if parser.activity in ("provision", "deploy", "teardown"):
        return parser.activity
    return next((s for s in kb_steps if s != "any"), "provision")


def explain(text: str) -> list[Failure]:
    """The failures in a pasted transcript, in the order they happened."""
    if not isinstance(text, str):
        text = str(text)
    lines = clean_text(text)
    if not lines:
        return []
    failures: list[Failure] = []
    sections = _split(lines)
    for section in sections:
        texts = lines[section.start : section.end]
        parser_step = (
            section.step
            if section.step in ("provision", "deploy", "teardown", "up")
            else "provision"
        )
        parser = OutputParser(parser_step)
        for t in texts:
            parser.feed(t)
        kinds = {m.kind for m in parser.marks}
        failed = "azd-error" in kinds or (bool(kinds & FAILURE_MARKS) and not parser.succeeded)
        if not failed and not parser.succeeded:
            # Azure's own answer quoted without azd's ERROR line (a RESPONSE block, a JSON body)
            failed = bool(parse_azure_errors(texts, known_codes()))
        if not failed:
            continue
        first = analyse(parser_step, texts, parser=parser)
        kb_steps: tuple[str, ...] = ()
        if first.failure.kb_id is not None:
            entry = entry_by_id(first.failure.kb_id)
            kb_steps = entry.steps if entry else ()
        step = _resolve_step(section, first.step_hint, first.failure.target, parser, kb_steps)
        analysis = first if step == parser_step else analyse(step, texts, parser=parser)
        failures.append(_numbered(analysis.failure, analysis.evidence_indices, section.start))
    if failures or any(s.titled for s in sections):
        return failures
    # No azd structure: a log excerpt or a finding. Report what the knowledge base recognises.
    window = lines[-_MAX_FINDINGS_LINES:]
    offset = len(lines) - len(window)
    found = best_match(window)
    if found is None:
        return []
    step = next((s for s in found.entry.steps if s != "any"), "verify")
    analysis = analyse(step, window)
    if analysis.failure.kb_id is None:
        return []
    return [_numbered(analysis.failure, analysis.evidence_indices, offset)]


def _numbered(failure: Failure, indices: list[int], offset: int) -> Failure:
    from dataclasses import replace

    return replace(failure, evidence_lines=tuple(offset + i + 1 for i in indices))


def explain_json(failures: list[Failure]) -> dict[str, Any]:
    out = []
    for f in failures:
        item: dict[str, Any] = {"step": f.step}
        item.update(f.to_dict())
        item["evidence_lines"] = list(f.evidence_lines)
        out.append(item)
    return {"ok": not failures, "failures": out}
