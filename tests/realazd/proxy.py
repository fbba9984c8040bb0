"""The replay proxy: the Azure that azd talks to, answered from a cassette.

The record build sends every request to `AZD_TEST_HTTPS_PROXY` (`http.ProxyURL`, so loopback too):
HTTPS as `CONNECT host:443` followed by TLS in the tunnel (any certificate; HTTP/1.1), plain HTTP
in absolute form (`POST http://127.0.0.1:N/token?...`, the remote credential). The contract is
the one of azd's `test/recording/proxy.go` and go-vcr in playback:

* a request is answered with the first unused interaction that matches (cassette.RequestKey),
  with the recorded status, headers and body, a fresh Content-Length (recorded bodies were
  trimmed or sanitized, so recorded lengths can be stale; a HEAD keeps the recorded one), and
  `Connection: close`, as go-vcr marks every replayed response;
* a miss is answered 400 `{"error":{"code":"requested interaction not found"}}` with
  `x-ms-error-code: recordingProxy: requested interaction not found`, and logged;
* the extension registries (REUSABLE) are re-served once used up: the wizard runs azd more often
  than the recorded test did, and each azd process may fetch them; those are logged as `reused`;
* the wizard's own clients (READER_AGENTS: Azure SDK for Python, urllib) only read: they get the
  last answer azd was given for the same request (path case and query spelling aside), else the next one
  azd will get, and use up nothing, so the recorded azd sequence stays whole; their misses are
  told apart (`client`); reads the cassette holds only in another shape are answered by
  views.py (`derived`);
* a test may make some of the wizard's reads fail (`fail_reads`: an ARM error for a path pattern,
  logged as `injected`), for failures of Azure that only the wizard would meet; azd's answers stay
  as recorded;
* `/token` on loopback is the remote-credential endpoint (identity.py); hosts that azd's recorder
  passes through to the network (sign-in, Graph, telemetry, update feed, experimentation) are
  answered 503 here and logged apart: nothing leaves the machine.

Threads: one per connection; `close()` stops accepting, wakes every open connection and joins
every thread, so nothing is left behind.
"""

from __future__ import annotations

import json
import re
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.realazd import tls
from tests.realazd.cassette import Cassette, Interaction, RequestKey
from tests.realazd.identity import Identity, TokenRefusal, token_answer
from tests.realazd.views import DerivedViews

MISS_CODE = "requested interaction not found"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
# (host contains, path contains): what azd's recorder sends to the real network (recording.go).
PASSTHROUGH = (
    ("login.microsoftonline.com", ""),
    ("graph.microsoft.com", ""),
    ("applicationinsights.azure.com", ""),
    ("aka.ms", "/azure-dev"),
    ("azure-dev.azureedge.net", ""),
    ("azdrelease.azureedge.net", ""),
    ("azd-release-gfgac2cmf7b8cuay.b02.azurefd.net", ""),
    ("azuresdkartifacts.z5.web.core.windows.net", ""),
    ("default.exp-tas.com", ""),
    ("dev.azure.com", "/oidctoken"),
)
# (host contains, path contains): static documents every azd process may fetch again (the extension
# registries); once their recorded answers are used up, the last one is served again ("reused").
REUSABLE = (
    ("aka.ms", "/azd/extensions/"),
    ("raw.githubusercontent.com", "/registry.json"),
)
# User-Agents of the wizard's own clients (Azure SDK for Python, its urllib probes): they read the
# recorded state without using up what the recorded azd commands will ask for.
READER_AGENTS = ("azsdk-python-", "python-requests", "Python-urllib", "deploy-wizard")
_NOT_REPLAYED_HEADERS = {"content-length", "transfer-encoding", "connection", "trailer"}
_NO_BODY_STATUS = {204, 304}


@dataclass(frozen=True)
class Exchange:
    """One request the proxy answered: how (`replayed`, `reused`, `derived`, `miss`, `injected`, `token`,
    `passthrough`, `local`), and to whom (`client`)."""

    kind: str
    method: str
    url: str
    status: int
    interaction: int | None = None
    client: str = "azd"  # or "wizard" (READER_AGENTS)

    def __str__(self) -> str:
        served = f" <- #{self.interaction}" if self.interaction is not None else ""
        reader = " (wizard)" if self.client != "azd" else ""
        return f"{self.kind}{reader} {self.method} {self.url} -> {self.status}{served}"


