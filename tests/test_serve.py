"""`deploy-wizard serve` for a room, over HTTP and the terminal's websocket (no browser here;
tests/test_serve_browser.py drives Chromium): tokens, the public URL, sessions that survive a
reconnect and leave nothing behind, timeouts, the room's limit, the host's API, the command."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest

from tests.helpers import WIZARD, wizard_env
from tests.serve_helpers import HOST_TOKEN, TOKEN, attendee, connect, served, wait_for
from wizard.core.ansi import strip_ansi
from wizard.web.config import ConfigError, ServeConfig, public_base
from wizard.web.process import processes_of

pytestmark = pytest.mark.slow


async def test_every_address_refuses_a_request_without_the_token(tmp_path: Path) -> None:
    async with served(tmp_path) as (_, room, base):
        async with aiohttp.ClientSession() as http:
            for path in ("/", "/s/x", "/s/x/alive", "/static/js/textual.js", "/own/session.js", "/download/k",
                         "/host", "/host/api/sessions", f"/host?token={TOKEN}", "/?token=wrong"):
                async with http.get(base + path, allow_redirects=False) as response:
                    assert response.status == 403, path
            async with http.post(base + "/host/api/reset-all", json={}) as response:
                assert response.status == 403
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(base.replace("http:", "ws:") + "/ws/x/y")
            assert refused.value.status == 403
        assert room.sessions == {}, "a refused request opened no session"
        async with attendee(base) as (http, sid):  # with the token: a session, and the cookie for the rest
            async with http.get(f"{base}/static/js/textual.js") as response:
                assert response.status == 200
            async with http.get(f"{base}/host/api/sessions") as response:
                assert response.status == 403, "the attendee token does not open the host page"
            assert sid in room.sessions


async def test_the_page_points_at_the_public_url_and_loads_nothing_from_elsewhere(tmp_path: Path) -> None:
    async with served(tmp_path, public_url="https://workshop.example.org/room1/") as (_, room, base):
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(f"{base}/?token={TOKEN}", allow_redirects=False) as response:
                location = response.headers["Location"]
                cookie = response.cookies["deploy_wizard_token"]
            assert location.startswith("https://workshop.example.org/room1/s/")
            assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
            sid = location.rsplit("/", 1)[1]
            async with http.get(f"{base}/s/{sid}?token={TOKEN}") as response:
                page = await response.text()
    assert f'data-session-websocket-url="wss://workshop.example.org/room1/ws/{sid}/' in page
    assert 'src="https://workshop.example.org/room1/static/js/textual.js"' in page
    assert "https://workshop.example.org/room1/static/fonts/RobotoMono-VariableFont_wght.ttf" in page
    assert room.sessions[sid].name in page if sid in room.sessions else True
    assert "0.0.0.0" not in page and "googleapis" not in page and "fonts.g" not in page


def test_public_url_rules() -> None:
    assert public_base("http://10.1.2.3:8000", "0.0.0.0", 8000) == "http://10.1.2.3:8000"
    assert public_base("https://proxy.example/wiz/", "127.0.0.1", 8000) == "https://proxy.example/wiz"
    assert not public_base(None, "0.0.0.0", 8123).startswith("http://0.0.0.0")
    assert public_base(None, "::1", 9) == "http://[::1]:9"
    for bad in ("ftp://x", "http://0.0.0.0:8000", "wizard.example", "https://x/?token=1"):
        with pytest.raises(ConfigError):
            public_base(bad, "127.0.0.1", 8000)
    with pytest.raises(ConfigError):
        ServeConfig(argv=[], max_sessions=0)


async def test_a_reconnect_returns_to_the_same_process_and_quitting_leaves_nothing(tmp_path: Path) -> None:
    async with served(tmp_path) as (_, room, base):
        async with attendee(base) as (http, sid):
            async with connect(http, base, sid) as terminal:
                await terminal.read_until("voice-agent-sample")
                await terminal.keys("n")
                await terminal.read_until("Create a new environment")
            session = room.sessions[sid]
            pid = session.process.pid
            await wait_for(lambda: not session.attached, what="the server saw the tab go")
            async with connect(http, base, sid, client="tab2") as terminal:
                await terminal.read_until("Create a new environment")  # repainted for the new tab
                assert session.process.pid == pid, "the same wizard process, not a new one"
                folder = session.folder
                assert any(folder.rglob("azure.yaml")), "the demo's copy lives in the session folder"
                await terminal.keys("\x03")  # ctrl+c: the wizard quits, the session ends
                await terminal.closed()
            await wait_for(lambda: sid not in room.sessions, what="the session ended")
            assert not folder.exists()
            assert processes_of(sid) == []
            async with http.get(f"{base}/s/{sid}/alive") as response:
                assert await response.json() == {"alive": False, "reason": "the wizard quit"}
            async with http.get(f"{base}/s/{sid}") as response:
                assert response.status == 410


async def test_a_websocket_from_another_site_is_refused_and_junk_messages_are_ignored(tmp_path: Path) -> None:
    async with served(tmp_path) as (_, room, base):
        async with attendee(base) as (http, sid):
            url = base.replace("http:", "ws:") + f"/ws/{sid}/x"
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(url, origin="https://evil.example")
            assert refused.value.status == 403
            async with http.ws_connect(url, origin=base) as websocket:
                for junk in (["resize", {"width": "wide"}], ["resize"], ["stdin"], ["ping"], ["nothing"], []):
                    await websocket.send_json(junk)
                await websocket.send_str("not json")
                await websocket.send_json(["stdin", "n"])
                text = ""
                while "Create a new environment" not in text:
                    message = await websocket.receive(timeout=60)
                    assert message.type == aiohttp.WSMsgType.BINARY, message
                    text += strip_ansi(message.data.decode("utf-8", "replace"))


async def test_a_session_opened_in_a_second_tab_takes_over_and_the_first_is_told(tmp_path: Path) -> None:
    async with served(tmp_path) as (_, room, base):
        async with attendee(base) as (http, sid):
            async with connect(http, base, sid, client="first") as first:
                await first.read_until("voice-agent-sample")
                async with connect(http, base, sid, client="second") as second:
                    await second.read_until("voice-agent-sample")
                    closing = await first.closed()
                    assert closing.data == 4001
                    async with http.get(f"{base}/s/{sid}/alive?client=first") as response:
                        assert await response.json() == {"alive": True, "replaced": True}
                    async with http.get(f"{base}/s/{sid}/alive?client=second") as response:
                        assert await response.json() == {"alive": True, "replaced": False}


async def test_grace_and_idle_timeouts_end_sessions_and_remove_their_folders(tmp_path: Path) -> None:
    async with served(tmp_path, grace=0.5, idle_timeout=3) as (_, room, base):
        async with attendee(base) as (http, away_id):
            async with connect(http, base, away_id) as terminal:
                await terminal.read_until("voice-agent-sample")
            away = room.sessions[away_id]
            await wait_for(lambda: away_id not in room.sessions, what="the grace period ended the detached session")
            assert not away.folder.exists() and processes_of(away_id) == []
        async with attendee(base) as (http, idle_id):
            async with connect(http, base, idle_id) as terminal:
                await terminal.read_until("voice-agent-sample")
                idle = room.sessions[idle_id]
                await terminal.closed(timeout=30)  # no key for 3 s: the server ends it and closes the tab
            assert room.ended_reason(idle_id) == "idle"
            assert not idle.folder.exists() and processes_of(idle_id) == []


async def test_the_room_limit_and_a_browser_that_comes_back_to_its_session(tmp_path: Path) -> None:
    async with served(tmp_path, max_sessions=1) as (_, room, base):
        async with attendee(base) as (http, sid):
            async with http.get(f"{base}/", allow_redirects=False) as response:  # same browser, tab closed: its session
                assert response.status == 302 and response.headers["Location"].endswith(f"/s/{sid}")
            async with aiohttp.ClientSession() as other, other.get(f"{base}/?token={TOKEN}", allow_redirects=False) as response:
                assert response.status == 503
                assert "room is full" in await response.text()
        assert len(room.sessions) == 1


async def test_the_host_lists_resets_and_sets_the_scenario_of_new_sessions(tmp_path: Path) -> None:
    async with served(tmp_path) as (_, room, base):
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as host:
            async with host.get(f"{base}/host?token={HOST_TOKEN}") as response:
                assert response.status == 200 and "Reset all" in await response.text()
            async with host.get(f"{base}/own/host.js") as response:
                assert response.status == 200, "the host page's own script opens with the host's cookie"
            async with host.get(f"{base}/?token={HOST_TOKEN}", allow_redirects=False) as response:
                assert response.status == 403, "the host token is not the room's"
            async with host.post(f"{base}/host/api/settings", data="scenario=quota") as response:
                assert response.status == 415, "host actions take JSON only (no cross-site form posts)"
            async with host.post(f"{base}/host/api/settings", json={"scenario": "nope", "speed": 0}) as response:
                assert response.status == 400
            async with attendee(base) as (http, sid), connect(http, base, sid) as terminal:
                await terminal.read_until("voice-agent-sample")
                await terminal.keys("n")
                await terminal.read_until("Create a new environment")
                session = room.sessions[sid]
                await wait_for(lambda: session.status().get("view") == "environment", what="the app's status file")
                async with host.get(f"{base}/host/api/sessions") as response:
                    listed = (await response.json())["sessions"]
                assert [(r["name"], r["scenario"], r["view"], r["browser"]) for r in listed] == [(session.name, "happy", "environment", "connected")]
                assert listed[0]["rss"] > 10_000_000 and listed[0]["processes"] >= 1

                async with host.post(f"{base}/host/api/settings", json={"scenario": "quota", "speed": 0.5}) as response:
                    assert (await response.json())["ok"]
                old_pid = session.process.pid
                async with host.post(f"{base}/host/api/sessions/{session.number}/reset", json={}) as response:
                    assert (await response.json())["ok"]
                assert session.process.pid != old_pid and processes_of(sid) != []
                assert session.argv[-4:] == ["--scenario", "quota", "--speed", "0.5"]
                await terminal.read_until("quota")  # the fresh wizard shows the new scenario in the same tab
                await wait_for(lambda: session.status().get("view") == "project" and session.status().get("scenario") == "quota", what="reset")
                async with host.post(f"{base}/host/api/reset-all", json={}) as response:
                    assert (await response.json())["note"] == "1 sessions reset"


def start_serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [*WIZARD, "serve", "--port", "0", "--speed", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=wizard_env(TMPDIR=str(tmp_path)),
        start_new_session=True, stdin=subprocess.DEVNULL,
    )
    assert server.stdout is not None
    banner = ""
    deadline = time.monotonic() + 30
    while "Ctrl+C stops" not in banner:
        line = server.stdout.readline()
        assert line and time.monotonic() < deadline, banner
        banner += line
    return server, banner


def test_the_command_prints_the_links_to_share_and_stops_cleanly(tmp_path: Path) -> None:
    server, banner = start_serve(tmp_path, "--token", "s3cret", "--public-url", "http://127.0.0.1:1/")
    try:
        assert "share with attendees:  http://127.0.0.1:1/?token=s3cret" in banner
        host_url = next(line for line in banner.splitlines() if "host page:" in line).split()[-1]
        assert "/host?token=" in host_url and "s3cret" not in host_url, "a separate, generated host token"
        port = next(line for line in banner.splitlines() if "listening on" in line).split(":")[1].split()[0]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
        assert refused.value.code == 403
        asyncio.run(_open_one(f"http://127.0.0.1:{port}"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
    assert list(tmp_path.glob("deploy-wizard-serve-*")) == [], "the room's folder is removed at stop"


async def _open_one(base: str) -> None:
    async with attendee(base, token="s3cret") as (http, sid), connect(http, base, sid) as terminal:
        await terminal.read_until("voice-agent-sample")


def test_the_command_refuses_an_address_attendees_cannot_reach(tmp_path: Path) -> None:
    result = subprocess.run([*WIZARD, "serve", "--public-url", "http://0.0.0.0:8000"], capture_output=True, text=True,
                            env=wizard_env(TMPDIR=str(tmp_path)), timeout=60)
    assert result.returncode == 2 and "attendees can reach" in result.stderr
