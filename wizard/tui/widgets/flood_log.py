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
Textual has no public hook for this, so `_update_size` is overridden: see the comment there, and
tests/test_textual_contract.py, which fails by name when Textual changes what is overridden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events
from textual.message import Message
from textual.widgets import Log

if TYPE_CHECKING:
    from typing import Self


_control_codes = re.compile("[\u0000-\u0014]").sub  # the codes Log draws as "�" (textual/widgets/_log.py)


def drawn(line: str) -> str:
    """A line as `Log` draws it: tabs expanded, control codes shown as "�"."""
    return _control_codes("�", line.expandtabs())


def widest(lines: list[str]) -> int:
    """The widest line's width in cells, as `Log` would measure it."""
    if not lines:
        return 0
    joined = "".join(lines)
    if joined.isascii() and "\t" not in joined:
        return max(map(len, lines))
    return max(len(line) if line.isascii() and "\t" not in line else cell_len(drawn(line)) for line in lines)


class FloodLog(Log):
    """A `Log` whose `auto_scroll` is the truth about following (see the module docstring)."""

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
        before = len(self.lines)
        super().write_lines(batch, scroll_end=False)
        follow = self.auto_scroll if scroll_end is None else scroll_end
        if follow:
            self._to_end()
        elif self.scroll_y > 0 and len(self.lines) == self.max_lines:
            # Old lines may have been dropped at max_lines: the text moved up by that many. Only a
            # paused view at the cap pays for counting them (Log splits each line as below).
            pruned = before + sum(len(line.splitlines()) for line in batch) - len(self.lines)
            if pruned > 0:
                self.scroll_to(y=max(0, self.scroll_y - pruned), animate=False, immediate=True)
        return self

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

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.auto_scroll = False  # and Widget's own handler scrolls

    # Private API, on purpose. `Log.write_lines` hands every batch to this thread worker to measure
    # its lines' widths, and Textual offers no public way to measure them otherwise (the module
    # docstring says why the thread hurts). Here the batch is measured on the spot, and the width
    # goes through Log's own `_update_maximum_width` (which keeps Log's width and virtual size
    # together). tests/test_textual_contract.py checks both signatures and the call in
    # `Log.write_lines`, and fails by name when a Textual release changes them.
    def _update_size(self, updates: int, lines: list[str]) -> None:  # type: ignore[override]
        if lines:
            self._update_maximum_width(updates, widest(lines))