@dataclass
class _Answer:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    head_length: int | None = None  # a HEAD's Content-Length

    def wire(self, method: str) -> bytes:
        lines = [f"HTTP/1.1 {self.status} {self.reason}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        if method == "HEAD":
            if self.head_length is not None:
                lines.append(f"Content-Length: {self.head_length}")
            body = b""
        elif self.status in _NO_BODY_STATUS:
            body = b""
        else:
            lines.append(f"Content-Length: {len(self.body)}")
            body = self.body
        lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _json_answer(status: int, reason: str, payload: object, *extra: tuple[str, str]) -> _Answer:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return _Answer(status, reason, [("Content-Type", "application/json"), *extra], body)


def _replayed(interaction: Interaction) -> _Answer:
    response = interaction.response
    code = int(response["code"])
    status_text = str(response.get("status") or code)
    reason = status_text.split(" ", 1)[1] if status_text.startswith(f"{code} ") else status_text
    headers = [
        (name, str(value))
        for name, values in (response.get("headers") or {}).items()
        if name.lower() not in _NOT_REPLAYED_HEADERS
        for value in values
    ]
    head_length = response.get("content_length")
    if head_length is None or int(head_length) < 0:
        recorded = (response.get("headers") or {}).get("Content-Length") or []
        head_length = int(recorded[0]) if recorded else None
    return _Answer(code, reason, headers, interaction.response_body(), head_length)


@dataclass(frozen=True)
class ReadFault:
    """The wizard's reads of `method` on a path matching `path` are answered with an ARM error."""

    method: str
    path: re.Pattern[str]
    status: int
    code: str
    message: str

    def answer(self) -> _Answer:
        reason = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 429: "Too Many Requests",
                  500: "Internal Server Error"}.get(self.status, "Error")
        return _json_answer(self.status, reason, {"error": {"code": self.code, "message": self.message}},
                            ("x-ms-failure-cause", "gateway"))


class Hold:
    """Keeps one interaction's answer back until released: azd waits mid-command meanwhile."""

    def __init__(self, interaction: int) -> None:
        self.interaction = interaction
        self.reached = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def wait_released(self) -> None:
        self._released.wait()


