"""Process start to the first frame a terminal shows, for `startup_ratio`.

Both programs run as a person runs them, in a pseudo-terminal (120×40): the real `deploy-wizard`
on the sample, and a minimal Textual app (`python -m bench.startup_probe minimal`). The time is
from starting the process to the moment its output holds the first screen's last text (the
wizard's "Continue to environment" button, the minimal app's footer); then the process is killed.
What runs after the first frame (the wizard's readiness probe, shutdown) is not startup.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

WIZARD_MARK = b"Continue to environment"
MINIMAL_MARK = b"minimal-ready"


def first_frame_seconds(argv: list[str], mark: bytes, env: dict[str, str], timeout: float = 30.0) -> float:
    """Seconds from spawning `argv` in a pty until its output contains `mark`."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal like a person's
        os.execve(argv[0], argv, env)
    seen = b""
    try:
        while mark not in seen:
            left = timeout - (time.perf_counter() - started)
            ready, _, _ = select.select([fd], [], [], max(0.0, left))
            if not ready:
                raise TimeoutError(f"{argv[:3]}: no {mark!r} within {timeout:.0f}s")
            seen = seen[-4096:] + os.read(fd, 65536)
        return time.perf_counter() - started
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def terminal_env() -> dict[str, str]:
    keep = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    return {**keep, "TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "COLUMNS": "120", "LINES": "40", "DEPLOY_WIZARD_SIM_SPEED": "0"}


def wizard_seconds(project: Path) -> float:
    script = Path(sys.executable).parent / "deploy-wizard"
    return first_frame_seconds([str(script), "--simulate", "-C", str(project)], WIZARD_MARK, terminal_env())


def minimal_seconds() -> float:
    return first_frame_seconds([sys.executable, "-m", "bench.startup_probe", "minimal"], MINIMAL_MARK,
                               {**terminal_env(), "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})


def run_minimal() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("hello")
            yield Static(MINIMAL_MARK.decode())
            yield Footer()

    Minimal().run()


if __name__ == "__main__":
    run_minimal()
