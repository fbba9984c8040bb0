"""The serve tests' server: `WizardServer` in the test's event loop, sessions in a temp folder."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from wizard.core.ansi import strip_ansi
from wizard.web.config import ServeConfig
from wizard.web.process import processes_by_session
from wizard.web.room import Room
from wizard.web.server import WizardServer

TOKEN = "room-token"
HOST_TOKEN = "host-token"


@asynccontextmanager
async def served(tmp_path: Path, **settings: Any) -> AsyncIterator[tuple[ServeConfig, Room, str]]:
    """A running server on a free port: (config, room, base URL). Stops it and checks the room is gone."""
    settings = {"speed": 0, "token": TOKEN, "host_token": HOST_TOKEN, **settings}
    config = ServeConfig(argv=[sys.executable, "-m", "wizard", "demo"], port=0, **settings)
    room = Room(config, parent=tmp_path)
    server = TestServer(WizardServer(config, room).build(), host="127.0.0.1", port=0)
    await server.start_server()
    config.bound(server.port)
    try:
        yield config, room, f"http://127.0.0.1:{server.port}"
    finally:
        ids = list(room.sessions)
        await server.close()
        assert not room.root.exists(), "the room's folder outlived the server"
        assert not any(processes_by_session().get(i) for i in ids), "a session's process outlived the server"


async def wait_for(predicate: Callable[[], bool], timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.05)


class Terminal:
    """What a browser tab does over the websocket, without a browser (fast protocol tests)."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.websocket = websocket
        self.seen = ""

    async def read_until(self, wanted: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while wanted not in strip_ansi(self.seen):
            remaining = deadline - time.monotonic()
            assert remaining > 0, strip_ansi(self.seen)[-2000:]
            message = await self.websocket.receive(timeout=remaining)
            if message.type == aiohttp.WSMsgType.BINARY:
                self.seen += message.data.decode("utf-8", "replace")
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.seen += message.data
            else:
                raise AssertionError(f"websocket closed ({message.type}) before {wanted!r}: {strip_ansi(self.seen)[-800:]}")
        return strip_ansi(self.seen)

    async def keys(self, data: str) -> None:
        await self.websocket.send_json(["stdin", data])

    async def closed(self, timeout: float = 30) -> aiohttp.WSMessage:
        deadline = time.monotonic() + timeout
        while True:
            message = await self.websocket.receive(timeout=max(0.1, deadline - time.monotonic()))
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return message


@asynccontextmanager
async def attendee(base: str, token: str = TOKEN) -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    """A browser's cookie jar that opened the shared link: (http session, session id)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(f"{base}/?token={token}", allow_redirects=False) as response:
            assert response.status == 302, response.status
            location = response.headers["Location"]
        yield http, location.rsplit("/s/", 1)[1]


@asynccontextmanager
async def connect(http: aiohttp.ClientSession, base: str, sid: str, client: str = "tab1") -> AsyncIterator[Terminal]:
    url = base.replace("http:", "ws:") + f"/ws/{sid}/{client}?width=120&height=40"
    async with http.ws_connect(url) as websocket:
        await websocket.send_json(["resize", {"width": 120, "height": 40}])
        yield Terminal(websocket)
