"""The room: every live session, the host's settings for new ones, the limits and the timeouts."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual_serve.download_manager import DownloadManager

from wizard.core.durations import format_duration
from wizard.simulator.scenarios import backend_scenario
from wizard.web.config import ServeConfig
from wizard.web.process import processes_by_session, rss_bytes
from wizard.web.session import Session

ANIMALS = (
    "otter", "heron", "lynx", "puffin", "badger", "gecko", "marten", "ibis", "walrus", "koala",
    "panda", "okapi", "tapir", "bison", "egret", "fox", "hare", "kiwi", "lemur", "moose",
    "narwhal", "orca", "quail", "raven", "seal", "toucan", "viper", "wombat", "yak", "zebra",
)
REMEMBER_ENDED = 500  # ended session ids kept so that their page can say why


def duration(seconds: float) -> str:
    return format_duration(seconds, whole=True)


class Room:
    """Owned by the server; every method runs on its event loop."""

    def __init__(self, config: ServeConfig, *, clock: Callable[[], float] = time.time, parent: Path | None = None) -> None:
        self.config = config
        self.clock = clock
        self.scenario = config.scenario
        self.speed = config.speed
        self.sessions: dict[str, Session] = {}
        self.ended: OrderedDict[str, str] = OrderedDict()
        self.download_manager = DownloadManager()
        self.root = Path(tempfile.mkdtemp(prefix="deploy-wizard-serve-", dir=parent))
        self._numbers = itertools.count(1)

    # -- sessions --------------------------------------------------------------------------------
    def argv(self) -> list[str]:
        """The wizard's command line for a new session, with the host's current settings."""
        argv = list(self.config.argv)
        if self.config.demo:
            scenario = backend_scenario(self.scenario)
            if scenario:
                argv += ["--scenario", scenario]
            argv += ["--speed", f"{self.speed:g}"]
        return argv

    @property
    def full(self) -> bool:
        return len(self.sessions) >= self.config.max_sessions

    def open(self) -> Session | None:
        """A new session (its process starts when its tab connects), or None when the room is full."""
        if self.full:
            return None
        number = next(self._numbers)
        name = f"{number:02d}-{ANIMALS[(number - 1) % len(ANIMALS)]}"
        folder = self.root / name
        folder.mkdir()
        session = Session(
            number=number, name=name, folder=folder, argv=self.argv(), scenario=self.scenario,
            speed=self.speed, download_manager=self.download_manager, on_exit=self._exited, clock=self.clock,
        )
        self.sessions[session.id] = session
        return session

    def get(self, session_id: str) -> Session | None:
        """A live session (one that is ending is gone already)."""
        session = self.sessions.get(session_id)
        return session if session is not None and session.ended is None else None

    def by_number(self, number: int) -> Session | None:
        return next((s for s in self.sessions.values() if s.number == number and s.ended is None), None)

    def ended_reason(self, session_id: str) -> str | None:
        return self.ended.get(session_id)

    async def end(self, session: Session, reason: str) -> None:
        """End the session; it leaves `sessions` once its processes and folder are gone."""
        if session.ended is not None or session.id not in self.sessions:
            return
        self.ended[session.id] = reason
        while len(self.ended) > REMEMBER_ENDED:
            self.ended.popitem(last=False)
        try:
            await session.end(reason)
        finally:
            self.sessions.pop(session.id, None)

    async def _exited(self, session: Session) -> None:
        await self.end(session, "the wizard quit")

    async def reset(self, session: Session) -> None:
        await session.restart(self.argv(), self.scenario, self.speed)

    async def reset_all(self) -> int:
        sessions = list(self.sessions.values())
        await asyncio.gather(*(self.reset(s) for s in sessions if s.process is not None and s.ended is None))
        return len(sessions)

    def settings(self, scenario: str, speed: float) -> None:
        self.scenario, self.speed = scenario, speed

    # -- timeouts --------------------------------------------------------------------------------
    def expired(self, now: float | None = None) -> list[tuple[Session, str]]:
        now = self.clock() if now is None else now
        out = []
        for session in self.sessions.values():
            if session.detached_since is not None and now - session.detached_since > self.config.grace:
                out.append((session, "the browser stayed away"))
            elif now - session.last_input > self.config.idle_timeout:
                out.append((session, "idle"))
        return out

    async def reap(self) -> int:
        expired = self.expired()
        await asyncio.gather(*(self.end(session, reason) for session, reason in expired))
        return len(expired)

    @property
    def reap_every(self) -> float:
        return max(0.2, min(5.0, self.config.grace / 2 or 5.0, self.config.idle_timeout / 2))

    async def reaper(self) -> None:
        """Runs for the server's lifetime: ends sessions past the idle timeout or the grace period."""
        while True:
            await asyncio.sleep(self.reap_every)
            await self.reap()

    async def close(self) -> None:
        """The server stops: end every session, remove the room's folder."""
        await asyncio.gather(*(self.end(s, "the server stopped") for s in list(self.sessions.values())))
        shutil.rmtree(self.root, ignore_errors=True)

    # -- the host page ---------------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        now = self.clock()
        by_session = processes_by_session()
        rows = []
        for session in sorted(self.sessions.values(), key=lambda s: s.number):
            status = session.status()
            pids = by_session.get(session.id, [])
            rss = rss_bytes(pids)
            if session.attached:
                browser = "connected"
            elif session.process is None:
                browser = "not opened yet"
            else:
                browser = f"away {duration(now - (session.detached_since or now))}"
            rows.append({
                "number": session.number,
                "name": session.name,
                "scenario": status.get("scenario", session.scenario),
                "speed": status.get("speed", session.speed),
                "view": status.get("view", ""),
                "step": status.get("step", ""),
                "status": status.get("status", ""),
                "theme": status.get("theme", ""),
                "age": duration(now - session.created),
                "idle": duration(now - session.last_input),
                "browser": browser,
                "processes": len(pids),
                "rss": rss,
                "memory": f"{rss / 1e6:.0f} MB" if rss else "",
            })
        return {
            "sessions": rows, "max_sessions": self.config.max_sessions,
            "scenario": self.scenario, "speed": self.speed,
        }
