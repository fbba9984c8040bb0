"""The real `ToolsLike`: shutil.which and asyncio subprocesses (no shell, stdin closed, timeouts)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


class RealTools:
    def __init__(self, cwd: Path | None = None) -> None:
        self.platform = sys.platform
        self.cwd = cwd

    def which(self, name: str) -> str | None:
        return shutil.which(name)

    async def run(self, argv: list[str], timeout: float) -> tuple[int, str]:
        return await self.stream(argv, timeout, None)

    async def stream(
        self, argv: list[str], timeout: float, on_line: Callable[[str], None] | None, cwd: Path | None = None
    ) -> tuple[int, str]:
        """Run to completion; each output line also goes to `on_line` as it arrives."""
        env = dict(os.environ)
        env.setdefault("NO_COLOR", "1")
        env["AZD_SKIP_UPDATE_CHECK"] = "true"
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                cwd=str(cwd or self.cwd) if (cwd or self.cwd) else None,
                env=env,
                start_new_session=True,
            )
        except FileNotFoundError:
            return 127, f"{argv[0]}: command not found"
        except PermissionError:
            return 126, f"{argv[0]}: permission denied"
        chunks: list[str] = []

        async def pump() -> None:
            assert proc.stdout is not None
            while True:
                raw = await proc.stdout.readline()
                if not raw:
                    break
                line = raw.decode("utf-8", "replace")
                chunks.append(line)
                if on_line is not None:
                    on_line(line.rstrip("\r\n"))
            await proc.wait()

        try:
            await asyncio.wait_for(pump(), timeout)
        except (TimeoutError, asyncio.CancelledError):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                await proc.wait()
            raise
        return proc.returncode if proc.returncode is not None else -1, "".join(chunks)

    def interactive(self, argv: list[str]) -> int:
        """Run with this terminal (stdin, stdout, stderr inherited), e.g. `az login` while the TUI
        is suspended; 127 when the executable is missing."""
        try:
            return subprocess.run(argv, cwd=str(self.cwd) if self.cwd else None, check=False).returncode
        except FileNotFoundError:
            return 127
        except PermissionError:
            return 126
