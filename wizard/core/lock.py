"""One run at a time per environment: `.azure/<env>/wizard/lock`.

The lock names its holder (pid, host, run id, current step) so a second wizard can say who holds
it, and a lock left by a killed wizard (pid gone) is recognised as stale: the next start offers
to resume from the step it names.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class LockBusy(Exception):
    def __init__(self, holder: dict[str, Any]) -> None:
        self.holder = holder
        step = holder.get("step") or "starting"
        super().__init__(
            f"another deploy-wizard (pid {holder.get('pid')} on {holder.get('host')}, run "
            f"{holder.get('run_id')}, step {step}) is using environment {holder.get('env')!r}; "
            "wait for it to finish or stop it first"
        )


@dataclass
class EnvLock:
    path: Path
    env: str
    run_id: str
    stale: dict[str, Any] | None = None  # the dead holder we replaced, if any

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
                lock.stale = holder or {}
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(lock._payload(None), handle)
            return lock
        raise LockBusy(read_lock(path) or {"env": env})

    def _payload(self, step: str | None) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "run_id": self.run_id,
            "env": self.env,
            "step": step,
            "started": time.time(),
        }

    def update(self, step: str) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._payload(step)), encoding="utf-8")
        os.replace(tmp, self.path)

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


def holder_alive(holder: dict[str, Any]) -> bool:
    if holder.get("host") != socket.gethostname():
        return True  # cannot see another machine's processes: assume alive
    pid = holder.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_lock(project_root: Path, env: str) -> dict[str, Any] | None:
    """A lock whose holder is dead: what was interrupted (for `resume from step`)."""
    holder = read_lock(EnvLock.path_for(project_root, env))
    if holder is not None and not holder_alive(holder):
        return holder
    return None
