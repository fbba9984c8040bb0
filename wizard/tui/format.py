"""Small presentation helpers shared by the widgets: icons, durations, target names, safe Text.

Everything that turns untrusted text (azd output, causes, details) into something drawable goes
through `plain()` so it is never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text

from wizard.core.durations import format_duration as format_duration  # the one duration format

ICONS = {
    "done": "✓",
    "failed": "✗",
    "running": "●",
    "skipped": "–",
    "warning": "!",
    "pending": "○",
    "cancelled": "⊘",
}
STATUS_WORDS = {
    "done": "Done",
    "failed": "Failed",
    "running": "Running",
    "skipped": "Skipped",
    "warning": "Warning",
    "pending": "Waiting",
    "cancelled": "Cancelled",
}
CHECK_ICONS = {"pass": "✓", "fixed": "✓", "warn": "!", "fail": "✗", "skip": "–"}
STATUS_STYLES = {
    "done": "green",
    "pass": "green",
    "fixed": "green",
    "failed": "bold red",
    "fail": "bold red",
    "running": "bold yellow",
    "warning": "yellow",
    "warn": "yellow",
    "cancelled": "magenta",
    "skipped": "dim",
    "skip": "dim",
    "pending": "dim",
}


def phase_text(status: str, phase: str) -> str:
    """What a row's phase column says: the target's own phase, else its status in words."""
    return phase or STATUS_WORDS.get(status, status)


def plain(text: object, style: str = "") -> Text:
    """Untrusted text as a Text: brackets and markup-like sequences stay literal."""
    return Text(str(text), style=style)


def status_text(status: str, *, check: bool = False, label: bool = False) -> Text:
    """An icon (and optionally the status word) coloured by status."""
    icon = (CHECK_ICONS if check else ICONS).get(status, "•")
    return Text(f"{icon} {status}" if label else icon, style=STATUS_STYLES.get(status, ""))


def masked_error(app: object, exc: BaseException) -> str:
    """An exception's text for a notification, through the engine's redactor (an SDK error may
    quote a connection string): the TUI shows nothing the engine would not."""
    redactor = getattr(getattr(app, "engine", None), "redactor", None)
    if redactor is None:
        from wizard.core.redact import Redactor

        redactor = Redactor()
    return str(redactor.mask(str(exc)))
