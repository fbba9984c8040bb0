"""Sizing a workshop room (`python -m bench.serve_sizing --sessions 8`): the README's figures.

Starts `deploy-wizard serve`'s server in this process on 127.0.0.1, opens N sessions over the
terminal websocket (what textual.js does), and measures:
  - memory per session while idle on the first screen (the session's processes' RSS together),
  - memory per session while provision runs in every session at once (peak over the run),
  - how long a key takes to show on screen (ctrl+d, the theme: a full repaint, a heavy key),
    idle, and while N provisions run at once.
It prints figures, not targets: the room's size is the host's call (README, "Workshop").
Traffic goes to loopback only; the run is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wizard.core.ansi import strip_ansi  # noqa: E402
from wizard.web.config import ServeConfig  # noqa: E402
from wizard.web.room import Room  # noqa: E402
from wizard.web.server import WizardServer  # noqa: E402

LIGHT, DARK = "48;2;216;216;216", "48;2;30;30;30"  # a cell's background in textual-light / textual-dark


class Tab:
    def __init__(self, http: aiohttp.ClientSession, websocket: aiohttp.ClientWebSocketResponse, sid: str) -> None:
        self.http, self.websocket, self.sid = http, websocket, sid
        self.buffer = ""

    async def until(self, wanted: str, timeout: float = 120, plain: bool = True) -> None:
        deadline = time.monotonic() + timeout
        while wanted not in (strip_ansi(self.buffer) if plain else self.buffer):
            message = await self.websocket.receive(timeout=max(0.1, deadline - time.monotonic()))
            if message.type == aiohttp.WSMsgType.BINARY:
                self.buffer += message.data.decode("utf-8", "replace")
            elif message.type != aiohttp.WSMsgType.TEXT:
                raise RuntimeError(f"session closed while waiting for {wanted!r}")

    async def key_latency(self, data: str, marker: str) -> float:
        self.buffer = ""
        started = time.monotonic()
        await self.websocket.send_json(["stdin", data])
        await self.until(marker, plain=marker.isalpha())
        return time.monotonic() - started

    async def follow_round_trip(self) -> list[float]:
        return [await self.key_latency("f", "paused"), await self.key_latency("f", "following")]

    async def theme_round_trip(self) -> list[float]:
        return [await self.key_latency("\x04", LIGHT), await self.key_latency("\x04", DARK)]


async def open_tab(base: str, token: str) -> Tab:
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.get(f"{base}/?token={token}", allow_redirects=False) as response:
        sid = response.headers["Location"].rsplit("/", 1)[1]
    websocket = await http.ws_connect(f"{base.replace('http:', 'ws:')}/ws/{sid}/bench?width=120&height=40")
    await websocket.send_json(["resize", {"width": 120, "height": 40}])
    tab = Tab(http, websocket, sid)
    await tab.until("voice-agent-sample")
    return tab


def rss_by_name(room: Room) -> dict[str, float]:
    return {row["name"]: row["rss"] / 1e6 for row in room.describe()["sessions"]}


def summary(values: list[float], unit: str, scale: float = 1.0) -> str:
    values = sorted(v * scale for v in values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"median {statistics.median(values):.0f}{unit}, p95 {p95:.0f}{unit}, max {values[-1]:.0f}{unit} (n={len(values)})"


async def main(sessions: int, speed: float, seconds: float) -> None:
    folder = Path(tempfile.mkdtemp(prefix="serve-sizing-"))
    config = ServeConfig(argv=[sys.executable, "-m", "wizard", "demo"], port=0, speed=speed, max_sessions=sessions)
    room = Room(config, parent=folder)
    runner = web.AppRunner(WizardServer(config, room).build(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    config.bound(runner.addresses[0][1])
    deadline = time.monotonic() + seconds
    tabs: list[Tab] = []
    try:
        started = time.monotonic()
        tabs = list(await asyncio.gather(*(open_tab(config.base, config.token) for _ in range(sessions))))
        print(f"sessions_open: {sessions} in {time.monotonic() - started:.1f}s")
        await asyncio.sleep(3)  # let the first screens settle before measuring memory
        idle_rss = list(rss_by_name(room).values())
        print(f"rss_idle_mb: {summary(idle_rss, ' MB')}")
        async def to_provision(tab: Tab) -> None:
            await tab.websocket.send_json(["stdin", "n"])
            await tab.until("Create a new environment")
            await tab.websocket.send_json(["stdin", "\x13"])  # ctrl+s: create, then preflight runs
            await tab.until("Next (n)")
            await tab.websocket.send_json(["stdin", "n"])
            await tab.until("Start provision (g)")

        await asyncio.gather(*(to_provision(tab) for tab in tabs))
        light = [t for tab in tabs for t in await tab.follow_round_trip()]
        heavy = [t for tab in tabs for t in await tab.theme_round_trip()]
        print(f"key_to_screen_idle_ms: f (pause the log) {summary(light, ' ms', 1000)}; ctrl+d (theme, full repaint) {summary(heavy, ' ms', 1000)}")
        for tab in tabs:
            await tab.websocket.send_json(["stdin", "g"])

        def provisions_running() -> int:
            return sum(r["step"] == "provision" and r["status"] == "running" for r in room.describe()["sessions"])

        while provisions_running() < sessions and time.monotonic() < deadline:
            await asyncio.sleep(0.2)  # the app writes its status once a second
        print(f"provisions_running_at_once: {provisions_running()}")
        peak: dict[str, float] = {}
        busy_light: list[float] = []
        busy_heavy: list[float] = []
        while time.monotonic() < deadline and provisions_running():
            for name, mb in rss_by_name(room).items():
                peak[name] = max(peak.get(name, 0.0), mb)
            results = await asyncio.gather(*(tab.follow_round_trip() for tab in tabs))
            busy_light.extend(t for pair in results for t in pair)
            results = await asyncio.gather(*(tab.theme_round_trip() for tab in tabs))
            busy_heavy.extend(t for pair in results for t in pair)
        print(f"rss_during_provision_peak_mb: {summary(list(peak.values()), ' MB')}")
        if busy_light:
            print(f"key_to_screen_while_{sessions}_provision_ms: f {summary(busy_light, ' ms', 1000)}; ctrl+d {summary(busy_heavy, ' ms', 1000)}")
    finally:
        for tab in tabs:
            await tab.websocket.close()
            await tab.http.close()
        await runner.cleanup()
        leftovers = list(folder.iterdir())
        print(f"leftover_folders: {len(leftovers)}")
        folder.rmdir() if not leftovers else None


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=240)
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.speed, args.seconds))
