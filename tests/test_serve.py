"""`deploy-wizard serve`: a real server, a real browser-side websocket session, the demo on it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import aiohttp

from tests.helpers import WIZARD, wizard_env
from wizard.core.ansi import strip_ansi


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def drive_session(port: int, wanted: str, timeout: float = 60) -> str:
    """Open the websocket the browser page opens, size the terminal, read until `wanted` shows."""
    seen = ""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=120&height=40") as ws:
            await ws.send_json(["resize", {"width": 120, "height": 40}])
            deadline = time.monotonic() + timeout
            while wanted not in strip_ansi(seen):
                remaining = deadline - time.monotonic()
                assert remaining > 0, strip_ansi(seen)[-2000:]
                message = await ws.receive(timeout=remaining)
                if message.type == aiohttp.WSMsgType.TEXT:
                    seen += message.data
                elif message.type == aiohttp.WSMsgType.BINARY:
                    seen += message.data.decode("utf-8", "replace")
                else:
                    break
            await ws.send_json(["stdin", "\x11"])  # ctrl+q: the wizard quits, the session ends
    return strip_ansi(seen)


def test_serve_answers_a_browser_with_the_running_wizard(tmp_path: Path) -> None:
    port = free_port()
    env = wizard_env(TMPDIR=str(tmp_path))
    server = subprocess.Popen(
        [*WIZARD, "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        page = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert "deploy-wizard" in page and "/ws" in page
        text = asyncio.run(drive_session(port, "voice-agent-sample"))
        assert "voice-agent-sample" in text
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
