"""What one run is asked to do: the options every front end (CLI, TUI, serve) builds.

Kept apart from the engine so the TUI's first paint does not import the runner, azd client and
records just to hold its options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.steps import Plan

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130


@dataclass(frozen=True)
class RunOptions:
    """What one run is asked to do. Frozen: front ends make a new one with `dataclasses.replace`.

    Which azd it runs against (simulator, real, replayed) is not here: that is the backend the
    front end hands the engine (`wizard.core.backend`).
    """

    project_dir: Path
    env_name: str | None = None
    subscription: str | None = None
    location: str | None = None
    plan: Plan = field(default_factory=Plan)
    phone: str | None = None
    yes: bool = False  # apply safe preflight fixes without asking
    create_env: bool = False  # create `env_name` (or "dev") when it does not exist
    health_timeout: float = 120.0
    with_tests: bool = False
