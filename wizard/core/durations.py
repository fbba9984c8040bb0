"""How every front end writes a duration: `0.3s`, `4s`, `2m05s`, `1h02m` (the TUI, `--plain`,
`report`, the serve host page)."""

from __future__ import annotations


def format_duration(seconds: float | None, *, whole: bool = False) -> str:
    """`4s`, `0.3s`, `2m05s`, `1h02m`; empty when unknown. `whole`: whole seconds only (no tenths
    under a second, none rounded up), for ages and run lengths in lists."""
    if seconds is None:
        return ""
    seconds = max(0.0, seconds)
    if seconds < 60:
        if whole:
            return f"{int(seconds)}s"
        return f"{seconds:.0f}s" if seconds >= 1 or seconds == 0 else f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
