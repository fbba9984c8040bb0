"""A real terminal (a pseudo-terminal): ctrl+l on the Project screen suspends the TUI and hands the
terminal to azd's sign-in (the simulator's, on the not-logged-in scenario), which prints its
device-code prompt and waits for Enter as azd does; the TUI comes back and says it is signed in."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ANSI = re.compile(rb"\x1b\[[0-9;?<>=$]*[A-Za-z~]")


class Terminal:
    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the wizard, in the terminal
            os.chdir(cwd)
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.output = b""

    @property
    def text(self) -> bytes:
        return ANSI.sub(b"", self.output)

    def until(self, predicate: Callable[[], bool], limit: float = 60.0) -> bool:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if predicate():
                return True
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    self.output += os.read(self.fd, 65536)
                except OSError:  # the child ended
                    return predicate()
        return predicate()

    def press(self, data: bytes) -> None:
        os.write(self.fd, data)

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def test_ctrl_l_suspends_the_tui_for_azd_auth_login_and_comes_back(tmp_path: Path) -> None:
    project = tmp_path / "p"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "DEPLOY_WIZARD_", "TEXTUAL"))}
    env.update(TERM="xterm-256color", DEPLOY_WIZARD_SIM_SPEED="0", NO_COLOR="1")
    argv = [sys.executable, "-m", "wizard", "demo", "-C", str(project), "--scenario", "not-logged-in", "--speed", "0"]
    term = Terminal(argv, Path(__file__).resolve().parents[1], env)
    try:
        assert term.until(lambda: b"Ready?" in term.text and b"Sign in" in term.text), term.text[-2000:]
        term.press(b"o")  # sign in
        assert term.until(lambda: b"Sign in to Azure" in term.text)
        term.press(b"\r")
        assert term.until(lambda: b"$ azd auth login" in term.text)  # the TUI is suspended: azd has the terminal
        if term.until(lambda: b"Then press enter" in term.text, 10):
            term.press(b"\r")  # azd's own device-code prompt, answered in the same terminal
        assert term.until(lambda: b"Logged in to Azure." in term.text)
        assert term.until(lambda: b"Signed in." in term.text.split(b"Logged in to Azure.")[-1])  # the TUI is back
        assert (project / ".azure" / "simulator-signin.json").is_file()
    finally:
        term.close()
