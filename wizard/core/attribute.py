"""Attribute a batch of output lines to targets, with a fast path for floods.

A flood is almost always one terraform resource (or its `local-exec`) printing line after line
with the same `addr: ` prefix. Those lines change no parser state (`OutputParser._continues`), so
instead of feeding them one by one, one regex search over the batch (joined by newlines) finds
where the run ends and the run's targets are filled in at once. Every other line goes through
`OutputParser.feed` as usual. The result is the same as feeding every line: the parser tests
cover that equivalence.
"""

from __future__ import annotations

import re

from wizard.core.parse import TF_ACTION_FIRST, OutputParser, TargetUpdate

_ACTION_CLASS = "".join(re.escape(char) for char in sorted(TF_ACTION_FIRST))
_BREAKERS: dict[str, re.Pattern[str]] = {}


def _breaker(head: str) -> re.Pattern[str]:
    """Finds the newline before the first line that is not `head` + a non-status rest."""
    pattern = _BREAKERS.get(head)
    if pattern is None:
        if len(_BREAKERS) > 256:  # resource addresses of one run; a bound all the same
            _BREAKERS.clear()
        pattern = _BREAKERS[head] = re.compile(f"\n(?!{re.escape(head)}(?![{_ACTION_CLASS}]))")
    return pattern


def attribute(
    parser: OutputParser, texts: list[str], joined: str
) -> tuple[list[str | None], dict[str, TargetUpdate]]:
    """The target of each line of `texts` (`joined` is `"\\n".join(texts)`; no text holds a
    newline) and the last update per target, in the order the targets last changed."""
    targets: list[str | None] = []
    updates: dict[str, TargetUpdate] = {}
    framed = "\n" + joined  # line i starts right after the newline at offset `pos`
    pos, i, count = 0, 0, len(texts)
    while i < count:
        head, head_target = parser.continuation
        if head is not None:
            found = _breaker(head).search(framed, pos)
            end = found.start() if found is not None else len(framed)
            run = framed.count("\n", pos, end)
            if run:
                targets += [head_target] * run
                parser.index += run
                i += run
                pos = end
                if found is None:
                    break
        text = texts[i]
        attribution = parser.feed(text)
        targets.append(attribution.target)
        for update in attribution.updates:
            updates.pop(update.target, None)
            updates[update.target] = update
        pos += len(text) + 1
        i += 1
    return targets, updates
