"""A failed step's output -> `Failure(step, target, cause, fix, evidence)`.

The knowledge base is data: `wizard/core/knowledge/*.yaml`, a list of entries

```yaml
- id: missing-service-tag          # unique, stable (shown to users, used in tests and JSON)
  steps: [deploy]                  # steps it belongs to; `any` = every step
  match:                           # ANY of these regexes (re.MULTILINE, searched line by line)
    - "unable to find a resource tagged with 'azd-service-name: (?P<service>[\\w.-]+)'"
  match_all: []                    # optional: ALL of these must also match (somewhere in the output)
  exclude: []                      # optional: the entry does not apply if any of these match
  priority: 0                      # optional: breaks ties; generic catch-alls use negative values
  target_hint: "service:{service}" # optional: template (named groups) or literal target
  title: ...                       # one line
  cause: ...                       # plain words; may use {named_group|default}
  fix: ...                         # what the user should do
  fix_commands: ["azd provision"]  # commands the wizard can run or the user types
  link: https://...
```

An entry matches when at least one `match` regex (if any are given) and every `match_all`
regex find a line, and no `exclude` regex does. The best entry wins: the one whose `steps`
name the failing step, then higher `priority`, then more matching patterns, then the longest
matched evidence. Named groups (`(?P<service>...)`) fill `{service}` placeholders; `{x|text}`
falls back to `text` when `x` is unknown.

The target comes from the evidence (the hook in a hook-failure chain, the service in an azd error
chain, the address in a terraform error box, a failed service/resource line), else the entry's
`target_hint`, else the `target` the caller passes, else the parser's last running target.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from wizard.core.events import Failure, Line
from wizard.core.parse import Mark, OutputParser

KNOWLEDGE_DIR = Path(__file__).with_name("knowledge")
MAX_EVIDENCE = 8
ANY_STEP = "any"
KNOWN_STEPS = frozenset(
    {"environment", "preflight", "provision", "deploy", "phone", "verify", "teardown", ANY_STEP}
)
_FAILURE_MARKS = frozenset(
    {
        "azd-error",
        "tf-error",
        "resource-failed",
        "service-failed",
        "hook-failed",
        "prompt-required",
        "arm-detail",
    }
)
_MAX_LINE = 8192  # longer lines are matched on their first characters only
_DECORATION_RE = re.compile(r"^[\s│╭╰├╮╯─═━┃┌└|*=#-]*$")
_AZD_LINE_RE = re.compile(
    r"^(?:\((?:✓|x|!|-)\) |SUCCESS:|WARNING:|ERROR:|Suggestion:|\$ |.*\(azd [a-z]+[^)]*\)$)"
)
_FORMAT_RE = re.compile(r"\{(\w+)(?:\|([^{}]*))?\}")


class KnowledgeError(ValueError):
    """A knowledge-base file is malformed (raised at load time, caught by the tests)."""


@dataclass(frozen=True)
class KnowledgeEntry:
    id: str
    steps: tuple[str, ...]
    match: tuple[re.Pattern[str], ...]
    title: str
    cause: str
    fix: str
    match_all: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    fix_commands: tuple[str, ...] = ()
    link: str | None = None
    target_hint: str | None = None
    priority: int = 0
    source: str = ""

    def step_rank(self, step: str | None) -> int:
        if step is not None and step in self.steps:
            return 2
        if ANY_STEP in self.steps:
            return 1
        return 0


@dataclass
class EntryMatch:
    entry: KnowledgeEntry
    indices: list[int]
    groups: dict[str, str]
    patterns: int
    chars: int

    def score(self, step: str | None) -> tuple[int, int, int, int]:
        return (self.entry.step_rank(step), self.entry.priority, self.patterns, self.chars)


# ---------------------------------------------------------------------------------------------
# loading


def _compile(values: Any, entry_id: str, key: str) -> tuple[re.Pattern[str], ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise KnowledgeError(f"{entry_id}: `{key}` must be a list of regexes")
    out = []
    for value in values:
        try:
            out.append(re.compile(str(value), re.MULTILINE))
        except re.error as exc:
            raise KnowledgeError(f"{entry_id}: bad regex in `{key}`: {value!r}: {exc}") from None
    return tuple(out)


def _reflow(text: str) -> str:
    """YAML block text -> paragraphs: wrapped lines joined; indented (code) lines and blank
    lines kept as they are."""
    out: list[str] = []
    for line in text.strip().splitlines():
        if (
            out
            and line.strip()
            and not line[:1].isspace()
            and out[-1].strip()
            and not out[-1][:1].isspace()
        ):
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def parse_entries(data: Any, source: str = "") -> list[KnowledgeEntry]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise KnowledgeError(f"{source}: the file must hold a list of entries")
    entries = []
    for raw in data:
        if not isinstance(raw, dict) or not raw.get("id"):
            raise KnowledgeError(f"{source}: every entry needs an `id`: {raw!r:.80}")
        entry_id = str(raw["id"])
        for key in ("title", "cause", "fix"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise KnowledgeError(f"{source}: {entry_id}: `{key}` is required")
        steps = raw.get("steps") or [ANY_STEP]
        if isinstance(steps, str):
            steps = [steps]
        unknown = set(map(str, steps)) - KNOWN_STEPS
        if unknown:
            raise KnowledgeError(f"{source}: {entry_id}: unknown steps {sorted(unknown)}")
        match = _compile(raw.get("match"), entry_id, "match")
        match_all = _compile(raw.get("match_all"), entry_id, "match_all")
        if not match and not match_all:
            raise KnowledgeError(f"{source}: {entry_id}: needs `match` or `match_all`")
        commands = raw.get("fix_commands") or []
        if isinstance(commands, str):
            commands = [commands]
        entries.append(
            KnowledgeEntry(
                id=entry_id,
                steps=tuple(str(s) for s in steps),
                match=match,
                match_all=match_all,
                exclude=_compile(raw.get("exclude"), entry_id, "exclude"),
                title=raw["title"].strip(),
                cause=" ".join(raw["cause"].split()),
                fix=_reflow(raw["fix"]),
                fix_commands=tuple(str(c) for c in commands),
                link=raw.get("link"),
                target_hint=raw.get("target_hint"),
                priority=int(raw.get("priority", 0)),
                source=source,
            )
        )
    return entries


@lru_cache(maxsize=1)
def _load() -> tuple[KnowledgeEntry, ...]:
    entries: list[KnowledgeEntry] = []
    seen: set[str] = set()
    for path in sorted(KNOWLEDGE_DIR.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise KnowledgeError(f"{path.name}: invalid YAML: {exc}") from None
        for entry in parse_entries(data, path.name):
            if entry.id in seen:
                raise KnowledgeError(f"{path.name}: duplicate id {entry.id}")
            seen.add(entry.id)
            entries.append(entry)
    return tuple(entries)


def load_knowledge() -> list[KnowledgeEntry]:
    """Every knowledge-base entry (cached; files read once)."""
    return list(_load())


def entry_by_id(entry_id: str) -> KnowledgeEntry | None:
    return next((e for e in _load() if e.id == entry_id), None)


# ---------------------------------------------------------------------------------------------
# matching


class _Corpus:
    """Lines joined once so each regex runs over one string (fast rejection), mapped back to lines.

    A second variant joins each `ERROR:` line with its continuation lines (up to a blank line)
    using spaces instead of newlines, so an error chain wrapped at the terminal width still
    matches. Offsets are the same in both variants (one character replaced by one).
    """

    def __init__(self, texts: Sequence[str]) -> None:
        parts = [t if len(t) <= _MAX_LINE else t[:_MAX_LINE] for t in texts]
        self.text = "\n".join(parts)
        self.starts: list[int] = []
        pos = 0
        for part in parts:
            self.starts.append(pos)
            pos += len(part) + 1
        self.variants = [self.text]
        joined = None
        in_error = False
        for i, part in enumerate(parts):
            stripped = part.strip()
            if stripped.startswith("ERROR:"):
                in_error = True
            elif not stripped:
                in_error = False
            elif in_error and i > 0:
                if joined is None:
                    joined = list(self.text)
                joined[self.starts[i] - 1] = " "
        if joined is not None:
            self.variants.append("".join(joined))

    def line_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def search(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """The last match in the first variant that has one."""
        for text in self.variants:
            if pattern.search(text):
                found = None
                for found in pattern.finditer(text):  # noqa: B007 - we want the last one
                    pass
                return found
        return None


def _match_entry(entry: KnowledgeEntry, corpus: _Corpus) -> EntryMatch | None:
    for pattern in entry.exclude:
        if corpus.search(pattern):
            return None
    indices: list[int] = []
    groups: dict[str, str] = {}
    chars = 0
    count = 0
    any_hit = not entry.match
    for pattern in entry.match:
        m = corpus.search(pattern)
        if m is None:
            continue
        any_hit = True
        count += 1
        chars += len(m.group(0))
        indices.append(corpus.line_of(m.start()))
        groups.update({k: v for k, v in m.groupdict().items() if v})
    if not any_hit:
        return None
    for pattern in entry.match_all:
        m = corpus.search(pattern)
        if m is None:
            return None
        count += 1
        chars += len(m.group(0))
        indices.append(corpus.line_of(m.start()))
        groups.update({k: v for k, v in m.groupdict().items() if v})
    return EntryMatch(entry, sorted(set(indices)), groups, count, chars)


def best_match(texts: Sequence[str], step: str | None = None) -> EntryMatch | None:
    if not texts:
        return None
    corpus = _Corpus(texts)
    best: EntryMatch | None = None
    for entry in _load():
        found = _match_entry(entry, corpus)
        if found is not None and (best is None or found.score(step) > best.score(step)):
            best = found
    return best


def match_text(text: str, step: str | None = None) -> KnowledgeEntry | None:
    """The knowledge-base entry that explains `text` (a finding, a log excerpt), if any."""
    try:
        found = best_match(str(text).splitlines(), step)
    except Exception:
        return None
    return found.entry if found else None


# ---------------------------------------------------------------------------------------------
# diagnosis


def fill(template: str | None, values: dict[str, str]) -> str | None:
    """`{name}` / `{name|default}` placeholders; unknown names without default -> `<name>`."""
    if template is None:
        return None

    def repl(m: re.Match[str]) -> str:
        value = values.get(m[1])
        if value:
            return value
        if m[2] is not None:
            return m[2]
        return f"<{m[1]}>"

    return _FORMAT_RE.sub(repl, template)


@dataclass
class Analysis:
    """Everything `diagnose` worked out; `explain` also needs the evidence indices."""

    failure: Failure
    evidence_indices: list[int]
    marks: list[Mark]
    step_hint: str | None
    parser: OutputParser


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
) -> Analysis:
    """Core of `diagnose`, on plain strings; returns evidence as indices into `texts`."""
    if parser is None:
        parser = OutputParser(step)
        for text in texts:
            parser.feed(text)
    marks = list(parser.marks)
    failure_marks = [m for m in marks if m.kind in _FAILURE_MARKS]

    # Match the knowledge base on the lines that matter: all of a short output; for a long one
    # (a flood) the neighbourhood of the first and last failure signals and the last lines.
    selected = _window(len(texts), [m.index for m in failure_marks])
    window = texts if selected is None else [texts[i] for i in selected]
    found = best_match(window, step)

    # the target
    evidence_target = _evidence_target(failure_marks)
    values: dict[str, str] = {"step": step}
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
        mark = next((m for m in failure_marks if m.kind == kind), None)
        if mark is not None:
            add(mark.index)
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
    step_hint = primary.step_hint if primary is not None else None
    if step_hint is None:
        step_hint = next((m.step_hint for m in reversed(failure_marks) if m.step_hint), None)
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
            ),
        )
    else:
        failure = Failure(
            step=step,
            target=final_target,
            cause=_unrecognised_cause(texts, failure_marks, primary, exit_code),
            fix=_generic_fix(step, tf_hint),
            evidence=evidence,
        )
    return Analysis(failure, picked, marks, step_hint, parser)


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
    if len(line) > 400:
        line = line[:400] + "…"
    return f"Unrecognised failure: {line}"


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
) -> Failure:
    """The failure of `step`, from its (recent, masked) output lines."""
    step = str(step)
    try:
        texts = [line.text if isinstance(line, Line) else str(line) for line in lines]
        targets = [line.target if isinstance(line, Line) else None for line in lines]
        return analyse(
            step, texts, target=target, exit_code=exit_code, line_targets=targets
        ).failure
    except Exception as exc:  # a diagnosis must never take the wizard down
        return Failure(
            step=step, target=target, cause=f"Unrecognised failure (diagnosis error: {exc})"
        )