class ReplayProxy:
    """Serves one cassette to one azd session (or several commands in turn)."""

    def __init__(self, cassette: Cassette, *, auth_key: str, identity: Identity | None = None,
                 token_refusal: TokenRefusal | None = None) -> None:
        self.cassette = cassette
        self.identity = identity or Identity.of(cassette)
        self.auth_key = auth_key
        self.token_refusal = token_refusal
        self.exchanges: list[Exchange] = []
        self._used: set[int] = set()
        self._holds: dict[int, Hold] = {}
        self._faults: list[ReadFault] = []
        self._lock = threading.Condition()
        hosts = {i.key.origin.split("://", 1)[1].rsplit(":", 1)[0] for i in cassette.interactions}
        self.certificate = tls.certificate_for(frozenset(hosts | {h for h, _ in PASSTHROUGH}))
        self.views = DerivedViews(cassette, lambda: set(self._used))
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------------------
    def start(self) -> ReplayProxy:
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, name="replay-proxy",
                                        kwargs={"poll_interval": 0.1})
        self._thread.start()
        return self

    def close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        for hold in list(self._holds.values()):
            hold.release()
        server.wake_connections()
        server.server_close()  # joins the connection threads
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> ReplayProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        assert self._server is not None, "proxy not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- what happened ----------------------------------------------------------------------------
    @property
    def misses(self) -> list[Exchange]:
        with self._lock:
            return [e for e in self.exchanges if e.kind == "miss"]

    def misses_of(self, client: str) -> list[Exchange]:
        return [e for e in self.misses if e.client == client]

    @property
    def passthrough(self) -> list[Exchange]:
        with self._lock:
            return [e for e in self.exchanges if e.kind == "passthrough"]

    def served(self) -> list[int]:
        """Interactions replayed (each once, in the order served); re-served ones not repeated."""
        with self._lock:
            return [e.interaction for e in self.exchanges if e.kind == "replayed" and e.interaction is not None]

    def unused(self) -> list[Interaction]:
        with self._lock:
            return [i for i in self.cassette.interactions if i.id not in self._used]

    def hold(self, interaction: int) -> Hold:
        """Hold back the answer to interaction `interaction` (see Hold)."""
        with self._lock:
            self._holds[interaction] = Hold(interaction)
            return self._holds[interaction]

    def fail_reads(self, method: str, path: str, status: int, code: str, message: str) -> ReadFault:
        """From now on, answer the wizard's `method` reads of paths matching the regex `path`
        (case-insensitive) with ARM's error envelope; azd's requests are not affected."""
        fault = ReadFault(method.upper(), re.compile(path, re.IGNORECASE), status, code, message)
        with self._lock:
            self._faults.append(fault)
        return fault

    def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait (without polling) until `condition()` holds after some exchange; False on timeout."""
        with self._lock:
            return self._lock.wait_for(condition, timeout)

    # -- answering --------------------------------------------------------------------------------
    def _log(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)
            self._lock.notify_all()

    def _peek(self, key: RequestKey) -> Interaction | None:
        """What azd was last answered for this request, else what it will be answered next."""
        with self._lock:
            matches = [i for i in self.cassette.interactions if key.matches(i.key, reader=True)]
            used = [i for i in matches if i.id in self._used]
        return used[-1] if used else (matches[0] if matches else None)

    def _take(self, key: RequestKey) -> tuple[Interaction | None, bool]:
        """The first unused match (and False), else for a REUSABLE request the last match (and True)."""
        with self._lock:
            last = None
            for interaction in self.cassette.interactions:
                if key.matches(interaction.key):
                    if interaction.id not in self._used:
                        self._used.add(interaction.id)
                        return interaction, False
                    last = interaction
        parts = urlsplit(key.url)
        if last is not None and key.method == "GET" and any(h in parts.netloc and p in parts.path for h, p in REUSABLE):
            return last, True
        return None, False

    def answer(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> _Answer:
        parts = urlsplit(url)
        client = "wizard" if headers.get("User-Agent", "").startswith(READER_AGENTS) else "azd"
        host = parts.hostname or ""
        if parts.path == "/token" and (host in LOOPBACK or not host):
            return self._token(method, url, headers.get("Authorization", ""), body)
        if not host:
            self._log(Exchange("local", method, url, 404, client=client))
            return _json_answer(404, "Not Found", {"error": "not a proxy request"})
        if any(h in parts.netloc and p in parts.path for h, p in PASSTHROUGH):
            self._log(Exchange("passthrough", method, url, 503, client=client))
            return _json_answer(503, "Service Unavailable", {"error": "offline replay: not reachable"})
        key = RequestKey.of(method, url)
        if client == "azd":
            interaction, reused = self._take(key)
        else:
            with self._lock:
                fault = next((f for f in self._faults if f.method == method and f.path.search(parts.path)), None)
            if fault is not None:
                self._log(Exchange("injected", method, url, fault.status, client=client))
                return fault.answer()
            derived = self.views.answer(key)
            if derived is not None:
                self._log(Exchange("derived", method, url, derived[0], client=client))
                return _json_answer(derived[0], "OK" if derived[0] == 200 else "Not Found", derived[1])
            interaction, reused = self._peek(key), True
        if interaction is None:
            self._log(Exchange("miss", method, url, 400, client=client))
            return _json_answer(400, "Bad Request", {"error": {"code": MISS_CODE}},
                                ("x-ms-error-code", f"recordingProxy: {MISS_CODE}"))
        hold = self._holds.get(interaction.id) if client == "azd" and not reused else None
        if hold is not None:
            hold.reached.set()
            hold.wait_released()
        answer = _replayed(interaction)
        if client != "azd":
            answer.body = self.views.adjust(key, answer.status, answer.body)
        self._log(Exchange("reused" if reused else "replayed", method, url, answer.status, interaction.id, client))
        return answer

    def _token(self, method: str, url: str, authorization: str, body: bytes) -> _Answer:
        if method != "POST":
            status, payload = 405, {"error": "method not allowed"}
        elif authorization != f"Bearer {self.auth_key}":
            status, payload = 401, {"error": "wrong AZD_AUTH_KEY"}
        else:
            status, payload = token_answer(self.identity, body, self.token_refusal)
        self._log(Exchange("token", method, url.split("?")[0], status))
        return _json_answer(status, "OK" if status == 200 else "Error", payload)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 300
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.tunnel: str | None = None
        self.server.track(self.connection)

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, ssl.SSLError, ValueError):
            self.close_connection = True  # the client went away (azd killed, cancelled, ...)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        if self.tunnel is not None:
            self.server.untrack(self.connection)
            self.connection.close()

    def log_message(self, format: str, *args: object) -> None:
        pass  # every request is logged as an Exchange instead

    def do_CONNECT(self) -> None:
        self.connection.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
        wrapped = self.server.tls.wrap_socket(self.connection, server_side=True)
        wrapped.settimeout(self.timeout)
        self.server.track(wrapped)
        self.connection, self.tunnel = wrapped, self.path
        self.rfile = wrapped.makefile("rb")
        self.wfile = wrapped.makefile("wb")
        self.close_connection = False

    def _serve(self) -> None:
        body = self._body()
        if self.tunnel is not None:
            url = f"https://{self.tunnel}{self.path}"
        else:
            url = self.path  # absolute form (`http://host/...`) or a request to the proxy itself
        answer = self.server.replay.answer(self.command, url, self.headers, body)
        self.wfile.write(answer.wire(self.command))
        self.wfile.flush()
        self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, replay: ReplayProxy) -> None:
        self.replay = replay
        self.tls = tls.server_context(replay.certificate)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def track(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(connection)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        self.untrack(request)
        super().shutdown_request(request)

    def wake_connections(self) -> None:
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a broken connection is the client's business; exchanges hold what was served
