"""A real browser for the serve tests: Debian's Chromium, headless, driven over CDP from Python.

No browser download and no Node: `make test` installs the `chromium` package when it is missing,
and the DevTools protocol is a websocket (aiohttp, already there for textual-serve). Keys are real
key events (`Input.dispatchKeyEvent`), the same path a person's keyboard takes into xterm.js.

The screen is read from the page's own xterm.js buffer. textual.js keeps its client object in a
closure, so `terminal_handle` finds the client class in `window.onload`'s closure (a class with
`connect` and `sendSize`) and its instance by prototype (`Runtime.queryObjects`); if textual-serve
changes that shape, every browser test fails at that line, loudly.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
READ_SCREEN = """function () {
  const t = this[0].terminal, b = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) { rows.push(b.getLine(b.viewportY + y).translateToString(true)); }
  return rows.join("\\n");
}"""
CELL_BG = """function (x, y) {
  const t = this[0].terminal, b = t.buffer.active, cell = b.getLine(b.viewportY + y).getCell(x);
  return cell.isBgDefault() ? -1 : cell.getBgColor();
}"""
FIND_CLIENT_CLASS = "function () { return this.prototype; }"

# Textual key name -> (DOM key, DOM code, Windows virtual key code, text typed)
NAMED = {
    "enter": ("Enter", "Enter", 13, "\r"), "escape": ("Escape", "Escape", 27, ""),
    "tab": ("Tab", "Tab", 9, ""), "backspace": ("Backspace", "Backspace", 8, ""),
    "up": ("ArrowUp", "ArrowUp", 38, ""), "down": ("ArrowDown", "ArrowDown", 40, ""),
    "left": ("ArrowLeft", "ArrowLeft", 37, ""), "right": ("ArrowRight", "ArrowRight", 39, ""),
    "space": (" ", "Space", 32, " "), "slash": ("/", "Slash", 191, "/"),
}
CTRL, SHIFT = 2, 8


def key_events(key: str) -> list[dict[str, Any]]:
    """CDP keyDown/keyUp for a Textual key name: `n`, `R`, `ctrl+s`, `enter`, `down`…"""
    *mods, name = key.split("+")
    modifiers = CTRL if "ctrl" in mods else 0
    if name in NAMED:
        dom_key, code, vk, text = NAMED[name]
    elif len(name) == 1 and name.isalpha():
        dom_key, code, vk, text = name, f"Key{name.upper()}", ord(name.upper()), name
        if name.isupper():
            modifiers |= SHIFT
    elif len(name) == 1 and name.isdigit():
        dom_key, code, vk, text = name, f"Digit{name}", ord(name), name
    else:
        raise ValueError(f"no key mapping for {key!r}")
    if modifiers & CTRL:
        text = ""
    down = {"type": "keyDown" if text else "rawKeyDown", "modifiers": modifiers, "key": dom_key, "code": code,
            "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk}
    if text:
        down.update(text=text, unmodifiedText=text.lower())
    up = {"type": "keyUp", "modifiers": modifiers, "key": dom_key, "code": code,
          "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk}
    return [down, up]


class Connection:
    """One DevTools websocket: commands by id, events to whoever waits for them."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.websocket = websocket
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.websocket:
            data = json.loads(message.data)
            future = self.pending.pop(data.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(data)
            elif "method" in data:
                self.events.append(data)

    async def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        number = next(self.ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[number] = future
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        await self.websocket.send_str(json.dumps(message))
        answer = await asyncio.wait_for(future, 30)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})


