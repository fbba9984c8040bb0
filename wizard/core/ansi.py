"""Terminal-control clean-up for child output: one raw line in, one plain printable line out.

azd passes terraform's coloured output straight through, TTY-mode tools redraw with bare `\\r`,
and pasted transcripts carry CRLF. Everything downstream (parser, log view, records) wants plain
text, so the runner calls `clean_line` on every line it reads.
"""

from __future__ import annotations

import re

# CSI (ESC [ ... final), OSC (ESC ] ... BEL | ESC \), other ESC sequences (charset selection,
# keypad modes, ESC 7/8...), the 8-bit CSI introducer, and a dangling ESC at the end.
_ANSI_RE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]              # CSI ... final byte
  | \x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)? # OSC ... BEL or ST (or cut off at end of line)
  | \x1b[PX^_][^\x1b\n]*(?:\x1b\\)?      # DCS / SOS / PM / APC strings
  | \x1b[ -/]*[0-~]                      # two/three-byte escapes: ESC ( B, ESC 7, ESC =
  | \x9b[0-?]*[ -/]*[@-~]                # 8-bit CSI
  | \x1b                                 # a lone ESC
    """,
    re.VERBOSE,
)
# No alternative matches a newline, so stripping a block of lines at once equals stripping each.

# C0 controls except tab (and \r, handled separately), DEL and the C1 range.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x0c\x0e-\x1f\x7f-\x9f]")
# Anything that needs work at all: cheap rejection for the common plain line.
_NEEDS_WORK_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")

REPLACEMENT = "\ufffd"


def strip_ansi(text: str) -> str:
    """Remove ANSI/VT escape sequences (SGR colours, cursor moves, OSC 8 links...)."""
    if "\x1b" not in text and "\x9b" not in text:
        return text
    return _ANSI_RE.sub("", text)


def clean_line(raw: str) -> str:
    """One raw output line -> what a person would have seen on that line.

    * trailing `\\r\\n` / `\\n` / `\\r` removed;
    * ANSI CSI/OSC sequences removed;
    * bare `\\r` redraws (spinners, progress bars) collapsed to the last non-empty segment;
    * other control characters (NUL, BEL, backspace...) replaced by U+FFFD; tab is kept.
    """
    text = raw.rstrip("\r\n")
    if not _NEEDS_WORK_RE.search(text):
        return text
    text = strip_ansi(text)
    if "\r" in text:
        segments = [s for s in text.split("\r") if s.strip()]
        text = segments[-1] if segments else ""
    if _CONTROL_RE.search(text):
        text = _CONTROL_RE.sub(REPLACEMENT, text)
    return text


def clean_text(text: str) -> list[str]:
    """A whole transcript -> cleaned lines (split on `\\n` only, so line numbers match editors)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [clean_line(line) for line in lines]
