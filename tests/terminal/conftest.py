"""Fixtures of the real-terminal layer: `spawn` starts `deploy-wizard` in a pty, killed at teardown."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.terminal.pty_terminal import TerminalApp

WIZARD_SCRIPT = Path(sys.executable).parent / "deploy-wizard"  # the console script, as a person runs it

Spawn = Callable[..., TerminalApp]


def terminal_env(tmp_path: Path, speed: float) -> dict[str, str]:
    """The child's whole environment: a terminal like a person's, nothing else of the host's."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    keep = {name: os.environ[name] for name in ("PATH", "DEPLOY_WIZARD_TEST_RUN") if name in os.environ}
    return {
        **keep,
        "HOME": str(home),
        "TMPDIR": str(tmp_path),  # `demo` copies the sample under it
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "DEPLOY_WIZARD_SIM_SPEED": str(speed),
    }


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawn]:
    """`spawn("demo", "--scenario", "hang", size=(80, 24), speed=0)`: the wizard in a pty.

    `env` adds variables to the child's otherwise clean environment."""
    started: list[TerminalApp] = []

    def start(*args: str, size: tuple[int, int] = (120, 40), speed: float = 0.0,
              env: dict[str, str] | None = None) -> TerminalApp:
        assert WIZARD_SCRIPT.is_file(), f"{WIZARD_SCRIPT} missing: `make .venv/.installed` installs it"
        child_env = {**terminal_env(tmp_path, speed), **(env or {})}
        app = TerminalApp([str(WIZARD_SCRIPT), *args], size=size, env=child_env, cwd=tmp_path)
        started.append(app)
        return app

    yield start
    for app in started:
        app.close()


def demo_folder(tmp_path: Path) -> Path:
    """The sample copy `demo` made under the test's TMPDIR."""
    found = sorted(tmp_path.glob("deploy-wizard-demo-*/voice-agent-sample"))
    assert len(found) == 1, found
    return found[0]


def raw_log(project: Path, env: str = "dev") -> list[str]:
    """The newest run's raw.log lines: the stream as the wizard recorded it."""
    runs = sorted((project / ".azure" / env / "wizard" / "runs").iterdir())
    return (runs[-1] / "raw.log").read_text(encoding="utf-8").splitlines()
