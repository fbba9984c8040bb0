"""Bad input gets a specific message and exit 2, with nothing changed on disk."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import run_wizard, tree_state


def _with_env(project: Path) -> Path:
    """A sample project that already has environment `dev`."""
    result = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--create", "--steps", "environment")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def _fake_azd(tmp_path: Path, version: str) -> Path:
    script = tmp_path / "old-azd"
    script.write_text(f'#!/bin/sh\necho \'{{"azd": {{"version": "{version}", "commit": "x"}}}}\'\n')
    script.chmod(0o755)
    return script


CASES: list[tuple[str, Callable[[Path, Path], list[str]], str]] = [
    ("missing azure.yaml", lambda p, t: ["run", "--plain", "-C", str(t / "empty")], "no azure.yaml found"),
    ("malformed yaml", lambda p, t: ["run", "--plain", "--simulate", "-C", str(p)], "azure.yaml:"),
    ("unknown environment", lambda p, t: ["run", "--plain", "--simulate", "-C", str(p), "-e", "nosuch"], "environment 'nosuch' does not exist"),
    ("bad environment name", lambda p, t: ["run", "--plain", "--simulate", "-C", str(p), "-e", "bad name!", "--create"], "not allowed: ' ' '!'"),
    ("bad phone number", lambda p, t: ["run", "--plain", "--simulate", "-C", str(p), "-e", "dev", "--phone", "+1 416-555"], "phone number '+1 416-555'"),
    ("azd missing", lambda p, t: ["run", "--plain", "-C", str(p), "-e", "dev", "--azd", str(t / "no-such-azd")], "no executable file"),
    ("azd too old", lambda p, t: ["run", "--plain", "-C", str(p), "-e", "dev", "--azd", str(_fake_azd(t, "1.0.0"))], "azd 1.0.0 is too old"),
    ("bad step name", lambda p, t: ["run", "--plain", "--simulate", "-C", str(p), "--steps", "deploy,nope"], "unknown step 'nope'"),
]


@pytest.mark.parametrize(("name", "argv", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_2_with_a_specific_message_and_changes_nothing(
    sample_project: Path, tmp_path: Path, name: str, argv: Callable[[Path, Path], list[str]], message: str
) -> None:
    project = _with_env(sample_project)
    (tmp_path / "empty").mkdir()
    if name == "malformed yaml":
        (project / "azure.yaml").write_text("name: x\nservices:\n  api: [oops\n")
    args = argv(project, tmp_path)
    before = tree_state(project)
    result = run_wizard(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert tree_state(project) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_azure_dir(sample_project: Path) -> None:
    project = _with_env(sample_project)
    azure = project / ".azure"
    azure.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev")
        assert result.returncode == 2 and "not writable" in result.stderr
    finally:
        azure.chmod(0o755)


def test_unwritable_azure_dir_as_root_is_still_reported(sample_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root ignores file modes, so check the validator itself with os.access patched."""
    from wizard.cli.plain_run import UsageError, validate
    from wizard.core.engine import RunOptions

    project = _with_env(sample_project)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(UsageError, match="not writable"):
        validate(RunOptions(project_dir=project, env_name="dev"))


def test_second_wizard_on_the_same_environment_is_refused(sample_project: Path) -> None:
    import json
    import socket
    import subprocess
    import sys

    project = _with_env(sample_project)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = project / ".azure" / "dev" / "wizard" / "lock"
        lock.parent.mkdir(parents=True, exist_ok=True)
        lock.write_text(json.dumps({"pid": holder.pid, "host": socket.gethostname(), "run_id": "R1", "env": "dev", "step": "provision"}))
        result = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev")
        assert result.returncode == 2, result.stdout + result.stderr
        assert f"pid {holder.pid}" in result.stdout + result.stderr
        assert "step provision" in result.stdout + result.stderr
        assert json.loads(lock.read_text())["run_id"] == "R1"
    finally:
        holder.kill()
        holder.wait()
