"""Helpers for end-to-end tests: run the real CLI as a subprocess, inspect what it left."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

WIZARD = [sys.executable, "-m", "wizard"]


def wizard_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AZURE_ENV_NAME", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    env["DEPLOY_WIZARD_SIM_SPEED"] = "0"
    env.update(extra)
    return env


def run_wizard(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WIZARD, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=wizard_env(**env),
        stdin=subprocess.DEVNULL,
    )


def last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def summaries(project: Path, env: str = "dev") -> list[dict[str, Any]]:
    runs = project / ".azure" / env / "wizard" / "runs"
    found = []
    for folder in sorted(runs.iterdir()) if runs.is_dir() else []:
        path = folder / "summary.json"
        if path.is_file():
            found.append(json.loads(path.read_text()))
    return found


STEP_STATUSES = {"pending", "running", "done", "failed", "skipped", "cancelled"}


def assert_summary_schema(summary: dict[str, Any]) -> None:
    """The design's schema: {"ok", "env", "steps": [{"id","status","started","finished","targets","failure"}]}."""
    assert isinstance(summary["ok"], bool)
    assert isinstance(summary["env"], str)
    assert isinstance(summary["steps"], list) and summary["steps"]
    for step in summary["steps"]:
        assert set(step) >= {"id", "status", "started", "finished", "targets", "failure"}
        assert step["status"] in STEP_STATUSES
        assert isinstance(step["targets"], list)
        for target in step["targets"]:
            assert isinstance(target["id"], str) and ":" in target["id"]
        failure = step["failure"]
        if failure is not None:
            assert set(failure) >= {"target", "cause", "fix", "evidence"}
            assert isinstance(failure["evidence"], list)


def processes_mentioning(text: str) -> list[int]:
    """pids whose command line contains `text` (e.g. a test's unique project path)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


def survivors(text: str, within: float = 2.0) -> list[int]:
    """Processes still mentioning `text` after a bounded wait (SIGKILL lands asynchronously)."""
    import time

    deadline = time.monotonic() + within
    while (found := processes_mentioning(text)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return found


def tree_state(folder: Path) -> dict[str, float]:
    """Every file and its mtime, to prove a command changed nothing."""
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in sorted(folder.rglob("*"))}
