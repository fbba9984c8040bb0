"""Which knowledge-base entry explains some output lines (`best_match`), and where it matched.

An entry matches when one of its `codes` is among the failure's Azure error codes or at least
one `match` regex finds a line (an entry with neither matches on `match_all` alone), every
`match_all` regex finds a line, and no `exclude` regex does. Entries whose `unless_done` /
`requires_done` disagree with the run's history (the steps that already succeeded) are skipped.
The best entry wins: the one that names the root error code, then one that names another code of
the failure, then the one whose `steps` name the failing step, then higher `priority`, then more
matching patterns, then the longest matched evidence. Kept apart from `diagnose` so `explain` can ask "what is this?" of text that
has no failing step or parser context (a container log, a finding).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from wizard.core.kb import KnowledgeEntry, all_entries

_MAX_LINE = 8192  # longer lines are matched on their first characters only


@dataclass
class EntryMatch:
    """A matching entry, the line indices that prove it and its named groups (for `fill`)."""

    entry: KnowledgeEntry
    indices: list[int]
    groups: dict[str, str]
    patterns: int
    chars: int
    code_rank: int = 0
    code: str | None = None  # the failure's code this entry explains, if it matched by code

    def score(self, step: str | None) -> tuple[int, int, int, int, int]:
        """Sort key for the best entry: code, step, priority, patterns matched, evidence length."""
        return (self.code_rank, self.entry.step_rank(step), self.entry.priority, self.patterns, self.chars)


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


def _match_entry(
    entry: KnowledgeEntry, corpus: _Corpus, codes: tuple[str, ...] = ()
) -> EntryMatch | None:
    code_rank = entry.code_rank(codes)
    code = next((c for c in codes if c in entry.codes), None) if code_rank else entry.family_hit(codes)
    if (entry.codes or entry.code_families) and code is None and not entry.match:
        return None
    for pattern in entry.exclude:
        if corpus.search(pattern):
            return None
    indices: list[int] = []
    groups: dict[str, str] = {}
    chars = 0
    count = 0
    any_hit = code is not None or not entry.match
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
    if code is not None:
        groups.setdefault("code", code)
    return EntryMatch(entry, sorted(set(indices)), groups, count, chars, code_rank, code)


def best_match(
    texts: Sequence[str],
    step: str | None = None,
    *,
    codes: Sequence[str] = (),
    done: frozenset[str] = frozenset(),
) -> EntryMatch | None:
    """The best entry for these lines (indices in the result point into `texts`), if any.

    `codes` are the failure's Azure / Entra / Bicep error codes, root cause first; `done` the
    steps that already succeeded in this run."""
    if not texts and not codes:
        return None
    corpus = _Corpus(texts)
    codes = tuple(codes)
    best: EntryMatch | None = None
    for entry in all_entries():
        if not entry.applies_after(done):
            continue
        found = _match_entry(entry, corpus, codes)
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
