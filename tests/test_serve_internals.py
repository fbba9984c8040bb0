"""The textual-serve seams `wizard/web` builds on. If textual-serve changes them, these fail first
(and say what to look at), before the serve tests fail in stranger ways."""

from __future__ import annotations

import inspect
from importlib.metadata import version
from pathlib import Path

import textual_serve
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from wizard.web.process import WizardProcess


def test_app_service_still_starts_its_process_through_the_method_we_override() -> None:
    """WizardProcess overrides `_open_app_process(width, height)` and sets `_process`/`_stdin`."""
    assert list(inspect.signature(AppService._open_app_process).parameters) == ["self", "width", "height"]
    assert list(inspect.signature(AppService._build_environment).parameters) == ["self", "width", "height"]
    start = inspect.getsource(AppService.start)
    assert "_open_app_process(width, height)" in start
    run = inspect.getsource(AppService.run)
    assert "self._process" in run and "readexactly" in run
    assert "self._stdin" in inspect.getsource(AppService.stdin.fget)  # type: ignore[attr-defined]
    assert WizardProcess._open_app_process is not AppService._open_app_process


def test_the_public_pieces_we_use_are_there() -> None:
    for name in ("send_bytes", "send_meta", "set_terminal_size", "focus", "blur", "start", "stop"):
        assert callable(getattr(AppService, name)), name
    for name in ("get_download_metadata", "download", "create_download", "chunk_received"):
        assert callable(getattr(DownloadManager, name)), name
    static = Path(textual_serve.__file__).parent / "static"
    for asset in ("js/textual.js", "css/xterm.css", "fonts/RobotoMono-VariableFont_wght.ttf",
                  "fonts/RobotoMono-Italic-VariableFont_wght.ttf"):
        assert (static / asset).is_file(), asset
    assert version("textual-serve").startswith("1.1."), "re-read wizard/web/process.py against the new AppService"


def test_textual_js_still_builds_the_websocket_url_and_opens_downloads_as_the_page_expects() -> None:
    """session.html gives a websocket URL to which textual.js appends `?width=…`; session.js
    catches the download window textual.js opens at `<origin>/download/<key>`."""
    script = (Path(textual_serve.__file__).parent / "static" / "js" / "textual.js").read_text()
    assert 'this.websocket_url+"?width="' in script
    assert "window.location.origin}/download/" in script
    assert "textual-terminal" in script and '"-closed"' in script
