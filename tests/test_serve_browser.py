"""`deploy-wizard serve` in a real browser: Debian's Chromium, headless, real key events.

Covers the workshop's demo from browser keys (create, run, theme, save the log, reload, quit), two
attendees at once, the host page (list, reset, settings) and a stranger without the token. Keys
browsers keep (ctrl+n, ctrl+t, ctrl+q…) are never pressed here: a real browser would act on them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser import Browser, Page
from tests.serve_helpers import served, wait_for
from wizard.web.process import processes_of
from wizard.web.session import Session

pytestmark = pytest.mark.slow


async def status_is(session: Session, predicate: Callable[[dict[str, Any]], bool], what: str) -> None:
    await wait_for(lambda: predicate(session.status()), timeout=60, what=f"{session.name}: {what} (status {session.status()})")


async def in_view(session: Session, view: str) -> None:
    await status_is(session, lambda s: s.get("view") == view, f"on the {view} screen")


async def settled(session: Session, step: str) -> None:
    await status_is(session, lambda s: s.get("step") == step and s.get("status") in ("done", "skipped") and not s.get("running"), f"{step} done")


async def bar_name(page: Page) -> str:
    return str(await page.wait_js("document.getElementById('session-name') && document.getElementById('session-name').textContent"))


async def test_an_attendee_runs_the_demo_by_browser_keys_and_keeps_it_across_a_reload(tmp_path: Path) -> None:
    async with served(tmp_path) as (config, room, _), Browser(tmp_path / "browser") as browser:
        page = await browser.page()
        await page.goto(config.share_url)
        await page.wait_text("voice-agent-sample", "Continue to environment", "Quit")
        (session,) = room.sessions.values()
        assert await bar_name(page) == session.name
        await page.focus_terminal()

        await page.press("n")
        await page.wait_text("Create a new environment", "Create (ctrl+s)")
        dark = await page.background(1, 8)
        await page.press("ctrl+d")  # the theme (browsers keep ctrl+t)
        await status_is(session, lambda s: s.get("theme") == "textual-light", "light theme")
        await page.wait_background(1, 8, lambda colour: colour not in (dark, -1))  # the browser shows it

        await page.press("ctrl+s")  # create the environment (browsers keep ctrl+n)
        await settled(session, "preflight")
        for step in ("provision", "deploy", "phone"):
            await page.press("n")
            await in_view(session, step)
            await page.press("g")
            await settled(session, step)
        await page.press("n")
        await settled(session, "verify")
        await page.press("n")
        await status_is(session, lambda s: s.get("view") == "summary" and s.get("finished"), "the summary")
        summary = await page.wait_text("Summary")

        await page.press("l")
        await page.wait_text("Full log", "Save log")
        await page.press("s")  # "Save log": downloaded by the browser, not written on the server
        saved = await browser.download("log")
        assert "azd provision" in saved.read_text() and "azd deploy" in saved.read_text()
        await page.press("escape")

        pid = session.process.pid if session.process else None
        await page.reload()  # same session, same process, same screen
        again = await page.wait_text("Summary")
        assert await bar_name(page) == session.name and session.process is not None and session.process.pid == pid
        assert summary.splitlines()[0] == again.splitlines()[0]

        await page.focus_terminal()
        await page.press("ctrl+c")  # quit (browsers keep ctrl+q)
        await page.wait_js("document.body.classList.contains('-closed') && document.getElementById('overlay-text').textContent.startsWith('Session ended')")
        await wait_for(lambda: not room.sessions, what="the session ended")
        assert not session.folder.exists() and processes_of(session.id) == []


async def test_two_attendees_at_once_the_host_page_and_a_stranger(tmp_path: Path) -> None:
    async with served(tmp_path) as (config, room, base), Browser(tmp_path / "browser") as browser:
        one, two = await browser.page(), await browser.page()  # two browsers' worth of cookies
        for page in (one, two):
            await page.goto(config.share_url)
            await page.wait_text("voice-agent-sample")
        by_name = {s.name: s for s in room.sessions.values()}
        first, second = by_name[await bar_name(one)], by_name[await bar_name(two)]
        assert first is not second

        await one.focus_terminal()
        await one.press("n")
        await in_view(first, "environment")
        await two.focus_terminal()
        await two.press("ctrl+d")
        await status_is(second, lambda s: s.get("theme") == "textual-light", "light theme")
        assert second.status()["view"] == "project", "the other attendee's keys did not reach this session"

        host = await browser.page()
        await host.goto(config.host_url)
        rows = "document.querySelectorAll('#sessions tbody tr')"
        await host.wait_js(f"{rows}.length === 2 && [...{rows}].some(r => r.textContent.includes('environment'))")
        listed = await host.js(f"[...{rows}].map(r => r.textContent).join('\\n')")
        assert first.name in listed and second.name in listed

        second_pid = second.process.pid if second.process else None
        await host.click(f"#sessions tr[data-number='{first.number}'] button.reset")
        await in_view(first, "project")
        await one.wait_text("Continue to environment")
        assert second.process is not None and second.process.pid == second_pid and second.status()["view"] == "project"

        await host.js("document.getElementById('scenario').value = 'quota'; document.getElementById('speed').value = '0'")
        await host.click("#apply-settings")
        await host.wait_js("document.getElementById('settings-note').textContent.includes('quota')")
        three = await browser.page()
        await three.goto(config.share_url)
        await three.wait_text("quota")
        assert "scenario quota" in await three.js("document.getElementById('bar').textContent")

        stranger = await browser.page()
        await stranger.goto(f"{base}/")
        assert "Token needed" in await stranger.js("document.body.innerText")
        assert len(room.sessions) == 3


async def test_behind_a_reverse_proxy_with_a_path_prefix_everything_goes_through_the_public_url(tmp_path: Path) -> None:
    """The page's websocket, scripts, font and the "Save log" download all use --public-url."""
    from tests.proxy import reverse_proxy

    async with served(tmp_path, public_url="http://127.0.0.1:1/placeholder") as (config, room, base):
        async with reverse_proxy(base, "room1") as public:
            config.public_url = public
            config.bound(config.port)
            async with Browser(tmp_path / "browser") as browser:
                page = await browser.page()
                await page.goto(config.share_url)
                assert (await page.js("location.href")).startswith(f"{public}/s/")
                await page.wait_text("voice-agent-sample")
                urls = await page.js("performance.getEntriesByType('resource').map(e => e.name)")
                assert urls and all(u.startswith(public) for u in urls), urls
                assert any(u.endswith("RobotoMono-VariableFont_wght.ttf") for u in urls), "the local font is used"
                ws_url = await page.js("document.getElementById('terminal').dataset.sessionWebsocketUrl")
                assert ws_url.startswith(public.replace("http:", "ws:") + "/ws/")
                (session,) = room.sessions.values()
                await page.focus_terminal()
                await page.press("n", "ctrl+s")
                await settled(session, "preflight")
                await page.press("l")
                await page.wait_text("Full log")
                await page.press("s")
                assert "New environment 'dev'" in (await browser.download("log")).read_text()
