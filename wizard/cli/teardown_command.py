"""`deploy-wizard teardown [--confirm ENV]`: headless guided teardown.

Shows the plan first; deletes only when `--confirm` equals the environment's name exactly
(anything else deletes nothing and exits 2); then reports what is left behind and how to clean it.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import IO, Any

from wizard.core.backend import Backend
from wizard.core.engine import EXIT_OK, EXIT_USAGE, Engine, RunOptions
from wizard.core.leftovers import Leftover, find_leftovers
from wizard.core.project import list_environments, load_project
from wizard.core.steps import Plan, StepId
from wizard.core.teardown import plan_teardown, remove_local_environment


async def run_teardown_command(
    options: RunOptions, backend: Backend, *, confirm: str | None, remove_local: bool = False, out: IO[str] | None = None
) -> int:
    from wizard.cli.renderer import PlainRenderer

    out = out or sys.stdout
    project = load_project(options.project_dir)
    envs = [e.name for e in list_environments(project.root)]
    env = options.env_name or project.default_environment()
    if not env or env not in envs:
        what = f"environment {env!r} does not exist" if env else "no environment chosen"
        print(f"error: {what} (known: {', '.join(envs) or 'none'}); nothing deleted", file=sys.stderr)
        return EXIT_USAGE
    options = replace(options, env_name=env, plan=Plan(steps=(StepId.ENVIRONMENT, StepId.TEARDOWN)))
    renderer = PlainRenderer(out)
    engine = Engine(options, None, backend=backend)
    env_step = await engine.run_step(StepId.ENVIRONMENT)
    if env_step.failure is not None:
        print(f"error: {env_step.failure.cause}; nothing deleted", file=sys.stderr)
        await engine.finish()
        return EXIT_USAGE
    plan = plan_teardown(engine.project, env, engine.env_values, engine.ports)
    out.write("Teardown plan\n")
    out.writelines(f"  {line}\n" for line in plan.lines())
    if plan.nothing_to_delete:
        found = find_leftovers(engine.env_values, engine.ports, env=env)
        out.write(f"Nothing to delete for environment {env}: {plan.nothing_reason}.\n")
        _print_leftovers([_as_dict(x) for x in found.items], [x.to_dict() for x in found.unchecked], out)
        await engine.finish()
        return EXIT_OK
    if confirm != env:
        reason = "--confirm is missing" if confirm is None else f"--confirm {confirm!r} does not match"
        print(f"error: {reason}; type the environment's name exactly (--confirm {env}) to delete. Nothing was deleted.", file=sys.stderr)
        await engine.finish()
        return EXIT_USAGE
    engine.subscribe(renderer)
    finished = await engine.run_step(StepId.TEARDOWN)
    leftovers = list(engine.facts.get("leftovers", []))
    unchecked = list(engine.facts.get("unchecked", []))
    result = await engine.finish()
    if finished.status == "done":
        _print_leftovers(leftovers, unchecked, out)
        if remove_local:
            folder = remove_local_environment(project.root, env)
            out.write(f"removed local folder {folder}\n")
    return result.exit_code


def _as_dict(leftover: Leftover) -> dict[str, Any]:
    return {"name": leftover.name, "detail": leftover.detail, "manual_command": leftover.manual_command}


def _print_leftovers(leftovers: list[dict[str, Any]], unchecked: list[dict[str, Any]], out: IO[str]) -> None:
    """What is left, and what could not be checked: "Nothing left behind." only when both are empty."""
    if unchecked:
        out.write("Not checked (so something may be left behind):\n")
        for item in unchecked:
            out.write(f"  - {item['what']}: {item['why']}\n")
            out.write(f"      check by hand: {item['command']}\n")
    if not leftovers:
        out.write("Nothing left behind that the wizard could check.\n" if unchecked else "Nothing left behind.\n")
        return
    out.write("Left behind (not deleted by azd down):\n")
    for item in leftovers:
        out.write(f"  - {item['name']}: {item['detail']}\n")
        if item.get("manual_command"):
            out.write(f"      clean up: {item['manual_command']}\n")
        else:
            out.write("      clean up: in the TUI teardown screen (each asks for its own confirmation)\n")
