"""Two helpers for reading source text by its syntax: a position's line, and a brace block's end."""

from __future__ import annotations


def line_of(text: str, pos: int) -> int:
    """1-based line number of `pos` in `text`."""
    return text.count("\n", 0, pos) + 1


def block_end(text: str, start: int) -> int:
    """Index just past the `}` closing the `{` at `start` (end of text when unbalanced or start < 0)."""
    if start < 0:
        return len(text)
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)
