"""One run at a time per environment: `.azure/<env>/wizard/lock`.

The lock names its holder (pid and its start time, host, run id, current step) and, while one
runs, the azd it started (pid = process group, command), so a second wizard can say who holds it:
- a live holder: another deploy-wizard is using the environment (`LockBusy`);
- a dead holder (killed, pid gone or a zombie, or its pid reused by another process) whose azd
  still runs — azd has its own process group, so `kill -9` of the wizard leaves it running:
  that azd is using the environment (`AzdStillRunning`, with how to wait for it or stop it);
- a dead holder and nothing left running: the lock is stale; the next start offers to resume
  from the step it names.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STOP_SIGNALS = ((signal.SIGINT, 3.0), (signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0))  # as the runner cancels


class LockBusy(Exception):
    def __init__(self, holder: dict[str, Any]) -> None:
        self.holder = holder
        step = holder.get("step") or "starting"
        super().__init__(
            f"another deploy-wizard (pid {holder.get('pid')} on {holder.get('host')}, run "
            f"{holder.get('run_id')}, step {step}) is using environment {holder.get('env')!r}; "
            "wait for it to finish or stop it first"
        )


class AzdStillRunning(LockBusy):
    """The wizard that held the lock is gone, the azd it started is not."""

    def __init__(self, holder: dict[str, Any]) -> None:
        self.holder = holder
        azd = holder.get("azd") or {}
        group = azd.get("pgid")
        step = holder.get("step") or "a step"
        Exception.__init__(
            self,
            f"run {holder.get('run_id')} was interrupted during {step} (its deploy-wizard, pid "
            f"{holder.get('pid')}, is gone), but the `{azd.get('command') or 'azd'}` it started is "
            f"still running (pid {azd.get('pid')}, process group {group}) on environment "
            f"{holder.get('env')!r}. Wait for it to end (see it with: pgrep -a -g {group}), "
            f"or stop it as the wizard's cancel does: kill -INT -- -{group} ; then run the "
            "wizard again",
        )


@dataclass
class EnvLock:
    path: Path
    env: str
    run_id: str
    stale: dict[str, Any] | None = None  # the dead holder we replaced, if any
    step: str | None = None
    azd: dict[str, Any] | None = field(default=None)

    @classmethod
    def path_for(cls, project_root: Path, env: str) -> Path:
        return project_root / ".azure" / env / "wizard" / "lock"

    @classmethod
    def acquire(cls, project_root: Path, env: str, run_id: str) -> EnvLock:
        path = cls.path_for(project_root, env)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = cls(path=path, env=env, run_id=run_id)
        for _ in range(3):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = read_lock(path)
                if holder is not None and holder_alive(holder):
                    raise LockBusy(holder) from None
                if holder is not None and azd_alive(holder):
                    raise AzdStillRunning(holder) from None
                lock.stale = holder or {}
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(lock._payload(), handle)
            return lock
        raise LockBusy(read_lock(path) or {"env": env})

    def _payload(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "pid_start": process_start(os.getpid()),
            "host": socket.gethostname(),
            "run_id": self.run_id,
            "env": self.env,
            "step": self.step,
            "started": time.time(),
            "azd": self.azd,
        }

    def _write(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._payload()), encoding="utf-8")
        os.replace(tmp, self.path)

    def update(self, step: str) -> None:
        self.step = step
        self._write()

    def azd_started(self, pid: int | None, command: str | None = None) -> None:
        """Record the azd child (its own process group) while it runs; `None` once it is reaped."""
        self.azd = {"pid": pid, "pgid": pid, "pid_start": process_start(pid), "command": command} if pid else None
        with contextlib.suppress(OSError):  # released or removed meanwhile: nothing to record
            if self.path.exists():
                self._write()

    def release(self) -> None:
        holder = read_lock(self.path)
        if holder is not None and holder.get("run_id") == self.run_id:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def read_lock(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def process_start(pid: int | None) -> int | None:
    """When `pid` started (clock ticks since boot, Linux), to tell it from a later process with
    the same pid; None where /proc cannot say."""
    if not pid:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def pid_alive(pid: object, started: object = None) -> bool:
    """A live process with this pid (not a zombie) that is the one recorded (same start time)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if _zombie(pid):
        return False
    now = process_start(pid)
    return not (isinstance(started, int) and now is not None and now != started)


def holder_alive(holder: dict[str, Any]) -> bool:
    if holder.get("host") != socket.gethostname():
        return True  # cannot see another machine's processes: assume alive
    return pid_alive(holder.get("pid"), holder.get("pid_start"))


def azd_alive(holder: dict[str, Any]) -> bool:
    """Whether the azd a (dead) holder started still has a process in its group on this host."""
    azd = holder.get("azd")
    if not isinstance(azd, dict) or holder.get("host") != socket.gethostname():
        return False
    group = azd.get("pgid")
    if not isinstance(group, int) or group <= 1:
        return False
    if pid_alive(azd.get("pid"), azd.get("pid_start")):
        return True
    if process_start(azd.get("pid")) is not None:  # the pid now belongs to another process
        return False
    try:
        os.killpg(group, 0)  # azd itself ended; terraform, a hook or docker of its group did not
    except (ProcessLookupError, PermissionError):
        return False
    return True


def orphaned_azd(project_root: Path, env: str) -> dict[str, Any] | None:
    """The lock's holder if it is dead and the azd it started still runs, else None."""
    holder = read_lock(EnvLock.path_for(project_root, env))
    if holder is not None and not holder_alive(holder) and azd_alive(holder):
        return holder
    return None


def wait_for_azd(holder: dict[str, Any], timeout: float | None = None, poll: float = 0.5) -> bool:
    """Block until the holder's azd has ended (or `timeout`); whether it has."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while azd_alive(holder):
        if deadline is not None and time.monotonic() >= deadline:
            return False
        time.sleep(poll)
    return True


def stop_azd(holder: dict[str, Any]) -> bool:
    """Stop the holder's azd as a cancel would: SIGINT to its group, then SIGTERM, then SIGKILL."""
    group = (holder.get("azd") or {}).get("pgid")
    if not isinstance(group, int):
        return not azd_alive(holder)
    for sig, grace in STOP_SIGNALS:
        if not azd_alive(holder):
            return True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, sig)
        if wait_for_azd(holder, timeout=grace, poll=0.05):
            return True
    return not azd_alive(holder)


def stale_lock(project_root: Path, env: str) -> dict[str, Any] | None:
    """A lock whose holder is dead: what was interrupted (for `resume from step`)."""
    holder = read_lock(EnvLock.path_for(project_root, env))
    if holder is not None and not holder_alive(holder):
        return holder
    return None
