"""One wizard process for one browser session, on textual-serve's `AppService`.

textual-serve starts the app through a shell, in the server's process group, with the server's
environment. `WizardProcess` keeps its packet protocol (the app's screen, downloads) and changes
only how the process starts: the argv without a shell, its own process group, its own TMPDIR (the
session folder) and a marker variable, so that everything the session started can be found and
ended (`processes_of`). It overrides `AppService._open_app_process` (textual-serve 1.1.x);
tests/test_serve_internals.py fails loudly if that seam changes.
"""

from __future__ import annotations

import asyncio
import os
import signal
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

SESSION_ENV = "DEPLOY_WIZARD_SESSION"
QUIT_GRACE = 8.0  # seconds a quitting wizard gets to cancel azd and close its records
PROC = Path("/proc")
SERVER_TERMINAL_ONLY = ("NO_COLOR", "FORCE_COLOR", "COLORTERM", "TEXTUAL_THEME")


class WizardProcess(AppService):
    """A wizard app process; `extra_env` adds to (or replaces) the server's environment."""

    def __init__(
        self,
        argv: list[str],
        *,
        session_id: str,
        folder: Path,
        extra_env: dict[str, str],
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        download_manager: DownloadManager,
    ) -> None:
        import shlex

        super().__init__(
            shlex.join(argv), write_bytes=write_bytes, write_str=write_str, close=close,
            download_manager=download_manager,
        )
        self.argv = argv
        self.session_id = session_id
        self.folder = folder
        self.extra_env = extra_env
        self.process: Process | None = None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        """Start the wizard: no shell, own process group, the session's folder and marker."""
        env = self._build_environment(width=width, height=height)
        for name in SERVER_TERMINAL_ONLY:  # the server's terminal settings are not the browser's
            env.pop(name, None)
        env.update(self.extra_env)
        env.update({SESSION_ENV: self.session_id, "TMPDIR": str(self.folder)})
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=self.folder,
            start_new_session=True,
        )
        self._process = self.process  # what AppService.run() reads
        assert self.process.stdin is not None
        self._stdin = self.process.stdin
        return self.process

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def wait(self) -> int:
        assert self.process is not None
        return await self.process.wait()

    async def end(self, grace: float = QUIT_GRACE) -> None:
        """Ask the wizard to quit (it cancels a running azd first); then end whatever is left."""
        if self.process is None:
            return
        if self.running:
            try:
                await asyncio.wait_for(self.stop(), grace)
            except (TimeoutError, OSError, RuntimeError, ConnectionError):
                pass
        if self.running:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 2)
            except TimeoutError:
                _signal_group(self.process.pid, signal.SIGKILL)
                await self.process.wait()
        for pid in processes_of(self.session_id):  # azd children in their own process groups
            _kill(pid)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def processes_by_session() -> dict[str, list[int]]:
    """Live processes (of this user) by the session marker in their environment (one /proc scan)."""
    prefix = f"{SESSION_ENV}=".encode()
    found: dict[str, list[int]] = {}
    if not PROC.is_dir():
        return found
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        for item in environ.split(b"\0"):
            if item.startswith(prefix):
                found.setdefault(item[len(prefix):].decode(errors="replace"), []).append(int(entry.name))
                break
    return found


def processes_of(session_id: str) -> list[int]:
    return processes_by_session().get(session_id, [])


def rss_bytes(pids: list[int]) -> int:
    """Resident memory of these processes together (Linux /proc; 0 where unreadable)."""
    total = 0
    for pid in pids:
        try:
            status = (PROC / str(pid) / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total
