"""preflight_concurrency_ratio: all checks together vs the slowest check alone, with simulated delays.

Every tool call of the simulated tools sleeps (speed 1), and the simulated azd answers after a
fixed delay, so each check has a realistic cost; if the checks ran one after another the ratio
would be near the number of checks, run concurrently it stays near 1.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from wizard.core.preflight import CHECKS, PreflightContext, run_preflight
from wizard.core.project import load_project, read_env_values
from wizard.simulator.fakes import simulated_ports
from wizard.simulator.local_tools import SimulatedTools

AZD_DELAY = 0.15


class SlowAzd:
    """The azd answers preflight needs, each after a delay like a real azd process start."""

    async def auth_status(self) -> dict[str, Any]:
        await asyncio.sleep(AZD_DELAY)
        return {"status": "success", "expiresOn": "2099-01-01T00:00:00Z"}

    async def version(self) -> str | None:
        await asyncio.sleep(AZD_DELAY)
        return "1.31.2"

    async def env_set(self, key: str, value: str) -> None:
        await asyncio.sleep(AZD_DELAY)


def _context(project: Path) -> PreflightContext:
    return PreflightContext(
        project=load_project(project), env="dev", env_values=read_env_values(project, "dev"), azd=SlowAzd(),
        ports=simulated_ports(project, "dev"), tools=SimulatedTools("happy", 1.0),
    )


async def _timed(project: Path, only: set[str] | None) -> float:
    started = time.perf_counter()
    await run_preflight(_context(project), only=only)
    return time.perf_counter() - started


async def preflight_ratio(project: Path) -> float:
    ids = [check.id for check in CHECKS]
    singles = [await _timed(project, {check_id}) for check_id in ids]
    together = await _timed(project, None)
    return together / max(singles)
