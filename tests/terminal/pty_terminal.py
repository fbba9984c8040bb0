"""The real `deploy-wizard` in a pseudo-terminal, read through a terminal emulator (pyte).

What a test sees is what a person sees: the screen as a VT emulator draws it from the bytes the
wizard writes, keys arrive as the escape sequences a terminal sends. Like a modern terminal, the
emulator answers Textual's query for synchronized output (mode 2026), so every frame is applied
whole and a test never reads a half-drawn screen.

Waiting is always on the screen: `wait_for` re-checks its condition on every frame, with a
generous deadline; there are no fixed sleeps. `close()` kills the wizard's process group and
every process that inherited the session's marker (azd runs in its own group), then reaps.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import struct
import subprocess
import termios
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyte
from wcwidth import wcwidth

from tests.leftovers import APP_MARKER, kill_marked

SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_SUPPORTED = b"\x1b[?2026;2$y"  # DECRPM: mode known, currently reset

# Textual's `textual-dark` theme draws the focused widget's border in its primary colour; an
# unfocused one gets the muted `$border-blurred`.
FOCUS_BORDER = "0178d4"
TALL_LEFT, TALL_RIGHT = "▊", "▎"
VS16 = "\ufe0f"

KEYS: dict[str, bytes] = {
    "enter": b"\r",
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
    "escape": b"\x1b",
    "backspace": b"\x7f",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "pageup": b"\x1b[5~",
    "pagedown": b"\x1b[6~",
    "slash": b"/",
    "space": b" ",
}

FOOTER_KEY = re.compile(r"(\^?\S+) ([A-Z][\w/ -]*?)(?=\s{2,}|\s*▏|\s*$)")


def key_bytes(key: str) -> bytes:
    """What a terminal sends for a key name (`n`, `enter`, `ctrl+q`, `pageup`)."""
    if key in KEYS:
        return KEYS[key]
    if key.startswith("ctrl+") and len(key) == 6:
        return bytes([ord(key[-1].lower()) - ord("a") + 1])
    if len(key) == 1:
        return key.encode()
    raise ValueError(f"no escape sequence known for key {key!r}")


@dataclass(frozen=True)
class Cell:
    char: str
    fg: str
    bg: str
    reverse: bool
    bold: bool


@dataclass(frozen=True)
class Screen:
    """One frame as drawn: text lines and every cell's colours."""

    lines: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def has(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def row_of(self, text: str, start: int = 0) -> int | None:
        return next((y for y in range(start, len(self.lines)) if text in self.lines[y]), None)

    def region(self, top: int, bottom: int, left: int = 0, right: int | None = None) -> list[str]:
        """Rows top..bottom-1, columns left..right-1, as drawn."""
        return [line[left:right] for line in self.lines[top:bottom]]

    @property
    def footer(self) -> str:
        return self.lines[-1]

    def footer_keys(self) -> dict[str, str]:
        """The footer's bindings as `key -> label` (`{"n": "Next", "^q": "Quit"}`)."""
        text = self.footer.split("▏")[0]
        return {m[1]: m[2].strip() for m in FOOTER_KEY.finditer(text)}

    def focused_field(self) -> str | None:
        """The text inside the input or select whose border is drawn in the focus colour."""
        for y, row in enumerate(self.cells):
            for x, cell in enumerate(row):
                if cell.char != TALL_LEFT or cell.fg != FOCUS_BORDER:
                    continue
                line = self.lines[y]
                end = line.find(TALL_RIGHT, x + 1)
                inner = line[x + 1 : end if end > 0 else None]
                if inner.strip("▔▁ "):  # the content row, not the top or bottom edge
                    return inner.strip()
        return None

    def highlighted(self, text: str) -> bool:
        """Whether the row showing `text` is a focused table's cursor row (drawn in the focus colour)."""
        y = self.row_of(text)
        if y is None:
            return False
        x = self.lines[y].find(text)
        return all(cell.bg == FOCUS_BORDER for cell in self.cells[y][x : x + len(text)])

    def cursor_after(self, text: str) -> bool:
        """Whether a drawn text cursor (a cell in reverse colours) follows `text` on its row."""
        for y, line in enumerate(self.lines):
            x = line.find(text)
            if x < 0:
                continue
            after = x + len(text)
            if after < len(self.cells[y]):
                cell = self.cells[y][after]
                inside = self.cells[y][x] if text else cell
                if cell.bg != inside.bg and cell.bg == self.cells[y][x].fg:
                    return True
        return False


class EmojiScreen(pyte.Screen):
    """pyte's screen, drawing a character followed by VS16 (U+FE0F) as one wide emoji cell.

    pyte 0.8 stops drawing the rest of a string at a zero-width non-combining character, so
    `ℹ️  text` (the accelerator's hook banners) would lose `text`. Rich measures the pair as two
    cells and so do modern terminals; the pair is kept whole in its cell, the next is its tail.
    """

    def draw(self, data: str) -> None:
        parts = data.split(VS16)
        for index, part in enumerate(parts):
            if part:
                super().draw(part)
            if index == len(parts) - 1 or not part:
                continue
            x, y = self.cursor.x, self.cursor.y
            if x == 0:
                continue
            cell = self.buffer[y][x - 1]
            self.buffer[y][x - 1] = cell._replace(data=cell.data + VS16)
            if wcwidth(part[-1]) == 1 and x < self.columns:
                self.buffer[y][x] = cell._replace(data="")
                self.cursor.x += 1


class TerminalApp:
    """A command running in a pty of `size`, drawn by pyte; see the module docstring."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        size: tuple[int, int] = (120, 40),
        env: Mapping[str, str],
        cwd: Path,
    ) -> None:
        self.columns, self.rows = size
        self.argv = list(argv)
        self._screen = EmojiScreen(self.columns, self.rows)
        self._stream = pyte.ByteStream(self._screen)
        self._pending = b""
        self._frames = 0
        self._eof = False
        self._changed = threading.Condition()
        self.marker = uuid.uuid4().hex
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.columns, 0, 0))
        self.process = subprocess.Popen(
            self.argv, stdin=slave, stdout=slave, stderr=slave, env={**env, APP_MARKER: self.marker}, cwd=cwd,
            start_new_session=True,
        )
        os.close(slave)
        self._fd = master
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    # -- the emulator --------------------------------------------------------------------------
    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except OSError:  # EIO: the child closed its side
                data = b""
            with self._changed:
                if not data:
                    self._eof = True
                    self._changed.notify_all()
                    return
                if SYNC_QUERY in data:
                    with contextlib.suppress(OSError):
                        os.write(self._fd, SYNC_SUPPORTED)
                self._pending += data
                self._apply_frames()
                self._changed.notify_all()

    def _apply_frames(self) -> None:
        """Feed the emulator everything outside synchronized blocks, and each block once whole."""
        while True:
            start = self._pending.find(SYNC_START)
            if start < 0:
                keep = next((k for k in range(len(SYNC_START) - 1, 0, -1) if self._pending.endswith(SYNC_START[:k])), 0)
                cut = len(self._pending) - keep
                self._stream.feed(self._pending[:cut])
                self._pending = self._pending[cut:]
                return
            self._stream.feed(self._pending[:start])
            end = self._pending.find(SYNC_END, start)
            if end < 0:
                self._pending = self._pending[start:]
                return
            self._stream.feed(self._pending[start + len(SYNC_START) : end])
            self._frames += 1
            self._pending = self._pending[end + len(SYNC_END) :]

    def _snapshot(self) -> Screen:
        buffer = self._screen.buffer
        cells = tuple(
            tuple(
                Cell(c.data, c.fg, c.bg, c.reverse, c.bold)
                for c in (buffer[y][x] for x in range(self.columns))
            )
            for y in range(self.rows)
        )
        return Screen(tuple("".join(c.char for c in row) for row in cells), cells)

    # -- what a test does ----------------------------------------------------------------------
    @property
    def screen(self) -> Screen:
        with self._changed:
            return self._snapshot()

    def wait_for(self, condition: Callable[[Screen], object], what: str, timeout: float = 60.0) -> Screen:
        """The first frame on which `condition` holds; fails with the last frame if none does."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                shown = self._snapshot()
                if condition(shown):
                    return shown
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    state = "the wizard exited" if self._eof else f"not within {timeout:.0f}s"
                    raise AssertionError(f"{what}: {state}; the screen shows:\n{shown.text}")
                self._changed.wait(min(left, 0.5))

    def wait_for_text(self, text: str, timeout: float = 60.0) -> Screen:
        return self.wait_for(lambda s: s.has(text), f"waiting for {text!r}", timeout)

    def press(self, *keys: str) -> None:
        for key in keys:
            os.write(self._fd, key_bytes(key))

    def press_until(self, key: str, condition: Callable[[Screen], object], what: str, tries: int = 6) -> Screen:
        """Press `key` (Tab, say) until the screen shows `condition`, at most `tries` times."""
        for _ in range(tries):
            if condition(self.screen):
                return self.screen
            self.press(key)
            with contextlib.suppress(AssertionError):
                return self.wait_for(condition, what, timeout=3)
        return self.wait_for(condition, f"{what} (after {tries} x {key})", timeout=0)

    def type(self, text: str) -> None:
        os.write(self._fd, text.encode())

    def wait_exit(self, timeout: float = 30.0) -> int:
        return self.process.wait(timeout=timeout)

    def close(self) -> None:
        """Kill the wizard's group and everything it started (marked), reap, close the pty."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        kill_marked(self.marker, APP_MARKER)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._reader.join(timeout=5)
