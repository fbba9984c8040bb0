"""FloodLog: Textual's `Log`, measuring the width of new lines on the event loop, cheaply.

`Log.write_lines` hands every batch to a thread worker that measures each line's cell width to
size the horizontal scroll. During a 100k-line flood that thread holds the GIL for tens of
milliseconds at a time, and the event loop (the engine's reader, the repaint) waits for it. Lines
here are already cleaned (no control characters), so the width of an ASCII line without tabs is
its length: one C-level pass over the batch. Only the other lines are measured one by one.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Log


def widest(lines: list[str]) -> int:
    """The widest line's width in cells, as `Log` would measure it."""
    if not lines:
        return 0
    joined = "".join(lines)
    if joined.isascii() and "\t" not in joined:
        return max(map(len, lines))
    process = Log._process_line
    return max(len(line) if line.isascii() and "\t" not in line else cell_len(process(line)) for line in lines)


class FloodLog(Log):
    """A `Log` whose width bookkeeping runs inline instead of in a thread worker."""

    def _update_size(self, updates: int, lines: list[str]) -> None:  # type: ignore[override]
        if lines:
            self._update_maximum_width(updates, widest(lines))
