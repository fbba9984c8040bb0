"""The aiohttp server: token guard, attendee pages and websockets, downloads, the host page.

Routes (every one needs a token: the attendee token, or the host token under /host):
  /                    a new session (or the one this browser left), redirected to /s/<id>
  /s/<id>              the attendee's page: textual-serve's terminal, the session's name
  /s/<id>/alive        whether the session lives (the page's reconnect asks)
  /ws/<id>/<client>    the terminal's websocket
  /download/<key>      a file the wizard delivered ("Save log")
  /static/…, /own/…    textual-serve's assets (terminal, font) and this package's scripts
  /host, /host/api/…   the host page: sessions, reset one or all, settings for new sessions
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSMsgType, web

from wizard.simulator.scenarios import SCENARIOS
from wizard.web.config import ServeConfig, websocket_base
from wizard.web.pages import host_page, notice, render
from wizard.web.room import Room

log = logging.getLogger("deploy-wizard.serve")

TOKEN_COOKIE = "deploy_wizard_token"
HOST_COOKIE = "deploy_wizard_host"
LAST_COOKIE = "deploy_wizard_session"
TEXTUAL_STATIC = Path(textual_serve.__file__).parent / "static"
OWN_STATIC = Path(str(resources.files("wizard.web").joinpath("static")))
ASSETS = ("/static/", "/own/")
ROOM_KEY: web.AppKey[Room] = web.AppKey("room", Room)
CONFIG_KEY: web.AppKey[ServeConfig] = web.AppKey("config", ServeConfig)


def _same(given: str | None, wanted: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), wanted.encode())


def _token_guard(config: ServeConfig) -> Any:
    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        host_area = request.path == "/host" or request.path.startswith("/host/")
        cookie, wanted = (HOST_COOKIE, config.host_token) if host_area else (TOKEN_COOKIE, config.token)
        from_query = request.query.get("token")
        allowed = _same(from_query, wanted) or _same(request.cookies.get(cookie), wanted)
        if not allowed and request.path.startswith(ASSETS):  # the host page's scripts and font
            allowed = _same(request.cookies.get(HOST_COOKIE), config.host_token)
        if not allowed:
            return web.Response(
                status=403, content_type="text/html",
                text=notice("Token needed", "This address needs the link the host shared (it ends in ?token=…)."),
            )
        response = await handler(request)
        if _same(from_query, wanted):
            response.set_cookie(
                cookie, wanted, httponly=True, secure=config.secure, path="/",
                samesite="Strict" if host_area else "Lax",
            )
        return response

    return guard


class WizardServer:
    """Routes over one `Room`; `build()` gives the aiohttp application."""

    def __init__(self, config: ServeConfig, room: Room | None = None) -> None:
        self.config = config
        self.room = room or Room(config)

    def build(self) -> web.Application:
        app = web.Application(middlewares=[_token_guard(self.config)])
        app[ROOM_KEY] = self.room
        app[CONFIG_KEY] = self.config
        app.add_routes([
            web.get("/", self.new_session),
            web.get("/s/{sid}", self.session_page),
            web.get("/s/{sid}/alive", self.alive),
            web.get("/ws/{sid}/{client}", self.websocket),
            web.get("/download/{key}", self.download),
            web.get("/host", self.host),
            web.get("/host/api/sessions", self.host_sessions),
            web.post("/host/api/sessions/{number}/reset", self.host_reset),
            web.post("/host/api/reset-all", self.host_reset_all),
            web.post("/host/api/settings", self.host_settings),
            web.static("/static", TEXTUAL_STATIC),
            web.static("/own", OWN_STATIC),
        ])
        app.on_startup.append(self._start_reaper)
        app.on_shutdown.append(self._shutdown)
        return app

    async def _start_reaper(self, app: web.Application) -> None:
        self._reaper = asyncio.create_task(self.room.reaper())

    async def _shutdown(self, app: web.Application) -> None:
        self._reaper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reaper
        await self.room.close()

    # -- attendees -------------------------------------------------------------------------------
    async def new_session(self, request: web.Request) -> web.StreamResponse:
        base = self.config.base
        last = self.room.get(request.cookies.get(LAST_COOKIE, ""))
        if last is not None and not last.attached:  # this browser's session, left by a closed tab
            return _redirect(f"{base}/s/{last.id}")
        session = self.room.open()
        if session is None:
            return web.Response(
                status=503, content_type="text/html",
                text=notice("The room is full", f"All {self.config.max_sessions} sessions are taken: ask the host."),
            )
        log.info("session %s opened", session.name)
        response = _redirect(f"{base}/s/{session.id}")
        response.set_cookie(LAST_COOKIE, session.id, httponly=True, secure=self.config.secure, path="/", samesite="Lax")
        return response

    async def session_page(self, request: web.Request) -> web.StreamResponse:
        session = self.room.get(request.match_info["sid"])
        base = self.config.base
        if session is None:
            reason = self.room.ended_reason(request.match_info["sid"])
            return web.Response(
                status=410 if reason else 404, content_type="text/html",
                text=notice("Session ended" if reason else "No such session", f"This session has ended ({reason})." if reason else "This session does not exist.", (f"{base}/", "Start a new session")),
            )
        client = secrets.token_urlsafe(9)
        page = render(
            "session.html",
            title=self.config.title, name=session.name, base=base, static=f"{base}/static", own=f"{base}/own",
            session_id=session.id, client=client, font_size=_font_size(request),
            websocket_url=f"{websocket_base(base)}/ws/{session.id}/{client}",
            note=f"scenario {session.scenario} · speed {session.speed:g}" if self.config.demo else "",
        )
        return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-store"})

    async def alive(self, request: web.Request) -> web.StreamResponse:
        sid = request.match_info["sid"]
        session = self.room.get(sid)
        if session is None:
            return web.json_response({"alive": False, "reason": self.room.ended_reason(sid) or ""})
        return web.json_response({"alive": True, "replaced": request.query.get("client", "") in session.replaced})

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        session = self.room.get(request.match_info["sid"])
        if session is None:
            return web.Response(status=404, text="no such session")
        if not self._same_origin(request):
            return web.Response(status=403, text="this page's websocket opens only from the room's own address")
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        width, height = _int(request.query.get("width"), 80), _int(request.query.get("height"), 24)
        try:
            await session.attach(websocket, request.match_info["client"], width, height)
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = message.json()
                except ValueError:
                    continue
                if isinstance(envelope, list):
                    await session.from_browser(envelope)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            session.detach(websocket)
        return websocket

    def _same_origin(self, request: web.Request) -> bool:
        """A browser sends Origin with a websocket: it must be the room's public address (or the
        address the request came to, for a host trying it locally). Tools without Origin pass."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        public = urlsplit(self.config.base)
        allowed = {f"{public.scheme}://{public.netloc}", f"{request.scheme}://{request.host}"}
        return origin in allowed

    async def download(self, request: web.Request) -> web.StreamResponse:
        manager = self.room.download_manager
        key = request.match_info["key"]
        try:
            meta = await manager.get_download_metadata(key)
        except KeyError:
            return web.Response(status=404, text="this download has expired")
        content_type = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        response = web.StreamResponse(headers={
            "Content-Type": content_type,
            "Content-Disposition": f'{disposition}; filename="{_safe_name(meta.file_name)}"',
        })
        await response.prepare(request)
        async for chunk in manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    # -- the host --------------------------------------------------------------------------------
    async def host(self, request: web.Request) -> web.StreamResponse:
        base = self.config.base
        page = host_page(
            title=self.config.title, base=base, static=f"{base}/static", own=f"{base}/own",
            share_url=self.config.share_url, room=self.room.describe(),
        )
        return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-store"})

    async def host_sessions(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self.room.describe())

    async def host_reset(self, request: web.Request) -> web.StreamResponse:
        _json_only(request)
        session = self.room.by_number(_int(request.match_info["number"], -1))
        if session is None:
            return web.json_response({"ok": False, "note": "no such session"}, status=404)
        await self.room.reset(session)
        log.info("session %s reset by the host", session.name)
        return web.json_response({"ok": True, "note": f"{session.name} reset"})

    async def host_reset_all(self, request: web.Request) -> web.StreamResponse:
        _json_only(request)
        count = await self.room.reset_all()
        return web.json_response({"ok": True, "note": f"{count} sessions reset"})

    async def host_settings(self, request: web.Request) -> web.StreamResponse:
        _json_only(request)
        body = await request.json()
        scenario = str(body.get("scenario", self.room.scenario))
        try:
            speed = float(body.get("speed", self.room.speed))
        except (TypeError, ValueError):
            speed = -1
        if scenario not in SCENARIOS or not 0 <= speed <= 10:
            return web.json_response({"ok": False, "note": "unknown scenario or speed"}, status=400)
        self.room.settings(scenario, speed)
        return web.json_response({"ok": True, "note": f"new sessions: scenario {scenario}, speed {speed:g}"})


def _redirect(url: str) -> web.Response:
    return web.Response(status=302, headers={"Location": url, "Cache-Control": "no-store"})


def _json_only(request: web.Request) -> None:
    """Host actions come from the host page's fetch(): a form on another site cannot send JSON."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="send JSON")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _font_size(request: web.Request) -> int:
    return min(32, max(8, _int(request.query.get("fontsize"), 16)))


def _safe_name(name: str) -> str:
    return "".join(c for c in name if c.isalnum() or c in "._-") or "download.txt"
