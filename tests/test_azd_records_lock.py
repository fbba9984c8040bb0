"""azd client rules, run records and the environment lock."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wizard.core.azd import AzdClient, parse_version
from wizard.core.events import LinesReceived, StepStarted
from wizard.core.lock import (
    AzdStillRunning,
    EnvLock,
    LockBusy,
    holder_alive,
    orphaned_azd,
    process_start,
    read_lock,
    stale_lock,
    stop_azd,
)
from wizard.core.records import RunRecord, list_runs


def test_argv_always_no_prompt_and_env() -> None:
    client = AzdClient(["azd"], Path("/p"), "dev")
    assert client.provision_argv() == ["azd", "provision", "--cwd", "/p", "-e", "dev", "--no-prompt"]
    assert client.deploy_argv() == ["azd", "deploy", "--all", "--cwd", "/p", "-e", "dev", "--no-prompt"]
    assert client.down_argv()[:4] == ["azd", "down", "--force", "--purge"]
    assert client.display(client.provision_argv()) == "azd provision -e dev --no-prompt"


def test_child_env_drops_an_inherited_env_name_and_silences_azd() -> None:
    client = AzdClient(["azd"], Path("/p"), "dev", base_env={"AZURE_ENV_NAME": "prod", "PATH": "/bin"})
    env = client.child_env()
    assert "AZURE_ENV_NAME" not in env
    assert env["AZD_SKIP_UPDATE_CHECK"] == "true" and env["NO_COLOR"] == "1"
    chosen = AzdClient(["azd"], Path("/p"), "prod", base_env={"AZURE_ENV_NAME": "prod"})
    assert chosen.child_env()["AZURE_ENV_NAME"] == "prod"


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("azd version 1.31.2 (commit 0123abc) (stable)", (1, 31, 2)),
        ('{"azd": {"version": "1.23.13", "commit": "x"}}', (1, 23, 13)),
        ("garbage", None),
    ],
)
def test_parse_version(text: str, version: tuple[int, int, int] | None) -> None:
    assert parse_version(text) == version


def test_record_buffers_until_opened_and_flushes_each_batch(tmp_path: Path) -> None:
    record = RunRecord("R1")
    record.write_raw(["early"])
    record.write_event(StepStarted(step="environment", title="Environment"))
    folder = record.open(tmp_path, "dev")
    record.write_event(LinesReceived.of("provision", ["a", "b"]))  # a batch's lines go to raw.log
    # flushed as it streams: readable before close
    assert (folder / "raw.log").read_text() == "early\na\nb\n"
    events = [json.loads(x) for x in (folder / "events.jsonl").read_text().splitlines()]
    assert events[0]["type"] == "step_started"
    assert events[1] == {**events[1], "type": "lines", "count": 2, "raw_log_end": 3}
    record.write_summary({"ok": True, "env": "dev", "steps": []})
    record.close()
    [run] = list_runs(tmp_path, "dev")
    assert run.run_id == "R1" and run.status == "done"


def test_lock_refuses_a_live_holder_and_replaces_a_dead_one(tmp_path: Path) -> None:
    first = EnvLock.acquire(tmp_path, "dev", "R1")
    with pytest.raises(LockBusy, match=f"pid {os.getpid()}"):
        EnvLock.acquire(tmp_path, "dev", "R2")
    first.update("deploy")
    # simulate a killed holder: a pid that no longer exists
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    path = EnvLock.path_for(tmp_path, "dev")
    data = json.loads(path.read_text())
    data["pid"] = int(dead)
    path.write_text(json.dumps(data))
    assert stale_lock(tmp_path, "dev")["step"] == "deploy"
    second = EnvLock.acquire(tmp_path, "dev", "R2")
    assert second.stale is not None and second.stale["step"] == "deploy"
    second.release()
    assert not path.exists()


def test_lock_of_another_host_counts_as_alive(tmp_path: Path) -> None:
    path = EnvLock.path_for(tmp_path, "dev")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"pid": 1, "host": socket.gethostname() + "-other", "run_id": "X", "env": "dev"}))
    with pytest.raises(LockBusy):
        EnvLock.acquire(tmp_path, "dev", "R")


def _dead_holder_lock(root: Path, **extra: object) -> Path:
    """A lock as a wizard killed with -9 leaves it: its pid is gone."""
    lock = EnvLock.acquire(root, "dev", "R1")
    lock.update("deploy")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    data = {**json.loads(lock.path.read_text()), "pid": int(dead), **extra}
    lock.path.write_text(json.dumps(data))
    return lock.path


def test_a_zombie_or_a_reused_pid_is_not_a_live_holder(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
            assert time.monotonic() < deadline, "the child never ended"
            time.sleep(0.01)
        zombie = {"pid": child.pid, "host": socket.gethostname(), "run_id": "X", "env": "dev"}
        assert not holder_alive(zombie)  # killed, not yet reaped by its parent: gone all the same
    finally:
        child.wait()
    reused = {"pid": os.getpid(), "pid_start": (process_start(os.getpid()) or 0) + 1, "host": socket.gethostname()}
    assert not holder_alive(reused)  # the pid now belongs to another process
    assert holder_alive({"pid": os.getpid(), "pid_start": process_start(os.getpid()), "host": socket.gethostname()})


def test_a_dead_wizard_whose_azd_still_runs_names_that_azd_and_how_to_wait_or_stop(tmp_path: Path) -> None:
    azd = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)
    try:
        record = {"pid": azd.pid, "pgid": azd.pid, "pid_start": process_start(azd.pid), "command": "azd deploy --all"}
        _dead_holder_lock(tmp_path, azd=record)
        with pytest.raises(AzdStillRunning) as busy:
            EnvLock.acquire(tmp_path, "dev", "R2")
        message = str(busy.value)
        assert "another deploy-wizard" not in message  # the dead wizard is not the one using it
        assert f"`azd deploy --all` it started is still running (pid {azd.pid}" in message
        assert f"kill -INT -- -{azd.pid}" in message and f"pgrep -a -g {azd.pid}" in message
        holder = orphaned_azd(tmp_path, "dev")
        assert holder is not None and holder["azd"]["pid"] == azd.pid
        assert stop_azd(holder)
        assert azd.wait(timeout=10) != 0 and orphaned_azd(tmp_path, "dev") is None
        again = EnvLock.acquire(tmp_path, "dev", "R3")  # stale now: resume is offered
        assert again.stale is not None and again.stale["step"] == "deploy"
    finally:
        azd.kill()
        azd.wait()


def test_the_engine_records_the_running_azd_in_the_lock(tmp_path: Path) -> None:
    lock = EnvLock.acquire(tmp_path, "dev", "R1")
    lock.azd_started(os.getpid(), "azd provision")
    assert read_lock(lock.path)["azd"] == {"pid": os.getpid(), "pgid": os.getpid(), "pid_start": process_start(os.getpid()), "command": "azd provision"}
    lock.azd_started(None)
    assert read_lock(lock.path)["azd"] is None
    lock.release()
