"""The failure knowledge base: `wizard/core/knowledge/*.yaml`, validated into `KnowledgeEntry`s.

Diagnoses are data, not code, so that a new failure is one YAML entry. Each file holds a list:

```yaml
- id: missing-service-tag          # unique, stable (shown to users, used in tests and JSON)
  steps: [deploy]                  # steps it belongs to; `any` = every step
  match:                           # ANY of these regexes (re.MULTILINE, searched line by line)
    - "unable to find a resource tagged with 'azd-service-name: (?P<service>[\\w.-]+)'"
  codes: [SomeArmCode]             # optional: Azure / Entra / Bicep error codes this entry explains
                                   # (exact, or a regex starting with ^ for a family: '^BCP\\d{3}$')
  match_all: []                    # optional: ALL of these must also match (somewhere in the output)
  exclude: []                      # optional: the entry does not apply if any of these match
  priority: 0                      # optional: breaks ties; generic catch-alls use negative values
  unless_done: [provision]         # optional: not this entry when these steps succeeded in the run
  requires_done: [provision]       # optional: only when these steps succeeded in the run
  target_hint: "service:{service}" # optional: template (named groups) or literal target
  title: ...                       # one line
  cause: ...                       # plain words; may use {named_group|default}
  fix: ...                         # what the user should do
  fix_commands: ["azd provision"]  # commands the wizard can run or the user types
  link: https://...                # may use placeholders too ({code_lower}, {code_number})
```

Files are checked when first loaded (a bad entry raises `KnowledgeError`, which the tests catch)
so a typo never surfaces as a wrong diagnosis. Named groups (`(?P<service>...)`) fill `{service}`
placeholders; `{x|text}` falls back to `text` when `x` is unknown (`fill`). How entries are
matched against output: `wizard.core.kb_match`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

KNOWLEDGE_DIR = Path(__file__).with_name("knowledge")
ANY_STEP = "any"
KNOWN_STEPS = frozenset(
    {"environment", "preflight", "provision", "deploy", "phone", "verify", "teardown", ANY_STEP}
)
_FORMAT_RE = re.compile(r"\{(\w+)(?:\|([^{}]*))?\}")


class KnowledgeError(ValueError):
    """A knowledge-base file is malformed (raised at load time, caught by the tests)."""


@dataclass(frozen=True)
class KnowledgeEntry:
    """One validated YAML entry: regexes compiled, text normalised, so matching never fails."""

    id: str
    steps: tuple[str, ...]
    match: tuple[re.Pattern[str], ...]
    title: str
    cause: str
    fix: str
    match_all: tuple[re.Pattern[str], ...] = ()
    codes: frozenset[str] = frozenset()
    code_families: tuple[re.Pattern[str], ...] = ()
    unless_done: frozenset[str] = frozenset()
    requires_done: frozenset[str] = frozenset()
    exclude: tuple[re.Pattern[str], ...] = ()
    fix_commands: tuple[str, ...] = ()
    link: str | None = None
    target_hint: str | None = None
    priority: int = 0
    source: str = ""

    def code_rank(self, codes: tuple[str, ...]) -> int:
        """2 if the entry names the root code (`codes[0]`), 1 if it names another code of the
        failure, 0 otherwise (a family such as `^BCP\\d{3}$` counts 0: it is a fallback)."""
        for i, code in enumerate(codes):
            if code in self.codes:
                return 2 if i == 0 else 1
        return 0

    def family_hit(self, codes: tuple[str, ...]) -> str | None:
        """The first of `codes` that one of the entry's code families matches."""
        for code in codes:
            if any(p.match(code) for p in self.code_families):
                return code
        return None

    def applies_after(self, done: frozenset[str]) -> bool:
        """Whether the entry can explain a failure in a run where the `done` steps succeeded."""
        return not (self.unless_done & done) and self.requires_done <= done

    def step_rank(self, step: str | None) -> int:
        """2 if the entry names `step`, 1 if it applies to any step, else 0: step-specific wins."""
        if step is not None and step in self.steps:
            return 2
        if ANY_STEP in self.steps:
            return 1
        return 0


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
    """Validate one file's parsed YAML; `source` names the file in `KnowledgeError` messages."""
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
        raw_codes = raw.get("codes") or []
        if isinstance(raw_codes, str):
            raw_codes = [raw_codes]
        codes = frozenset(str(c) for c in raw_codes if not str(c).startswith("^"))
        families = _compile([c for c in raw_codes if str(c).startswith("^")], entry_id, "codes")
        if not match and not match_all and not raw_codes:
            raise KnowledgeError(f"{source}: {entry_id}: needs `match`, `match_all` or `codes`")
        done_keys = {}
        for key in ("unless_done", "requires_done"):
            values = raw.get(key) or []
            values = [values] if isinstance(values, str) else values
            if set(map(str, values)) - KNOWN_STEPS:
                raise KnowledgeError(f"{source}: {entry_id}: unknown steps in `{key}`")
            done_keys[key] = frozenset(map(str, values))
        commands = raw.get("fix_commands") or []
        if isinstance(commands, str):
            commands = [commands]
        entries.append(
            KnowledgeEntry(
                id=entry_id,
                steps=tuple(str(s) for s in steps),
                match=match,
                match_all=match_all,
                codes=codes,
                code_families=families,
                unless_done=done_keys["unless_done"],
                requires_done=done_keys["requires_done"],
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
def all_entries() -> tuple[KnowledgeEntry, ...]:
    """Every entry, in file order (cached: the files are read and validated once per process)."""
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
    return list(all_entries())


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Every exact code some entry names (the parser of Azure errors trusts these words)."""
    return frozenset(code for entry in all_entries() for code in entry.codes)


def entry_by_id(entry_id: str) -> KnowledgeEntry | None:
    """The entry with this stable id (ids appear in JSON output and tests), if any."""
    return next((e for e in all_entries() if e.id == entry_id), None)


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
