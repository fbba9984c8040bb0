"""A small reverse proxy for the serve tests: `http://127.0.0.1:<port>/<prefix>/…` forwarded to the
server with the prefix stripped, websockets included (what nginx or Caddy does in front of a room)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length",
       "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept"}


@asynccontextmanager
async def reverse_proxy(upstream: str, prefix: str) -> AsyncIterator[str]:
    """Yields the proxy's base URL (`http://127.0.0.1:<port>/<prefix>`)."""
    client = aiohttp.ClientSession(auto_decompress=False)

    async def forward(request: web.Request) -> web.StreamResponse:
        target = f"{upstream}/{request.match_info['tail']}"
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP}
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await forward_websocket(request, target.replace("http:", "ws:"), headers)
        async with client.request(request.method, target, params=request.query, headers=headers,
                                  data=await request.read(), allow_redirects=False) as answer:
            response = web.StreamResponse(status=answer.status)
            for key, value in answer.headers.items():
                if key.lower() not in HOP:
                    response.headers.add(key, value)
            await response.prepare(request)
            async for chunk in answer.content.iter_any():
                await response.write(chunk)
            await response.write_eof()
            return response

    async def forward_websocket(request: web.Request, target: str, headers: dict[str, str]) -> web.StreamResponse:
        async with client.ws_connect(target, params=request.query, headers=headers, max_msg_size=0) as inner:
            outer = web.WebSocketResponse(max_msg_size=0)
            await outer.prepare(request)

            async def pump(source: web.WebSocketResponse | aiohttp.ClientWebSocketResponse, sink: web.WebSocketResponse | aiohttp.ClientWebSocketResponse) -> None:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    async for message in source:
                        if message.type == aiohttp.WSMsgType.TEXT:
                            await sink.send_str(message.data)
                        elif message.type == aiohttp.WSMsgType.BINARY:
                            await sink.send_bytes(message.data)
                    await sink.close()

            tasks = [asyncio.create_task(pump(inner, outer)), asyncio.create_task(pump(outer, inner))]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            return outer

    app = web.Application()
    app.router.add_route("*", f"/{prefix}/{{tail:.*}}", forward)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield f"http://127.0.0.1:{server.port}/{prefix}"
    finally:
        await server.close()
        await client.close()
