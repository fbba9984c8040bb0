"""A failed step's output -> `Failure(step, target, cause, fix, evidence)`.

The cause and fix come from the knowledge base (`wizard/core/knowledge/*.yaml`; format and
validation: `wizard.core.kb`, matching rules: `wizard.core.kb_match`), matched on the lines that
matter; this module adds what the parser saw (its marks) to pick the target and the evidence.

Structure comes first (`wizard.core.failure_facts`): azd's error chain names the step and a
service, hook, project file or sign-in; Azure's errors give the root code, its message and the
resource at fault; terraform boxes and Bicep diagnostics the file and line. The entry is chosen by
that code before any phrase (`kb_match`), and the run's history (`done`: the steps that already
succeeded) rules out entries that contradict it. The target comes from those facts, else from the
parser's evidence (a failed service/resource line), else the entry's `target_hint`, else the
`target` the caller passes, else the parser's last running target. Every failure carries a next
action: the entry's fix, or for an unknown failure a rerun with `--debug` and the code's page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.core.events import Failure, Line
from wizard.core.failure_facts import FailureFacts, doc_url_for, gather_facts
from wizard.core.infra.types import arm_type_facts, arm_type_for_display
from wizard.core.kb import (
    KnowledgeError,
    entry_by_id,
    fill,
    known_codes,
    load_knowledge,
    parse_entries,
)
from wizard.core.kb_match import best_match, match_text
from wizard.core.parse import FAILURE_MARKS, Mark, OutputParser

# Knowledge-base names are re-exported: they lived here before the split, and importers use them.
__all__ = [
    "MAX_EVIDENCE",
    "Analysis",
    "KnowledgeError",
    "analyse",
    "best_match",
    "diagnose",
    "entry_by_id",
    "fill",
    "load_knowledge",
    "match_text",
    "parse_entries",
]

MAX_EVIDENCE = 8
_DECORATION_RE = re.compile(r"^[\s│╭╰├╮╯─═━┃┌└|*=#-]*$")
_AZD_LINE_RE = re.compile(
    r"^(?:\((?:✓|x|!|-)\) |SUCCESS:|WARNING:|ERROR:|Suggestion:|\$ |.*\(azd [a-z]+[^)]*\)$)"
)


@dataclass
class Analysis:
    """Everything `diagnose` worked out; `explain` also needs the evidence indices."""

    failure: Failure
    evidence_indices: list[int]
    marks: list[Mark]
    step_hint: str | None
    parser: OutputParser
    facts: FailureFacts | None = None


_SHORT_OUTPUT = 2000
_AROUND_MARK = 150
_TAIL = 400


def _window(count: int, mark_indices: Sequence[int]) -> list[int] | None:
    """Line indices to match the knowledge base on, or None for all of them."""
    if count <= _SHORT_OUTPUT:
        return None
    chosen: set[int] = set(range(max(0, count - _TAIL), count))
    marks = sorted(set(mark_indices))
    for index in marks[:10] + marks[-10:]:
        chosen.update(range(max(0, index - _AROUND_MARK), min(count, index + _AROUND_MARK)))
    return sorted(chosen)


def _evidence_target(marks: Sequence[Mark]) -> str | None:
    for kind in ("hook-failed", "azd-error"):
        for mark in reversed(marks):
            if mark.kind == kind and mark.target:
                return mark.target
    for mark in marks:  # terraform: the first error box is usually the root cause
        if mark.kind == "tf-error" and mark.target:
            return mark.target
    for kind in ("service-failed", "resource-failed"):
        for mark in marks:
            if mark.kind == kind and mark.target:
                return mark.target
    return None


def _target_parts(target: str | None) -> dict[str, str]:
    if not target or ":" not in target:
        return {}
    kind, _, name = target.partition(":")
    values = {"target": target, "target_name": name}
    if kind == "service":
        values["service"] = name
    elif kind == "hook":
        values["hook"] = name.rsplit("/", 1)[-1]
        if "/" in name:
            values["service"] = name.split("/", 1)[0]
    elif kind == "resource":
        values["resource"] = name
    return values


_STEP_RERUN = {
    "provision": "azd provision",
    "deploy": "azd deploy",
    "teardown": "azd down --force --purge",
    "environment": "deploy-wizard",
    "preflight": "deploy-wizard preflight",
    "phone": "deploy-wizard phone",
    "verify": "deploy-wizard verify",
}


def analyse(
    step: str,
    texts: Sequence[str],
    *,
    target: str | None = None,
    exit_code: int | None = None,
    line_targets: Iterable[str | None] = (),
    parser: OutputParser | None = None,
    done: Iterable[str] = (),
    rows: Iterable[str] = (),
) -> Analysis:
    """Core of `diagnose`, on plain strings; returns evidence as indices into `texts`.

    `rows`: the target ids the step already shows; a failure naming one of their resources (by
    another spelling: its ARM type where the row has azd's display name) takes the row's id."""
    line_targets = list(line_targets)
    if parser is None:
        parser = OutputParser(step)
        for text in texts:
            parser.feed(text)
    marks = list(parser.marks)
    failure_marks = [m for m in marks if m.kind in FAILURE_MARKS]

    # Match the knowledge base on the lines that matter: all of a short output; for a long one
    # (a flood) the neighbourhood of the first and last failure signals and the last lines.
    selected = _window(len(texts), [m.index for m in failure_marks])
    window = texts if selected is None else [texts[i] for i in selected]
    window_marks = failure_marks
    if selected is not None:
        position = {index: n for n, index in enumerate(selected)}
        window_marks = [_shifted(m, position[m.index]) for m in failure_marks if m.index in position]
    facts = gather_facts(window, window_marks, known_codes())
    found = best_match(window, step, codes=facts.codes, done=frozenset(map(str, done)))

    # the target
    evidence_target = _structural_target(facts, step, failure_marks) or _evidence_target(failure_marks)
    values: dict[str, str] = {"step": step}
    values.update(_fact_values(facts))
    if found is not None:
        values.update(found.groups)
    hinted = None
    if found is not None and found.entry.target_hint:
        candidate = fill(found.entry.target_hint, values)
        if candidate and "<" not in candidate and ":" in candidate:
            hinted = candidate
    last_line_target = None
    for t in line_targets:
        if t:
            last_line_target = t
    final_target = evidence_target or hinted or target or parser.current_target or last_line_target
    shown = [m.target for m in failure_marks if m.target] + list(rows) + [t for t in line_targets if t]
    final_target = _as_row(final_target, shown)
    for key, value in _target_parts(final_target).items():
        values.setdefault(key, value)
    if exit_code is not None:
        values.setdefault("exit_code", str(exit_code))
    tf = next((m for m in failure_marks if m.kind == "tf-error" and m.file), None)
    if tf is not None:
        values.setdefault("file", tf.file or "")
        values.setdefault("line", str(tf.line or ""))

    # evidence
    azd_errors = [m for m in failure_marks if m.kind == "azd-error"]
    primary = azd_errors[-1] if azd_errors else None
    picked: list[int] = []

    def add(index: int | None) -> None:
        if (
            index is not None
            and 0 <= index < len(texts)
            and index not in picked
            and texts[index].strip()
        ):
            picked.append(index)

    if primary is not None:
        add(primary.index)
    if facts.root is not None and facts.root.index is not None:
        add(facts.root.index if selected is None else selected[facts.root.index])
    if found is not None:
        for index in found.indices:
            add(index if selected is None else selected[index])
    tf_marks = [m for m in failure_marks if m.kind == "tf-error"]
    for mark in tf_marks[:2]:
        add(mark.index)
        for index in mark.related:
            add(index)
    for mark in [m for m in failure_marks if m.kind == "arm-detail"][:2]:
        add(mark.index)
    for kind in ("hook-failed", "service-failed", "resource-failed", "prompt-required"):
        first = next((m for m in failure_marks if m.kind == kind), None)
        if first is not None:
            add(first.index)
    if (
        primary is not None
        and final_target
        and final_target.startswith("hook:")
        and len(picked) < MAX_EVIDENCE - 2
    ):
        # what the hook printed last, just before azd's error: usually the real reason
        context = []
        for index in range(primary.index - 1, max(-1, primary.index - 40), -1):
            text = texts[index].strip()
            if _AZD_LINE_RE.match(text):
                break  # azd's own lines: the hook's output is over
            if text and not _DECORATION_RE.match(text):
                context.append(index)
                if len(context) == 3:
                    break
        for index in context:
            add(index)
    if not picked:
        tail = [i for i in range(len(texts)) if texts[i].strip()][-3:]
        for index in tail:
            add(index)
    picked = sorted(picked[:MAX_EVIDENCE])
    evidence = tuple(texts[i] for i in picked)

    # cause and fix
    tf_hint = ""
    if tf is not None:
        where = f"{tf.file} line {tf.line}"
        if tf.block:
            where += f" ({tf.block})"
        tf_hint = f"Terraform points at {where}."
    step_hint = facts.chain.step or (primary.step_hint if primary is not None else None)
    if step_hint is None:
        step_hint = next((m.step_hint for m in reversed(failure_marks) if m.step_hint), None)
    code = facts.root.code if facts.root is not None else (found.code if found else None)
    structural: dict[str, Any] = {
        "code": code,
        "code_message": (facts.root.message or None) if facts.root is not None else None,
        "resource": _resource_target(facts),
        "doc_url": doc_url_for(code, facts.tf_target),
        "location": facts.location,
    }
    if found is not None:
        entry = found.entry
        fix = fill(entry.fix, values) or ""
        if tf_hint and tf_hint not in fix:
            fix = f"{fix}\n{tf_hint}"
        failure = Failure(
            step=step,
            target=final_target,
            cause=fill(entry.cause, values) or entry.cause,
            fix=fix,
            evidence=evidence,
            kb_id=entry.id,
            title=fill(entry.title, values),
            link=entry.link,
            fix_commands=tuple(
                c for c in (fill(c, values) for c in entry.fix_commands) if c and c.strip()
            )
            or _rerun_commands(step),
            **structural,
        )
    else:
        failure = Failure(
            step=step,
            target=final_target,
            cause=_unrecognised_cause(texts, failure_marks, primary, exit_code),
            fix=_generic_fix(step, tf_hint),
            evidence=evidence,
            fix_commands=_rerun_commands(step, debug=True),
            **structural,
        )
    return Analysis(failure, picked, marks, step_hint, parser, facts)


def _shifted(mark: Mark, index: int) -> Mark:
    from dataclasses import replace

    return replace(mark, index=index, related=[])


def _structural_target(facts: FailureFacts, step: str, marks: Sequence[Mark]) -> str | None:
    """The facts' target; a bare resource name takes the type from the failed-resource line that
    names it (`resource:Azure OpenAI/cog-x` rather than `resource:cog-x`)."""
    target = facts.target(step)
    if target and target.startswith("resource:") and "/" not in target[9:]:
        name = target[9:].lower()
        for mark in marks:
            if mark.kind == "resource-failed" and mark.target and mark.target.lower().endswith("/" + name):
                return mark.target
    return target


def _resource_key(target: str) -> tuple[str | None, str] | None:
    """`resource:<type>/<name>` -> (the ARM type, or the type as written lower-cased, or None for a
    bare name; the name lower-cased); None for any other kind of target."""
    kind, _, rest = target.partition(":")
    if kind != "resource" or not rest:
        return None
    kind_text, _, name = rest.rpartition("/")
    if not kind_text:
        return None, name.lower()
    arm = arm_type_facts(kind_text).get("arm_type") or arm_type_for_display(kind_text)
    return str(arm or kind_text).lower(), name.lower()


def _as_row(target: str | None, rows: Sequence[str]) -> str | None:
    """The row (of `rows`, in order) that names the same resource as `target`, else `target`:
    one resource has one target id, whichever way azd's output spelled its type."""
    key = _resource_key(target) if target else None
    if key is None or target in rows:
        return target
    for row in rows:
        other = _resource_key(row)
        if other is not None and other[1] == key[1] and (other[0] is None or key[0] is None or other[0] == key[0]):
            return row
    return target


def _resource_target(facts: FailureFacts) -> str | None:
    if facts.tf_target:
        return facts.tf_target
    return f"resource:{facts.resource}" if facts.resource else None


def _fact_values(facts: FailureFacts) -> dict[str, str]:
    """Placeholders the facts fill in entries: {code}, {code_message}, {resource}, …"""
    values: dict[str, str] = {}
    root = facts.root
    if root is not None:
        values["code"] = root.code
        values["code_lower"] = root.code.lower()
        values["code_number"] = root.code.removeprefix("AADSTS").removeprefix("BCP")
        if root.message:
            values["code_message"] = root.message
    if facts.resource:
        values["resource"] = facts.resource
        values["resource_name"] = facts.resource.rsplit("/", 1)[-1]
    location = facts.location
    if location:
        values["location"] = location
    doc = doc_url_for(root.code if root else None, facts.tf_target)
    if doc:
        values["doc_url"] = doc
    return values


def _rerun_commands(step: str, *, debug: bool = False) -> tuple[str, ...]:
    """The next action when an entry names no command: run the step again (with `--debug`)."""
    rerun = _STEP_RERUN.get(step)
    if not rerun:
        return ()
    if debug and rerun.startswith("azd "):
        return (f"{rerun} --debug",)
    return (rerun,)


def _unrecognised_cause(
    texts: Sequence[str], marks: Sequence[Mark], primary: Mark | None, exit_code: int | None
) -> str:
    line = None
    if primary is not None:
        line = texts[primary.index].strip() if primary.index < len(texts) else primary.text
    else:
        mark = next(
            (
                m
                for m in marks
                if m.kind in ("tf-error", "service-failed", "hook-failed", "resource-failed")
            ),
            None,
        )
        if mark is not None:
            line = mark.text.strip()
    if not line:
        tail = [t.strip() for t in texts if t.strip()]
        if exit_code is not None:
            line = f"exit code {exit_code}" + (f" after: {tail[-1]}" if tail else "")
        else:
            line = tail[-1] if tail else "no output"
    line = re.sub(r"^(?:ERROR|Error):\s*", "", line)
    if len(line) > 400:
        line = line[:400] + "…"
    return f"Not a known failure; azd says: {line}"


def _generic_fix(step: str, tf_hint: str) -> str:
    rerun = _STEP_RERUN.get(step, "the step")
    text = (
        "This failure is not in the knowledge base. Read the evidence lines: the last ERROR line "
        f"usually names the cause. Fix it, then re-run `{rerun}`"
        " (add `--debug` to an azd command for more detail)."
    )
    if tf_hint:
        text = f"{tf_hint} Fix that resource block, then re-run `{rerun}`."
    return text


def diagnose(
    step: str,
    lines: Sequence[Line],
    *,
    target: str | None = None,
    exit_code: int | None = None,
    done: Iterable[str] = (),
    rows: Iterable[str] = (),
) -> Failure:
    """The failure of `step`, from its (recent, masked) output lines. `done`: the steps that
    already succeeded in this run (a deploy after a successful provision is not "not provisioned");
    `rows`: the target ids the step shows (the failure's target is one of them when it names the
    same resource)."""
    step = str(step)
    try:
        texts = [line.text if isinstance(line, Line) else str(line) for line in lines]
        targets = [line.target if isinstance(line, Line) else None for line in lines]
        return analyse(
            step, texts, target=target, exit_code=exit_code, line_targets=targets, done=done, rows=rows
        ).failure
    except Exception as exc:  # a diagnosis must never take the wizard down
        return Failure(
            step=step, target=target, cause=f"Unrecognised failure (diagnosis error: {exc})"
        )
