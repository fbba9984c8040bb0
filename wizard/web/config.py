"""What the host chose on the command line: where attendees connect, the tokens, the limits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from wizard.simulator.scenarios import DEFAULT_SCENARIO

TOKEN_BYTES = 12


class ConfigError(ValueError):
    """A bad --public-url or limit (usage error, exit 2)."""


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def public_base(public_url: str | None, host: str, port: int) -> str:
    """The address attendees' browsers use, without a trailing slash (a path prefix is kept).

    Without --public-url: the listening address, unless it listens on every interface, where the
    machine's name stands in (a browser cannot connect to 0.0.0.0).
    """
    if public_url is None:
        if host in ("0.0.0.0", "::", ""):
            import socket

            host = socket.getfqdn()
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"
    parts = urlsplit(public_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"--public-url must be an http:// or https:// address, not {public_url!r}")
    if parts.hostname in ("0.0.0.0", "::"):
        raise ConfigError("--public-url must be an address attendees can reach, not 0.0.0.0")
    if parts.query or parts.fragment:
        raise ConfigError("--public-url takes no query or fragment (the token is added to the shared link)")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def websocket_base(base: str) -> str:
    """ws:// for http, wss:// for https (behind a TLS reverse proxy too)."""
    scheme, rest = base.split(":", 1)
    return ("wss:" if scheme == "https" else "ws:") + rest


@dataclass
class ServeConfig:
    """The server's settings; `scenario` and `speed` are the room's defaults for new sessions."""

    argv: list[str]  # the wizard's command line for one session (no shell)
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    token: str = field(default_factory=new_token)
    host_token: str = field(default_factory=new_token)
    max_sessions: int = 30
    idle_timeout: float = 45 * 60
    grace: float = 5 * 60
    scenario: str = DEFAULT_SCENARIO
    speed: float = 1.0
    demo: bool = True  # sessions run the demo (scenario and speed apply)
    title: str = "deploy-wizard"

    def __post_init__(self) -> None:
        if self.max_sessions < 1:
            raise ConfigError("--max-sessions must be at least 1")
        if self.idle_timeout <= 0 or self.grace < 0:
            raise ConfigError("--idle-timeout must be positive and --grace not negative")
        self.bound(self.port)

    def bound(self, port: int) -> None:
        """The port actually listened on (`--port 0` picks one); the public address follows it."""
        self.port = port
        self.base = public_base(self.public_url, self.host, self.port)
        self.secure = self.base.startswith("https:")

    @property
    def share_url(self) -> str:
        """The link attendees open."""
        return f"{self.base}/?token={self.token}"

    @property
    def host_url(self) -> str:
        return f"{self.base}/host?token={self.host_token}"
