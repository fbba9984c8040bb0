"""The real runner against real child processes: batching, cleaning, stdin, cancel, reaping."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

import pytest

from wizard.core.runner import MAX_LINE, ProcessRunner, capture

PY = sys.executable


def _group_survives(pgid: int, within: float = 2.0) -> bool:
    """SIGKILL is delivered asynchronously: give the kernel a moment (bounded) to finish the group."""
    deadline = time.monotonic() + within
    while _group_alive(pgid):
        if time.monotonic() > deadline:
            return True
        time.sleep(0.02)
    return False


def _group_alive(pgid: int) -> bool:
    """True if a live (not zombie) process is still in the group; killed orphans await PID 1."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            return True
    return False


async def _collect(argv: list[str], runner: ProcessRunner | None = None) -> tuple[list[list[str]], object]:
    runner = runner or ProcessRunner()
    batches: list[list[str]] = []
    result = await runner.run(argv, on_lines=batches.append)
    return batches, result


async def test_flood_arrives_complete_in_order_and_batched() -> None:
    batches, result = await _collect([PY, "-c", "import sys\nfor i in range(20000): print(f'line {i}')"])
    lines = [line for batch in batches for line in batch]
    assert lines == [f"line {i}" for i in range(20000)]
    assert len(batches) < 200, "lines must be delivered in batches, not one call each"
    assert result.returncode == 0 and not result.cancelled


async def test_lines_are_cleaned() -> None:
    script = (
        "import sys\n"
        "sys.stdout.buffer.write(b'\\x1b[1m\\x1b[32mgreen\\x1b[0m\\n')\n"
        "sys.stdout.buffer.write(b'10%\\r50%\\r100%\\n')\n"
        "sys.stdout.buffer.write(b'bad \\xff\\xfe bytes\\n')\n"
        "sys.stdout.buffer.write(b'crlf\\r\\n')\n"
        "sys.stdout.buffer.write(b'no newline at end')\n"
    )
    batches, _ = await _collect([PY, "-c", script])
    lines = [line for batch in batches for line in batch]
    assert lines[0] == "green"
    assert lines[1] == "100%"
    assert lines[2].startswith("bad ") and "\ufffd" in lines[2]
    assert lines[3] == "crlf"
    assert lines[4] == "no newline at end"


async def test_megabyte_lines_do_not_break_the_reader() -> None:
    size = MAX_LINE * 2 + 10
    script = f"import sys\nsys.stdout.write('x' * {size} + '\\nafter\\n')"
    batches, result = await _collect([PY, "-c", script])
    lines = [line for batch in batches for line in batch]
    assert lines[-1] == "after"
    assert all(len(line) <= 20000 for line in lines)
    assert result.returncode == 0


async def test_stdin_is_closed() -> None:
    batches, result = await _collect([PY, "-c", "import sys\nprint(repr(sys.stdin.read()))"])
    assert [line for b in batches for line in b] == ["''"]


async def test_stderr_is_merged_in_order() -> None:
    script = "import sys\nprint('out', flush=True)\nprint('err', file=sys.stderr, flush=True)"
    batches, _ = await _collect([PY, "-c", script])
    assert [line for b in batches for line in b] == ["out", "err"]


STUBBORN = r"""
import os, signal, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('grandchild', flush=True)\ntime.sleep(600)"])
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("started", flush=True)
time.sleep(600)
"""


async def test_cancel_escalates_and_leaves_no_process_of_the_group() -> None:
    runner = ProcessRunner(grace_int=0.3, grace_term=0.3)
    seen: list[str] = []
    started = asyncio.Event()

    def on_lines(batch: list[str]) -> None:
        seen.extend(batch)
        if "grandchild" in seen:
            started.set()

    task = asyncio.create_task(runner.run([PY, "-c", STUBBORN], on_lines=on_lines))
    await asyncio.wait_for(started.wait(), 10)
    pgid = runner.pid
    assert pgid is not None
    t0 = time.monotonic()
    runner.cancel()
    result = await asyncio.wait_for(task, 10)
    assert result.cancelled
    assert result.returncode == -signal.SIGKILL
    assert time.monotonic() - t0 < 5
    assert not _group_survives(pgid), "a process of the run's group survived the cancel"


async def test_sigint_is_enough_for_a_well_behaved_child() -> None:
    runner = ProcessRunner()
    started = asyncio.Event()
    task = asyncio.create_task(
        runner.run([PY, "-c", "import time\nprint('go', flush=True)\ntime.sleep(60)"], on_lines=lambda b: started.set())
    )
    await asyncio.wait_for(started.wait(), 10)
    runner.cancel()
    result = await asyncio.wait_for(task, 10)
    assert result.cancelled and result.returncode == -signal.SIGINT


async def test_cancelling_the_task_kills_and_reaps_the_child() -> None:
    runner = ProcessRunner(grace_int=0.2, grace_term=0.2)
    started = asyncio.Event()
    task = asyncio.create_task(runner.run([PY, "-c", STUBBORN], on_lines=lambda b: started.set()))
    await asyncio.wait_for(started.wait(), 10)
    pgid = runner.pid
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert pgid is not None and not _group_survives(pgid)


async def test_capture_keeps_streams_apart() -> None:
    code, out, err = await capture([PY, "-c", "import sys\nprint('o')\nprint('e', file=sys.stderr)\nsys.exit(3)"])
    assert (code, out, err) == (3, "o\n", "e\n")
