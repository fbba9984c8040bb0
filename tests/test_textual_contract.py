"""The private Textual API the product still leans on, pinned: each test fails by name, saying what
to re-check, when a Textual release renames or reshapes it.

Only `FloodLog._update_size` is left (Textual has no public way to measure a `Log` batch's widths
without its thread worker: see wizard/tui/widgets/flood_log.py). Everything else in wizard/ uses
public API; `test_flood_log_overrides_no_other_private_textual_method` keeps FloodLog to it.
"""

from __future__ import annotations

import inspect

from textual.reactive import var
from textual.widgets import Log

from wizard.tui.widgets.flood_log import FloodLog, drawn

WHY = "wizard/tui/widgets/flood_log.py overrides it to measure widths inline (no thread): re-check that override"


def test_log_update_size_keeps_the_signature_flood_log_overrides() -> None:
    found = str(inspect.signature(Log._update_size))
    expected = "(self, updates: 'int', lines: 'list[str]') -> 'None'"
    assert found == expected, f"textual's Log._update_size is now {found}, was {expected}: {WHY}"


def test_log_update_maximum_width_keeps_the_signature_flood_log_calls() -> None:
    found = str(inspect.signature(Log._update_maximum_width))
    expected = "(self, updates: 'int', size: 'int') -> 'None'"
    assert found == expected, f"textual's Log._update_maximum_width is now {found}, was {expected}: {WHY}"


def test_log_write_lines_still_measures_through_update_size() -> None:
    source = inspect.getsource(Log.write_lines)
    assert "self._update_size(self._updates, new_lines)" in source, (
        f"textual's Log.write_lines no longer calls self._update_size(self._updates, new_lines): {WHY}"
    )


def test_flood_log_follows_through_logs_auto_scroll_var() -> None:
    assert isinstance(Log.__dict__.get("auto_scroll"), var), (
        "textual's Log.auto_scroll is no longer a var: FloodLog.watch_auto_scroll (follow/pause) never runs"
    )


def test_drawn_lines_are_what_log_draws() -> None:
    for line in ("plain", "a\tb", "bell\x07 and nul\x00", "日本語\tx", "esc \x1b[31m stays"):
        assert drawn(line) == Log._process_line(line), f"textual's Log draws {line!r} differently: update flood_log.drawn"


def test_flood_log_overrides_no_other_private_textual_method() -> None:
    private = {name for name, member in vars(FloodLog).items() if inspect.isfunction(member) and name.startswith("_") and not name.startswith("__")}
    overridden = {name for name in private if any(name in vars(cls) for cls in Log.__mro__)}
    assert overridden == {"_update_size"}, f"FloodLog overrides private Textual API {sorted(overridden)}: use public API, or pin it here"
