"""Column widths that fit the table's width: names whole, free text gets what is left.

Fixed widths cut target and check names at 120 columns while the screen had room to spare
("azurerm_log_analytics_workspace/mai"). Here each column has a kind:
- `name` (a target, a check title) and `short` (an icon, a status, a phase, a time) are as wide as
  their longest cell: they are never cut;
- `text` (detail, fix) share the rest, each at most as wide as its longest cell; they are cut
  (ending in …) when the table is too narrow, never the names.
Tables call `fit_columns()` on resize and whenever their rows or cells change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.cells import cell_len
from textual.widgets import DataTable

NAME, SHORT, TEXT = "name", "short", "text"
MIN_TEXT = 8  # a text column narrower than this says nothing


def fit_widths(available: int, naturals: Mapping[str, int], kinds: Mapping[str, str]) -> dict[str, int]:
    """Each column's width (without padding) for a table `available` cells wide."""
    widths = {key: natural for key, natural in naturals.items() if kinds[key] != TEXT}
    texts = [key for key in naturals if kinds[key] == TEXT]
    left = max(0, available - sum(widths.values()))
    # Share what is left: the narrowest wants first, each gets at most its natural width.
    for index, key in enumerate(sorted(texts, key=lambda k: naturals[k])):
        share = left // (len(texts) - index)
        widths[key] = max(min(naturals[key], share), min(MIN_TEXT, naturals[key]))
        left = max(0, left - widths[key])
    return {key: widths[key] for key in naturals}


def natural_widths(table: DataTable[Any]) -> dict[str, int]:
    """Each column's longest cell (or its label), in cells."""
    naturals: dict[str, int] = {}
    for key, column in table.columns.items():
        longest = max((cell_len(str(cell)) for cell in table.get_column(key)), default=0)
        naturals[str(key.value)] = max(longest, cell_len(column.label.plain))
    return naturals


def fit_columns(table: DataTable[Any], kinds: Mapping[str, str]) -> None:
    """Set the table's column widths for its current width and content."""
    if not table.columns or table.size.width == 0:
        return
    available = table.scrollable_content_region.width - 2 * table.cell_padding * len(table.columns)
    widths = fit_widths(available, natural_widths(table), kinds)
    changed = False
    for key, column in table.columns.items():
        width = widths[str(key.value)]
        if column.width != width or column.auto_width:
            column.width, column.auto_width = width, False
            changed = True
    if changed:
        table._clear_caches()  # rendered rows are cached at the old widths
        table._require_update_dimensions = True
        table.refresh()
