"""Processes a test run started, found by a marker in their environment.

Every process the suite starts (the wizard, the azd it runs in its own process group, hooks,
terraform) inherits the marker `conftest.py` puts in the environment, so a run can tell its own
leftovers from anybody else's processes, even after they were re-parented to init.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

MARKER = "DEPLOY_WIZARD_TEST_RUN"  # one value per test process (an xdist worker or a plain run)
APP_MARKER = "DEPLOY_WIZARD_TEST_APP"  # one value per process a test spawns and must clean up


def processes_marked(value: str, var: str = MARKER) -> list[int]:
    """Live pids (not zombies, not this process) whose environment holds `var=value`."""
    needle = f"{var}={value}".encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes() + b"\0"
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and (b"\0" + needle in b"\0" + environ):
            found.append(int(entry.name))
    return found


def survivors(value: str, var: str = MARKER, within: float = 5.0) -> list[int]:
    """Marked processes still alive after a bounded wait (processes that are ending get time to)."""
    deadline = time.monotonic() + within
    while (found := processes_marked(value, var)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def kill_marked(value: str, var: str = MARKER) -> list[int]:
    """SIGKILL every marked process and its group; the pids that were found."""
    found = processes_marked(value, var)
    for pid in found:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return found


def describe(pids: list[int]) -> str:
    lines = []
    for pid in pids:
        try:
            cmdline = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            cmdline = "?"
        lines.append(f"  pid {pid}: {cmdline.strip()}")
    return "\n".join(lines)
