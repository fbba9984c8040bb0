"""Async subprocess runner for azd and its children.

Why it looks like this (see textual-notes.md §2.1, azd-behaviour.md §7):
- azd under pipes dies on SIGINT without cleanup and does not signal its children (terraform,
  hooks, docker), so the child gets its own process group and cancel signals the whole group:
  SIGINT, then SIGTERM after a grace period, then SIGKILL; it is always reaped.
- stdin is closed (DEVNULL): a hook that prompts gets EOF instead of hanging the run.
- Output is read in raw chunks (no 64 KiB line limit), split into lines, cleaned (ANSI, bare `\r`
  redraws, invalid UTF-8) and delivered in time-sliced batches, so a 100k-line flood costs a few
  dozen callbacks instead of 100k.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from wizard.core.ansi import clean_line, strip_ansi

LinesCallback = Callable[[list[str]], Awaitable[None] | None]
RawCallback = Callable[[bytes], None]
SpawnCallback = Callable[[int | None], None]  # the child's pid (= its process group) once started; None once reaped

CHUNK = 1 << 16
MAX_LINE = 1 << 20  # a line longer than this is delivered in 1 MiB pieces
SHOWN_LINE = 1 << 14  # longer lines are cut for display (the raw log keeps them whole)


@dataclass(frozen=True)
class ProcessResult:
    returncode: int
    cancelled: bool
    duration: float
    lines: int

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.cancelled


class ProcessRunner:
    """Runs one command at a time; `cancel()` may be called from any task."""

    def __init__(
        self,
        *,
        flush_interval: float = 0.05,
        max_batch: int = 5000,
        grace_int: float = 3.0,
        grace_term: float = 2.0,
        on_spawn: SpawnCallback | None = None,
    ) -> None:
        self.on_spawn = on_spawn
        self.flush_interval = flush_interval
        self.max_batch = max_batch
        self.grace_int = grace_int
        self.grace_term = grace_term
        self._proc: asyncio.subprocess.Process | None = None
        self._cancelled = False
        self._killer: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.returncode is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    async def run(
        self,
        argv: Sequence[str],
        *,
        on_lines: LinesCallback,
        on_raw: RawCallback | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
    ) -> ProcessResult:
        """Run argv, streaming cleaned lines to `on_lines` in batches; returns when reaped."""
        self._cancelled = False
        started = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
        self._proc = proc
        if self.on_spawn is not None:
            self.on_spawn(proc.pid)
        _widen_pipe(proc)
        count = 0
        try:
            count = await self._pump(proc, on_lines, on_raw)
            await proc.wait()
        finally:
            # Cancelled task, crash in a callback, or normal end: nothing of the group survives a
            # cancel, and the child is always reaped.
            if proc.returncode is None:
                self._cancelled = True
                await self._terminate(proc)
            elif self._cancelled:
                _killpg(proc.pid, signal.SIGKILL)
            if self._killer is not None:
                self._killer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._killer
                self._killer = None
            self._proc = None
            if self.on_spawn is not None:
                self.on_spawn(None)
        assert proc.returncode is not None
        return ProcessResult(
            returncode=proc.returncode,
            cancelled=self._cancelled,
            duration=time.monotonic() - started,
            lines=count,
        )

    def cancel(self) -> None:
        """SIGINT the group now; SIGTERM and SIGKILL follow if it does not end."""
        proc = self._proc
        if proc is None or proc.returncode is not None or self._killer is not None:
            self._cancelled = True
            return
        self._cancelled = True
        self._killer = asyncio.get_running_loop().create_task(self._terminate(proc))

    async def _terminate(self, proc: asyncio.subprocess.Process) -> None:
        for sig, grace in (
            (signal.SIGINT, self.grace_int),
            (signal.SIGTERM, self.grace_term),
            (signal.SIGKILL, 5.0),
        ):
            _killpg(proc.pid, sig)
            try:
                await asyncio.wait_for(asyncio.shield(proc.wait()), grace)
                break
            except TimeoutError:
                continue
        # Grandchildren that ignored the signals or outlived azd.
        _killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            await proc.wait()

    async def _pump(
        self,
        proc: asyncio.subprocess.Process,
        on_lines: LinesCallback,
        on_raw: RawCallback | None,
    ) -> int:
        assert proc.stdout is not None
        reader = proc.stdout
        pending = b""
        batch: list[str] = []
        count = 0
        last_flush = time.monotonic()

        async def flush() -> None:
            nonlocal batch, last_flush
            if batch:
                out, batch = batch, []
                result = on_lines(out)
                if result is not None:
                    await result
            last_flush = time.monotonic()
            # Yield even when the pipe is full so the UI keeps breathing during floods.
            await asyncio.sleep(0)

        read_task: asyncio.Task[bytes] | None = None
        try:
            while True:
                if read_task is None:
                    read_task = asyncio.ensure_future(reader.read(CHUNK))
                timeout = self.flush_interval - (time.monotonic() - last_flush)
                if batch and timeout <= 0:
                    await flush()
                    continue
                done, _ = await asyncio.wait({read_task}, timeout=timeout if batch else None)
                if not done:
                    await flush()
                    continue
                chunk = read_task.result()
                read_task = None
                if not chunk:
                    break
                if on_raw is not None:
                    on_raw(chunk)
                data = pending + chunk
                cut = data.rfind(b"\n")
                if cut >= 0:
                    lines = _decode_block(data[:cut])
                    pending = data[cut + 1 :]
                else:
                    lines, pending = [], data
                while len(pending) >= MAX_LINE:
                    lines.append(_decode(pending[:MAX_LINE]))
                    pending = pending[MAX_LINE:]
                batch.extend(lines)
                count += len(lines)
                if len(batch) >= self.max_batch:
                    await flush()
            if pending:
                batch.append(_decode(pending))
                count += 1
            await flush()
        finally:
            if read_task is not None and not read_task.done():
                read_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await read_task
        return count


def _decode_block(block: bytes) -> list[str]:
    """Decode a chunk's complete lines (joined by newlines, none trailing), as `_decode` would
    each line. The usual flood, coloured or CRLF or not, takes one decode, one ANSI pass and one
    split for the whole block; a block with other control characters left (`\r` redraws, NUL...)
    is cleaned line by line."""
    text = block.decode("utf-8", errors="replace")
    if b"\xc2" not in block and len(block.translate(None, _CONTROL_BYTES)) == len(block):
        plain = text  # no C0 control (ESC, \r, NUL...) and no C1 (`\xc2\x80`-`\xc2\x9f`)
    else:
        plain = text.replace("\r\n", "\n") if "\r" in text else text
        if "\x1b" in plain or "\x9b" in plain:
            plain = strip_ansi(plain)  # no escape sequence spans a newline
        if _NEEDS_WORK_EXCEPT_NL_RE.search(plain) is not None:
            return [_cut(clean_line(line)) for line in text.split("\n")]
    lines = plain.split("\n")
    if len(plain) > SHOWN_LINE and max(map(len, lines)) > SHOWN_LINE:
        return [_cut(line) for line in lines]
    return lines


def _cut(text: str) -> str:
    if len(text) > SHOWN_LINE:
        text = f"{text[:SHOWN_LINE]} … [{len(text) - SHOWN_LINE} more characters]"
    return text


def _decode(raw: bytes) -> str:
    return _cut(clean_line(raw.decode("utf-8", errors="replace")))


# `_NEEDS_WORK_RE` without `\n`: a chunk's lines are joined by newlines.
_NEEDS_WORK_EXCEPT_NL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The same test on the raw bytes, four times faster than the regex: C0 controls but tab and newline.
_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(11, 32)) + b"\x7f"
F_SETPIPE_SZ = 1031  # Linux
PIPE_SIZE = 1 << 20


def _widen_pipe(proc: asyncio.subprocess.Process) -> None:
    """A 1 MiB pipe (Linux) lets azd keep writing while a batch is parsed: the two overlap on
    two cores instead of taking turns every 64 KiB. Best effort elsewhere."""
    try:
        import fcntl

        transport = proc._transport.get_pipe_transport(1)  # type: ignore[attr-defined]  # asyncio exposes no public handle on the pipe; best effort, guarded
        pipe = transport.get_extra_info("pipe") if transport is not None else None
        if pipe is not None:
            fcntl.fcntl(pipe.fileno(), F_SETPIPE_SZ, PIPE_SIZE)
    except (OSError, AttributeError, ImportError, ValueError):
        pass


def _killpg(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


async def capture(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 60.0,
) -> tuple[int, str, str]:
    """Run a short command to completion (JSON queries); stdout and stderr kept apart."""
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        start_new_session=True,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except (TimeoutError, asyncio.CancelledError):
        _killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            await proc.wait()
        raise
    assert proc.returncode is not None
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
