"""Secret masking: the one redactor every line, notice, failure, record and report passes through.

Two kinds of masking, as GitHub Actions does them:
- **by value**: every value the wizard knows is secret (the azd environment's values under secret
  names, credentials it handles) is masked wherever it appears, also URL-encoded, JSON-escaped or
  in base64 (at any of the three alignments, so it is found inside a longer base64 blob);
- **by pattern**: the rules of `secret_rules` (detect-secrets' plugins and our own Azure rules),
  plus private-key blocks over several lines.

Floods stay cheap through one gate: a single RE2 set holds every rule's needles, every known
value and the few rules that have no needle, and answers in one pass over a 5 000-line batch
which of them occur. A batch no gate opens for costs that pass; a rule whose gate opens runs
only on the lines holding its needle. Rules never cross a line, so masking a batch equals masking
its lines one by one (the key-block state carries from one call to the next in both cases).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from wizard.core.secret_rules import Rule, all_rules, is_secret_key

MASK = "****"

_MIN_SECRET_LEN = 6
_BORING_VALUES = frozenset({"true", "false", "none", "null", "enabled", "disabled", "default"})
_MAX_LOCAL_LINES = 64
_TRIM_LEAD = " \t\"'=:,;"  # the delimiters a whole-match pattern (detect-secrets') takes along
_TRIM_TAIL = " \t\"':,;"  # not `=`: base64 padding belongs to the secret
_KEY_BLOCK_NEEDLE = "private key"
_KEY_BEGIN = re.compile(r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = "-----END"
_KEY_BLOCK_MAX_LINES = 200  # a 4096-bit RSA key is ~50 lines; a lost END marker must not mask forever

E = TypeVar("E")

__all__ = ["MASK", "MaskingDict", "Redactor", "is_secret_key", "secret_values"]


def secret_values(values: Mapping[str, str]) -> list[str]:
    """The values of `values` (an azd environment) stored under names that mark them secret."""
    return [v for k, v in values.items() if is_secret_key(k)]


def _worth_masking(value: str) -> bool:
    return len(value) >= _MIN_SECRET_LEN and value.lower() not in _BORING_VALUES


def encodings(value: str) -> set[str]:
    """`value` as a hook might print it: as is, URL-encoded, JSON-escaped, in base64."""
    found = {value, urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value), json.dumps(value)[1:-1]}
    raw = value.encode()
    for pad in range(3):  # base64 of a longer text holding the value, at each of the 3 alignments
        blob = base64.b64encode(b"\0" * pad + raw)
        start = (0, 2, 3)[pad]
        end = 4 * ((pad + len(raw)) // 3)
        for text in (blob[start:end], base64.urlsafe_b64encode(b"\0" * pad + raw)[start:end]):
            if len(text) >= 8:
                found.add(text.decode())
    for whole in (base64.b64encode(raw), base64.b64encode(raw + b"\n")):  # `echo $X | base64`
        found.add(whole.decode())
    return {f for f in found if len(f) >= _MIN_SECRET_LEN}


class _Gate:
    """Which needles (lower-case literals) and needle-less rules occur in a text, in one pass."""

    def __init__(self, needles: list[str], patterns: list[re.Pattern[str]]) -> None:
        self.needles = needles
        self.patterns = patterns
        self._set: Any = None
        self._python_patterns: list[tuple[int, re.Pattern[str]]] = list(enumerate(patterns, start=len(needles)))
        try:
            import re2  # google-re2: one linear pass for the whole set
        except ImportError:  # pragma: no cover - a dependency; the fallback is correct, only slower
            return
        options = re2.Options()
        options.case_sensitive = False
        gate = re2.Set.SearchSet(options)
        for needle in needles:
            gate.Add(re.escape(needle))
        leftover = []
        for index, pattern in enumerate(patterns, start=len(needles)):
            try:
                if gate.Add(pattern.pattern) != index:
                    raise ValueError(pattern.pattern)
            except Exception:  # RE2 lacks lookbehind: Python tests that rule
                # keep indices aligned: an impossible stand-in takes the slot
                gate.Add(r"[^\x00-\x{10FFFF}]")
                leftover.append((index, pattern))
        gate.Compile()
        self._set = gate
        self._python_patterns = leftover

    def hits(self, text: str) -> set[int]:
        if self._set is not None:
            # bytes: a lone surrogate (from a hostile decode) must not stop the masking
            found = self._set.Match(text.encode("utf-8", "surrogatepass"))
            hits = set(found) if found else set()
        else:
            lower = text.lower()
            hits = {i for i, needle in enumerate(self.needles) if needle in lower}
            hits |= {i for i, p in enumerate(self.patterns, start=len(self.needles)) if p.search(text)}
            return hits
        for index, pattern in self._python_patterns:
            if pattern.search(text):
                hits.add(index)
        return hits


class Redactor:
    """Masks known secret values and secret patterns in text, events and records."""

    def __init__(self, secrets: Iterable[str] = (), *, rules: tuple[Rule, ...] | None = None) -> None:
        self._rules = all_rules() if rules is None else rules
        self._literals: set[str] = set()
        self._literal_re: re.Pattern[str] | None = None
        self._in_key_block = 0  # lines left in a private-key block that began in an earlier text
        self._build_gate()
        self.add(secrets)

    @classmethod
    def from_env_values(cls, values: Mapping[str, str]) -> Redactor:
        return cls(secret_values(values))

    @classmethod
    def for_environment(cls, project_root: Path | None, env: str | None) -> Redactor:
        """The redactor for text from an azd environment: its secret values, the secret-named
        variables of this process's environment (azd and its hooks inherit them: a CI's
        `AZURE_CLIENT_SECRET`, `GITHUB_TOKEN`), and every pattern."""
        import os

        redactor = cls(secret_values(dict(os.environ)))
        if project_root is not None and env:
            from wizard.core.project import read_env_values

            redactor.add(secret_values(read_env_values(project_root, env)))
        return redactor

    # -- what is secret ---------------------------------------------------------------------------
    def add(self, secrets: Iterable[str]) -> None:
        """Values to mask from now on, wherever they appear (a resolved Key Vault secret, say)."""
        new: set[str] = set()
        for secret in secrets:
            if secret and _worth_masking(secret):
                new |= encodings(secret) - self._literals
        if not new:
            return
        self._literals |= new
        ordered = sorted(self._literals, key=len, reverse=True)
        self._literal_re = re.compile("|".join(re.escape(s) for s in ordered))
        self._build_gate()

    @property
    def known_values(self) -> int:
        return len(self._literals)

    def _build_gate(self) -> None:
        needles: list[str] = []
        where: dict[str, int] = {}
        self._needle_rules: list[list[int]] = []  # gate index -> rules it opens (-1: the literals)

        def needle_index(needle: str) -> int:
            if needle not in where:
                where[needle] = len(needles)
                needles.append(needle)
                self._needle_rules.append([])
            return where[needle]

        for number, rule in enumerate(self._rules):
            for needle in rule.needles or ():
                self._needle_rules[needle_index(needle)].append(number)
        self._needle_rules[needle_index(_KEY_BLOCK_NEEDLE)].append(-2)
        for literal in self._literals:
            self._needle_rules[needle_index(literal.lower())].append(-1)
        ungated = [number for number, rule in enumerate(self._rules) if not rule.needles]
        self._needles = needles
        self._ungated = ungated
        self._gate = _Gate(needles, [self._rules[n].pattern for n in ungated])

    # -- masking ----------------------------------------------------------------------------------
    def mask(self, text: str) -> str:
        """`text` (one line or a batch of lines joined by newlines) with every secret masked."""
        if not text:
            return text
        hits = self._gate.hits(text)
        if not hits and not self._in_key_block:
            return text
        opened: dict[int, list[str]] = {}
        literals = key_block = False
        count = len(self._needles)
        for hit in hits:
            if hit >= count:
                opened.setdefault(self._ungated[hit - count], [])
                continue
            for number in self._needle_rules[hit]:
                if number == -1:
                    literals = True
                elif number == -2:
                    key_block = True
                else:
                    opened.setdefault(number, []).append(self._needles[hit])
        if literals and self._literal_re is not None:
            text = self._literal_re.sub(MASK, text)
        if key_block or self._in_key_block:  # before the rules: they may touch the BEGIN marker
            text = self._mask_key_blocks(text)
        lower: str | None = None
        for number in sorted(opened):
            rule = self._rules[number]
            needles = opened[number]
            if lower is None:
                lower = text.lower()
            masked = _apply(rule, text, lower if len(lower) == len(text) else None, needles)
            if masked != text:
                text, lower = masked, None
        return text

    def mask_lines(self, lines: list[str]) -> list[str]:
        """A batch of lines masked at once (one gate pass); the same list when nothing changed."""
        joined = "\n".join(lines)
        masked = self.mask(joined)
        return lines if masked is joined else masked.split("\n")

    def mask_value(self, value: Any) -> Any:
        """Every string inside `value` (str, dict, list, tuple, frozen dataclass) masked."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):
            return {k: self.mask_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.mask_value(v) for v in value]
        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            return tuple(self.mask_value(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {}
            for f in dataclasses.fields(value):
                if not f.init:
                    continue
                old = getattr(value, f.name)
                new = self.mask_value(old)
                if new is not old and new != old:
                    changes[f.name] = new
            return dataclasses.replace(value, **changes) if changes else value
        return value

    def mask_event(self, event: E) -> E:
        """An engine event with every text in it masked (a batch of lines in one pass)."""
        texts = getattr(event, "texts", None)
        if isinstance(texts, tuple):  # LinesReceived: the flood path, one gate pass per batch
            masked = self.mask_lines(list(texts))
            return event if masked == list(texts) else dataclasses.replace(event, texts=tuple(masked))  # type: ignore[type-var]  # E is any event; this branch holds only LinesReceived (it has texts)
        return self.mask_value(event)

    def _mask_key_blocks(self, text: str) -> str:
        lines = text.split("\n")
        changed = False
        for i, line in enumerate(lines):
            if self._in_key_block:
                if _KEY_END in line:
                    self._in_key_block = 0
                    head, end, tail = line.partition(_KEY_END)
                    new = (MASK if head.strip() else head) + end + tail
                else:
                    self._in_key_block -= 1
                    new = MASK if line.strip() else line
                if new != line:
                    lines[i], changed = new, True
                continue
            begin = _KEY_BEGIN.search(line)
            if begin is not None:
                rest = line[begin.end():]
                if _KEY_END not in rest:
                    self._in_key_block = _KEY_BLOCK_MAX_LINES
                    if rest.strip():
                        lines[i], changed = line[: begin.end()] + MASK, True
        return "\n".join(lines) if changed else text


class MaskingDict(dict[str, Any]):
    """A dict whose values are masked as they are stored (the engine's facts: the summary and the
    screens read them directly)."""

    def __init__(self, mask: Callable[[Any], Any]) -> None:
        super().__init__()
        self._mask = mask

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, self._mask(value))

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value


def _apply(rule: Rule, text: str, lower: str | None, needles: list[str]) -> str:
    """`rule` applied to the lines of `text` holding one of its `needles` (found in `lower`, which
    has the same offsets), or to the whole text when there is no needle or too many such lines."""
    pattern = rule.pattern

    def repl(match: re.Match[str]) -> str:
        whole = match.group(0)
        if "\n" in whole:  # a `\s` reached over a line end: mask each line on its own
            return "\n".join(pattern.sub(repl, part) for part in whole.split("\n"))
        if rule.name_group is not None and not is_secret_key(match.group(rule.name_group) or ""):
            return whole
        spans = _secret_spans(rule, match)
        if not spans:
            return whole
        base = match.start()
        out, last = [], 0
        for start, end in spans:
            out += [whole[last : start - base], MASK]
            last = end - base
        out.append(whole[last:])
        return "".join(out)

    if not needles or lower is None or "\n" not in text:
        return pattern.sub(repl, text)
    spans: set[tuple[int, int]] = set()
    for needle in needles:
        at = lower.find(needle)
        while at != -1:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end == -1 else end
            spans.add((start, end))
            if len(spans) > _MAX_LOCAL_LINES:
                return pattern.sub(repl, text)
            at = lower.find(needle, end)
    pieces, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        pieces += [text[last:start], pattern.sub(repl, text[start:end])]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _secret_spans(rule: Rule, match: re.Match[str]) -> list[tuple[int, int]]:
    """Where the secret is in `match`: the rule's groups, else the longest group, else all of it."""
    groups = rule.secret_groups
    if not groups and match.re.groups:
        longest = max(range(1, match.re.groups + 1), key=lambda g: len(match.group(g) or ""))
        if len(match.group(longest) or "") >= _MIN_SECRET_LEN:
            groups = (longest,)
    if groups:
        spans = [match.span(g) for g in groups if match.group(g)]
        return [(a, b) for a, b in spans if not _already_masked(match.string[a:b])]
    start, end = match.span()
    whole = match.string
    while start < end and whole[start] in _TRIM_LEAD:
        start += 1
    while end > start and whole[end - 1] in _TRIM_TAIL:
        end -= 1
    if end - start < 4 or _already_masked(whole[start:end]):
        return []
    return [(start, end)]


def _already_masked(secret: str) -> bool:
    return not secret.strip("*")
