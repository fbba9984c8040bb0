"""How the fake azd writes, as real azd does under pipes (azd-behaviour.md §2-§4).

Human mode: every azd line, `ERROR:` included, on stdout, uncoloured. `--output json`: azd's own
lines become one-line `consoleMessage` envelopes on stderr and the result object goes to stdout.
Terraform and interactive hooks inherit azd's stdout in both modes (terraform keeps its colours).
Simulated durations are printed as azd would print them whatever the playback speed.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from typing import Any


def duration_text(seconds: float) -> str:
    """azd's DurationAsText: `less than a second`, `1 second`, `3 minutes 2 seconds`, `1 hour 5 minutes`."""
    total = int(seconds)
    if total < 1:
        return "less than a second"
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts: list[str] = []
    for value, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")):
        if value and len(parts) < 2:
            parts.append(f"{value} {unit}{'s' if value != 1 else ''}")
    return " ".join(parts)


def go_duration(seconds: float) -> str:
    """Go's time.Duration truncated to seconds: `45s`, `1m5s`."""
    total = int(seconds)
    minutes, secs = divmod(total, 60)
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


def go_duration_ms(seconds: float) -> str:
    """Go's time.Duration.String() at millisecond precision: `1.521s`, `21.9s`, `1m35.2s`."""
    millis = int(round(seconds * 1000))
    minutes, millis = divmod(millis, 60_000)
    secs = f"{millis // 1000}.{millis % 1000:03d}".rstrip("0").rstrip(".")
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


class Console:
    def __init__(self, *, json_mode: bool, speed: float) -> None:
        self.json_mode = json_mode
        self.speed = speed
        self.sim_clock = 0.0  # simulated seconds since the command started

    # -- time -------------------------------------------------------------------------------------
    def wait(self, seconds: float) -> None:
        """Advance the simulated clock; sleep `seconds × speed` of real time."""
        self.sim_clock += seconds
        if self.speed > 0 and seconds > 0:
            sys.stdout.flush()
            time.sleep(seconds * self.speed * 0.05)

    # -- writing ----------------------------------------------------------------------------------
    def line(self, text: str = "") -> None:
        """One of azd's own lines."""
        if self.json_mode:
            if text:
                envelope = {
                    "type": "consoleMessage",
                    "timestamp": datetime.now(UTC).astimezone().isoformat(),
                    "data": {"message": text + "\n"},
                }
                sys.stderr.write(json.dumps(envelope, ensure_ascii=False) + "\n")
                sys.stderr.flush()
            return
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def raw(self, text: str) -> None:
        """Output of a child (terraform, a hook) that inherits azd's stdout."""
        sys.stdout.write(text)
        sys.stdout.flush()

    def title(self, title: str, note: str) -> None:
        self.line()
        self.line(title)
        self.line(note)
        self.line()

    def error(self, message: str, suggestion: str | None = None) -> int:
        """Render an error the way azd's UX middleware does; returns the exit code (1)."""
        if self.json_mode:
            if suggestion:
                sys.stderr.write(json.dumps({"error": message, "suggestion": suggestion}) + "\n")
            else:
                self.line(f"\nERROR: {message}")
            return 1
        self.line()
        self.line(f"ERROR: {message}")
        if suggestion:
            self.line()
            self.line(f"Suggestion: {suggestion}")
        return 1

    def result(self, data: Any) -> None:
        if self.json_mode:
            sys.stdout.write(json.dumps(data, indent=2) + "\n")
            sys.stdout.flush()
