"""Validate a run's input, and run it headless with the plain renderer (`deploy-wizard run`).

Bad input is rejected here, before the engine starts, so it exits 2 with nothing changed on disk.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import TYPE_CHECKING

from wizard.core.backend import Backend
from wizard.core.options import RunOptions
from wizard.core.project import list_environments, load_project, validate_env_name

if TYPE_CHECKING:
    from wizard.core.engine import Engine


class UsageError(Exception):
    """Shown as `error: …` with exit code 2."""


def validate(options: RunOptions) -> None:
    """Reject bad input before anything runs (exit 2, nothing written)."""
    from wizard.core.phone import validate_e164

    project = load_project(options.project_dir)
    if options.env_name:
        problem = validate_env_name(options.env_name)
        if problem:
            raise UsageError(f"environment name {options.env_name!r}: {problem}")
        known = [e.name for e in list_environments(project.root)]
        if options.env_name not in known and not options.create_env:
            raise UsageError(
                f"environment {options.env_name!r} does not exist (known: {', '.join(known) or 'none'}); "
                "add --create (and --location REGION) to create it"
            )
    if options.phone:
        problem = validate_e164(options.phone)
        if problem:
            raise UsageError(f"phone number {options.phone!r}: {problem}")
    azure_dir = project.root / ".azure"
    writable_probe = azure_dir if azure_dir.exists() else project.root
    if not os.access(writable_probe, os.W_OK):
        raise UsageError(f"{writable_probe} is not writable; azd and the wizard need to write .azure/")


async def check_azd(engine: Engine) -> None:
    from wizard.core.azd import AzdError

    if engine.backend.unavailable:
        from wizard.core.readiness import probe_readiness

        ready = await probe_readiness(engine.project, engine.backend, with_signin=False)
        print("Not ready (nothing was run):", *(f"  {line}" for line in ready.lines()), sep="\n", file=sys.stderr)
        raise UsageError(engine.backend.unavailable)
    try:
        version = await engine.azd.version()
    except AzdError as exc:
        raise UsageError(str(exc)) from None
    from wizard.core.preflight.toolbox import version_note

    note = version_note("azd", version, sys.platform)
    if note is not None and note.standing == "unusable":
        raise UsageError(f"{note.text}. {note.upgrade}")
    if note is not None and note.standing == "older":  # runs, but says what may not work
        print(f"warning: {note.text}; {note.upgrade}", file=sys.stderr)


async def run_plain(options: RunOptions, backend: Backend, *, verbose: bool = False) -> int:
    from wizard.cli.renderer import PlainRenderer

    validate(options)
    renderer = PlainRenderer(verbose=verbose)
    from wizard.core.engine import Engine

    engine = Engine(options, renderer, backend=backend)
    await check_azd(engine)
    loop = asyncio.get_running_loop()
    # Ctrl+C, `kill`, a closed terminal: all stop azd's group and close the records.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, engine.cancel)
    try:
        finished = await engine.run()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.remove_signal_handler(sig)
    return finished.exit_code