class Page:
    """A tab, in its own browser context (own cookies) unless told otherwise."""

    def __init__(self, cdp: Connection, target: str, session: str, context: str | None) -> None:
        self.cdp, self.target, self.session, self.context = cdp, target, session, context
        self._terminal: str | None = None

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        return await self.cdp.send(method, self.session, **params)

    async def goto(self, url: str) -> None:
        self._terminal = None
        await self.call("Page.navigate", url=url)
        await self.wait_js("document.readyState === 'complete'")

    async def reload(self) -> None:
        self._terminal = None
        await self.call("Page.reload", ignoreCache=True)
        await self.wait_js("document.readyState === 'complete' && !!document.querySelector('.xterm')")

    async def js(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    async def wait_js(self, expression: str, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(RuntimeError):
                value = await self.js(expression)
                if value:
                    return value
            if time.monotonic() > deadline:
                raise AssertionError(f"never true in the page: {expression}")
            await asyncio.sleep(0.05)

    async def terminal_handle(self) -> str:
        """The textual.js client object(s), found as the module docstring says."""
        if self._terminal is not None:
            return self._terminal
        onload = (await self.call("Runtime.evaluate", expression="window.onload"))["result"]["objectId"]
        props = await self.call("Runtime.getProperties", objectId=onload, ownProperties=True)
        scopes = next(p for p in props["internalProperties"] if p["name"] == "[[Scopes]]")
        listed = await self.call("Runtime.getProperties", objectId=scopes["value"]["objectId"], ownProperties=True)
        for scope in listed["result"]:
            if "objectId" not in scope.get("value", {}):
                continue
            variables = await self.call("Runtime.getProperties", objectId=scope["value"]["objectId"], ownProperties=True)
            for variable in variables["result"]:
                value = variable.get("value", {})
                if value.get("type") != "function" or "objectId" not in value:
                    continue
                proto = await self.call("Runtime.callFunctionOn", objectId=value["objectId"], functionDeclaration=FIND_CLIENT_CLASS)
                proto_id = proto["result"].get("objectId")
                if proto_id is None:
                    continue
                shape = await self.call(
                    "Runtime.callFunctionOn", objectId=proto_id, returnByValue=True,
                    functionDeclaration="function () { return typeof this.connect === 'function' && typeof this.sendSize === 'function'; }",
                )
                if not shape["result"].get("value"):
                    continue
                found = await self.call("Runtime.queryObjects", prototypeObjectId=proto_id)
                count = await self.call("Runtime.callFunctionOn", objectId=found["objects"]["objectId"], returnByValue=True,
                                        functionDeclaration="function () { return this.length; }")
                if count["result"]["value"] == 1:
                    self._terminal = found["objects"]["objectId"]
                    return self._terminal
        raise AssertionError("textual.js's terminal client was not found in the page (textual-serve changed?)")

    async def screen(self) -> str:
        handle = await self.terminal_handle()
        result = await self.call("Runtime.callFunctionOn", objectId=handle, functionDeclaration=READ_SCREEN, returnByValue=True)
        return str(result["result"]["value"])

    async def wait_text(self, *wanted: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while True:
            with contextlib.suppress(RuntimeError, KeyError):
                text = await self.screen()
                if all(w in text for w in wanted):
                    return text
            if time.monotonic() > deadline:
                raise AssertionError(f"never on screen: {wanted}\n--- screen ---\n{text}")
            await asyncio.sleep(0.1)

    async def background(self, x: int, y: int) -> int:
        handle = await self.terminal_handle()
        result = await self.call("Runtime.callFunctionOn", objectId=handle, functionDeclaration=CELL_BG,
                                 arguments=[{"value": x}, {"value": y}], returnByValue=True)
        return int(result["result"]["value"])

    async def wait_background(self, x: int, y: int, wanted: Callable[[int], bool], timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while not wanted(colour := await self.background(x, y)):
            if time.monotonic() > deadline:
                raise AssertionError(f"cell ({x}, {y}) kept its background {colour:#08x}")
            await asyncio.sleep(0.05)
        return colour

    async def focus_terminal(self) -> None:
        await self.wait_js("!!document.querySelector('.xterm-helper-textarea')")
        await self.js("document.querySelector('.xterm-helper-textarea').focus()")

    async def press(self, *keys: str) -> None:
        for key in keys:
            for event in key_events(key):
                await self.call("Input.dispatchKeyEvent", **event)

    async def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        box = await self.wait_js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return null;"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        x, y = box
        for kind in ("mousePressed", "mouseReleased"):
            await self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    async def screenshot(self, path: Path) -> Path:
        shot = await self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.cdp.send("Target.closeTarget", targetId=self.target)


class Browser:
    """`async with Browser(tmp) as browser:` a fresh profile, removed afterwards with the process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.profile = folder / "profile"
        self.downloads = folder / "downloads"
        self.process: subprocess.Popen[bytes] | None = None

    async def __aenter__(self) -> Browser:
        if not Path(CHROMIUM).exists():
            raise AssertionError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
        self.profile.mkdir(parents=True)
        self.downloads.mkdir()
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().split()) >= 2):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError("chromium did not open its DevTools port")
            await asyncio.sleep(0.05)
        port, path = port_file.read_text().split()[:2]
        self.http = aiohttp.ClientSession()
        websocket = await self.http.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0)
        self.cdp = Connection(websocket)
        await self.cdp.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(self.downloads), eventsEnabled=True)
        return self

    async def page(self, width: int = 1280, height: int = 800, *, context: str | None = "new") -> Page:
        if context == "new":
            context = (await self.cdp.send("Target.createBrowserContext"))["browserContextId"]
        params: dict[str, Any] = {"url": "about:blank"}
        if context:
            params["browserContextId"] = context
        target = (await self.cdp.send("Target.createTarget", **params))["targetId"]
        session = (await self.cdp.send("Target.attachToTarget", targetId=target, flatten=True))["sessionId"]
        page = Page(self.cdp, target, session, context)
        await page.call("Page.enable")
        await page.call("Runtime.enable")
        await page.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        if context:
            await self.cdp.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(self.downloads),
                                browserContextId=context, eventsEnabled=True)
        return page

    async def download(self, name_part: str, timeout: float = 30) -> Path:
        """Wait for a finished download whose file name contains `name_part`."""
        deadline = time.monotonic() + timeout
        while True:
            done = {e["params"]["guid"] for e in self.cdp.events
                    if e["method"] == "Browser.downloadProgress" and e["params"].get("state") == "completed"}
            named = {e["params"]["guid"]: e["params"]["suggestedFilename"] for e in self.cdp.events if e["method"] == "Browser.downloadWillBegin"}
            for guid in done:
                if name_part in named.get(guid, ""):
                    for candidate in (self.downloads / guid, self.downloads / named[guid]):
                        if candidate.exists():
                            return candidate
            if time.monotonic() > deadline:
                raise AssertionError(f"no finished download named *{name_part}*: {os.listdir(self.downloads)}")
            await asyncio.sleep(0.05)

    async def __aexit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            await self.cdp.send("Browser.close")
        with contextlib.suppress(Exception):
            self.cdp.reader.cancel()
            await self.http.close()
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)
