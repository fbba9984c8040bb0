"""FloodLog: Textual's `Log` that follows the newest line for as long as it says it does, and
measures the width of new lines on the event loop, cheaply.

Following. `Log.write_lines` scrolls to the end only when the view is at the end *at the moment
of writing*. The step screen's log shares its height with the target table above it: each new row
shrinks the log, the end moves down, the view stays where it was, and from then on no write
scrolls — the log said "● following" while it showed the top of the stream. Here `auto_scroll`
(Log's own var) is the follow state itself: while it is on, every write and every resize scroll
to the end once the layout is done (after the refresh, when the new height is known); switching it
on goes to the end at once (`watch_auto_scroll`). While it is off the view stays on the lines the
person chose, also when old lines are dropped at `max_lines`. A person scrolling up (keys or
wheel) switches it off. Every switch posts `FollowChanged`, so the owner can show it.

Widths. `Log.write_lines` hands every batch to a thread worker that measures each line's cell
width to size the horizontal scroll. During a 100k-line flood that thread holds the GIL for tens
of milliseconds at a time, and the event loop (the engine's reader, the repaint) waits for it.
Lines here are already cleaned (no control characters), so the width of an ASCII line without
tabs is its length: one C-level pass over the batch. Only the other lines are measured one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events
from textual.message import Message
from textual.widgets import Log

if TYPE_CHECKING:
    from typing import Self


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
    """A `Log` whose `auto_scroll` is the truth about following (see the module docstring)."""

    _pruned = 0  # lines dropped at max_lines by the last write

    class FollowChanged(Message):
        """Following was switched on or off (by the person scrolling, or by the owner)."""

        def __init__(self, following: bool) -> None:
            super().__init__()
            self.following = following

    def watch_auto_scroll(self, was: bool, on: bool) -> None:
        if was == on:  # `Log.__init__` setting the default
            return
        if on:
            self._to_end()
        self.post_message(self.FollowChanged(on))

    def write_lines(self, lines: Iterable[str], scroll_end: bool | None = None) -> Self:
        """Append lines; the view goes to the end while following, else keeps its lines in view.

        Blank lines stay lines (`Log` splits each line with `splitlines()`, and `"".splitlines()`
        is empty: a blank line of the stream would vanish from the log).
        """
        batch = lines if isinstance(lines, list) else list(lines)
        if "" in batch:
            batch = [line or " " for line in batch]
        self._pruned = 0
        super().write_lines(batch, scroll_end=False)
        follow = self.auto_scroll if scroll_end is None else scroll_end
        if follow:
            self._to_end()
        elif self._pruned and self.scroll_y > 0:  # old lines dropped at max_lines: the text moved up
            self.scroll_to(y=max(0, self.scroll_y - self._pruned), animate=False, immediate=True)
        return self

    def _prune_max_lines(self) -> None:
        before = len(self._lines)
        super()._prune_max_lines()
        self._pruned += before - len(self._lines)

    def _to_end(self) -> None:
        self.scroll_end(animate=False, immediate=True, x_axis=False)  # as far as the current layout goes
        self.call_after_refresh(self._end_if_following)  # and again once a relayout moved the end

    def _end_if_following(self) -> None:
        if self.auto_scroll and not self.is_vertical_scrollbar_grabbed and not self.is_vertical_scroll_end:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def on_resize(self, event: events.Resize) -> None:
        if self.auto_scroll:
            self._to_end()

    # -- the person scrolling up pauses following ------------------------------------------------
    def action_scroll_up(self) -> None:
        self.auto_scroll = False
        super().action_scroll_up()

    def action_page_up(self) -> None:
        self.auto_scroll = False
        super().action_page_up()

    def action_scroll_home(self) -> None:
        self.auto_scroll = False
        super().action_scroll_home()

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.auto_scroll = False
        super()._on_mouse_scroll_up(event)

    def _update_size(self, updates: int, lines: list[str]) -> None:  # type: ignore[override]
        if lines:
            self._update_maximum_width(updates, widest(lines))
