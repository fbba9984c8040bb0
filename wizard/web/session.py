"""A session: one wizard process, its folder, and the browser tab attached to it (if any).

The process outlives its websocket: a reload or a dropped connection attaches a new websocket to
the same process (the app repaints on the resize that follows), and the room ends a session that
stayed detached past the grace period. Ending removes the session's folder (its TMPDIR: the
demo's copy of the sample, run records, the status file).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import shutil
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, web
from textual_serve.download_manager import DownloadManager

from wizard.web.process import WizardProcess

ID_BYTES = 18
STATUS_FILE = "status.json"
REPLACED = 4001  # websocket close code: the session was opened in another tab


class Session:
    """Created by the room for one attendee; `id` is the secret in the attendee's URL."""

    def __init__(
        self,
        *,
        number: int,
        name: str,
        folder: Path,
        argv: list[str],
        scenario: str,
        speed: float,
        download_manager: DownloadManager,
        on_exit: Callable[[Session], Awaitable[None]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.id = secrets.token_urlsafe(ID_BYTES)
        self.number = number
        self.name = name
        self.folder = folder
        self.argv = argv
        self.scenario = scenario
        self.speed = speed
        self.clock = clock
        self.created = self.last_input = clock()
        self.detached_since: float | None = self.created
        self.ended: str | None = None
        self.size = (80, 24)
        self.websocket: web.WebSocketResponse | None = None
        self.client: str | None = None
        self.replaced: set[str] = set()
        self.process: WizardProcess | None = None
        self._download_manager = download_manager
        self._on_exit = on_exit
        self._watcher: asyncio.Task[None] | None = None

    # -- the process -----------------------------------------------------------------------------
    @property
    def tmp(self) -> Path:
        return self.folder / "tmp"

    @property
    def status_path(self) -> Path:
        return self.folder / STATUS_FILE

    async def start(self) -> None:
        self.tmp.mkdir(parents=True, exist_ok=True)
        process = WizardProcess(
            self.argv,
            session_id=self.id,
            folder=self.tmp,
            extra_env={"DEPLOY_WIZARD_SESSION_STATUS": str(self.status_path)},
            write_bytes=self._to_browser_bytes,
            write_str=self._to_browser_text,
            close=self._app_said_exit,
            download_manager=self._download_manager,
        )
        self.process = process
        await process.start(*self.size)
        self._watcher = asyncio.create_task(self._watch(process))

    async def _watch(self, process: WizardProcess) -> None:
        await process.wait()
        if process is self.process and self.ended is None:  # the wizard quit (or died)
            await self._on_exit(self)

    async def restart(self, argv: list[str], scenario: str, speed: float) -> None:
        """The host's reset: a fresh wizard (new settings) in the same tab, same name and link."""
        if self.ended is not None:
            return
        old, self.process = self.process, None
        if old is not None:
            await old.end()
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.status_path.unlink(missing_ok=True)
        self.argv, self.scenario, self.speed = argv, scenario, speed
        self.last_input = self.clock()
        await self.start()

    async def end(self, reason: str) -> None:
        """Stop the wizard and everything it started, close the tab's websocket, remove the folder."""
        self.ended = reason
        process, self.process = self.process, None
        if process is not None:
            await process.end()
        if self._watcher is not None and self._watcher is not asyncio.current_task():
            self._watcher.cancel()  # (when the wizard quit, this runs inside the watcher itself)
        websocket, self.websocket = self.websocket, None
        if websocket is not None and not websocket.closed:
            with contextlib.suppress(Exception):
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=reason.encode()[:120])
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the browser -----------------------------------------------------------------------------
    async def attach(self, websocket: web.WebSocketResponse, client: str, width: int, height: int) -> None:
        """This tab now shows the session; a tab that showed it before is told and let go."""
        if self.ended is not None:
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"session ended")
            return
        previous, self.websocket = self.websocket, websocket
        if previous is not None and previous is not websocket and self.client:
            self.replaced.add(self.client)
            with contextlib.suppress(Exception):
                await previous.close(code=REPLACED, message=b"opened in another tab")
        self.client = client
        self.replaced.discard(client)
        self.detached_since = None
        self.size = (width, height)
        if self.process is None:
            await self.start()
        else:
            await self.repaint()

    async def repaint(self) -> None:
        """A new tab starts blank: a size change makes Textual draw the whole screen again."""
        if self.process is None:
            return
        width, height = self.size
        await self.process.set_terminal_size(width, max(1, height - 1))
        await self.process.set_terminal_size(width, height)

    def detach(self, websocket: web.WebSocketResponse) -> None:
        if self.websocket is websocket:
            self.websocket = None
            self.detached_since = self.clock()

    async def from_browser(self, envelope: list[Any]) -> None:
        """One message of textual.js: keys, a resize, focus changes, a ping."""
        kind = envelope[0] if envelope else None
        process = self.process
        if process is None:
            return
        if kind == "stdin" and len(envelope) > 1:
            self.last_input = self.clock()
            await process.send_bytes(str(envelope[1]).encode("utf-8"))
        elif kind == "resize":
            try:
                size = envelope[1]
                self.size = (max(1, int(size["width"])), max(1, int(size["height"])))
            except (IndexError, KeyError, TypeError, ValueError):
                return
            await process.set_terminal_size(*self.size)
        elif kind == "focus":
            await process.focus()
        elif kind == "blur":
            await process.blur()
        elif kind == "ping" and len(envelope) > 1 and self.websocket is not None:
            await self.websocket.send_json(["pong", envelope[1]])

    async def _to_browser_bytes(self, data: bytes) -> None:
        websocket = self.websocket
        if websocket is not None and not websocket.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await websocket.send_bytes(data)

    async def _to_browser_text(self, text: str) -> None:
        websocket = self.websocket
        if websocket is not None and not websocket.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await websocket.send_str(text)

    async def _app_said_exit(self) -> None:
        """The app's exit packet; the process ending (watched) ends the session."""

    # -- what the host sees ----------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """The app's own snapshot (tui/session_status.py), empty until it wrote one."""
        try:
            data = json.loads(self.status_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def attached(self) -> bool:
        return self.websocket is not None and not self.websocket.closed
