"""HttpPort on urllib: one bounded GET, redirects reported (not followed), bodies capped."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from wizard.core.ports import HttpResult

MAX_BODY = 64 * 1024


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx: the caller sees where it points


class HttpAdapter:
    def __init__(self, *, user_agent: str = "deploy-wizard", max_body: int = MAX_BODY) -> None:
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._user_agent = user_agent
        self._max_body = max_body

    def get(self, url: str, timeout: float = 10.0) -> HttpResult:
        if urlsplit(url).scheme not in ("http", "https"):
            return HttpResult(status=None, error=f"not an http(s) URL: {url}")
        timeout = max(0.5, min(float(timeout), 60.0))
        request = urllib.request.Request(url, method="GET", headers={"User-Agent": self._user_agent, "Accept": "application/json, */*"})
        try:
            with self._opener.open(request, timeout=timeout) as response:
                body = response.read(self._max_body)
                return HttpResult(status=response.status, body=_text(body))
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read(self._max_body) if exc.fp is not None else b""
            except OSError:
                body = b""
            location = exc.headers.get("Location") if exc.headers is not None else None
            return HttpResult(status=exc.code, body=_text(body), location=location)
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                return HttpResult(status=None, error=f"timed out after {timeout:.0f}s")
            return HttpResult(status=None, error=str(reason))
        except TimeoutError:
            return HttpResult(status=None, error=f"timed out after {timeout:.0f}s")
        except (OSError, ValueError) as exc:
            return HttpResult(status=None, error=str(exc) or type(exc).__name__)


def _text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")
