"""The subcommands behind `deploy-wizard`: build RunOptions, pick the backend, run, map exit codes.

Input is validated (plain_run.validate) before the engine starts, so bad input exits 2 with
nothing changed on disk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.backends import BackendChoice, backend_for
from wizard.cli.plain_run import UsageError, run_plain, validate
from wizard.core.backend import Backend
from wizard.core.options import EXIT_USAGE, RunOptions
from wizard.core.project import ProjectError, load_project
from wizard.core.steps import Plan, PlanError, StepId
from wizard.simulator.scenarios import backend_scenario

if TYPE_CHECKING:
    from wizard.core.redact import Redactor


def dispatch(args: argparse.Namespace) -> int:
    handler = HANDLERS[args.command or "tui"]
    try:
        return handler(args)
    except (UsageError, ProjectError, PlanError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


# -- options ---------------------------------------------------------------------------------------
def sim_speed(explicit: float | None, default: float) -> float:
    if explicit is not None:
        return explicit
    raw = os.environ.get("DEPLOY_WIZARD_SIM_SPEED")
    try:
        return float(raw) if raw not in (None, "") else default
    except ValueError:
        raise UsageError(f"DEPLOY_WIZARD_SIM_SPEED={raw!r} is not a number (0 = instant, 1 = realistic)") from None


def project_dir(args: argparse.Namespace) -> Path:
    return Path(args.project_dir).expanduser() if getattr(args, "project_dir", None) else Path.cwd()


def demo_dir(args: argparse.Namespace) -> Path:
    """`-C DIR` (reused if it already holds a project, else the sample is copied there) or a temp dir."""
    from wizard.simulator.sample import copy_sample, fresh_demo_copy

    if args.project_dir:
        dest = Path(args.project_dir).expanduser()
        if (dest / "azure.yaml").is_file():
            return dest
        if dest.exists() and any(dest.iterdir()):
            raise UsageError(f"{dest} is not empty and holds no azure.yaml; give an empty or new folder for the demo")
        return copy_sample(dest, scenario=args.scenario)
    return fresh_demo_copy(args.scenario)


def base_options(args: argparse.Namespace, folder: Path, **extra: Any) -> RunOptions:
    return RunOptions(
        project_dir=folder,
        env_name=getattr(args, "env", None),
        subscription=getattr(args, "subscription", None),
        location=getattr(args, "location", None),
        phone=getattr(args, "phone", None),
        **extra,
    )


def choice_from(args: argparse.Namespace) -> BackendChoice:
    """`--simulate [SCENARIO]` picks the simulator; otherwise the real azd (`--azd PATH`)."""
    simulate = getattr(args, "simulate", None)
    if simulate is None:
        return BackendChoice(azd_path=getattr(args, "azd", None))
    return BackendChoice(simulate=True, scenario=backend_scenario(simulate), speed=sim_speed(None, 1.0))


# -- running ---------------------------------------------------------------------------------------
def run_tui(options: RunOptions, choice: BackendChoice, *, autopilot: bool = False, demo: bool = False) -> int:
    from wizard.tui.app import WizardApp

    app = WizardApp(options, choice=choice, backend_factory=backend_for, autopilot=autopilot, demo=demo)
    app.run()
    return app.return_code if app.return_code is not None else 0


def cmd_demo(args: argparse.Namespace) -> int:
    folder = demo_dir(args)
    choice = BackendChoice(simulate=True, scenario=backend_scenario(args.scenario), speed=sim_speed(args.speed, 1.0))
    backend = backend_for(choice)
    plan = Plan(skipped=frozenset(StepId(step) for step in backend.skipped_steps))
    options = base_options(args, folder, create_env=True, yes=True, plan=plan)
    if args.plain:
        return asyncio.run(run_plain(options, backend, verbose=args.verbose))
    return run_tui(options, choice, autopilot=args.autopilot, demo=True)


def cmd_run(args: argparse.Namespace) -> int:
    plan = Plan.build(only=args.steps, start=args.from_step, skip=args.skip)
    options = base_options(args, project_dir(args), plan=plan, yes=args.yes, create_env=args.create)
    choice = choice_from(args)
    if args.plain:
        return asyncio.run(run_plain(options, backend_for(choice), verbose=args.verbose))
    return run_tui(options, choice, autopilot=args.autopilot)


def cmd_tui(args: argparse.Namespace) -> int:
    return run_tui(base_options(args, project_dir(args)), choice_from(args))


def cmd_preflight(args: argparse.Namespace) -> int:
    from wizard.cli.preflight_command import run_preflight_command

    options = base_options(args, project_dir(args), with_tests=args.with_tests)
    return asyncio.run(
        run_preflight_command(
            options,
            backend_for(choice_from(args)),
            fix=args.fix,
            fix_all=args.fix_all,
            json_out=args.json,
        )
    )


def cmd_login(args: argparse.Namespace) -> int:
    from wizard.cli.login_command import run_login_command

    return run_login_command(
        project_dir(args), backend_for(choice_from(args)), device_code=args.device_code, tenant=args.tenant_id,
        env_name=getattr(args, "env", None),
    )


def cmd_phone(args: argparse.Namespace) -> int:
    from wizard.cli.phone_command import run_phone_command

    if sum(bool(x) for x in (args.number, args.buy, args.release)) > 1:
        raise UsageError("give one of: a NUMBER to apply, --buy, or --release NUMBER")
    plan = Plan(steps=(StepId.ENVIRONMENT, StepId.PHONE))
    options = base_options(args, project_dir(args), plan=plan)
    backend = backend_for(choice_from(args))
    if args.number:
        return asyncio.run(run_plain(replace(options, phone=args.number), backend))
    return asyncio.run(run_phone_command(options, backend, args))


def cmd_verify(args: argparse.Namespace) -> int:
    options = base_options(args, project_dir(args), plan=Plan(steps=(StepId.ENVIRONMENT, StepId.VERIFY)))
    backend = backend_for(choice_from(args))
    if not args.json:
        return asyncio.run(run_plain(options, backend))
    return asyncio.run(verify_json(options, backend))


async def verify_json(options: RunOptions, backend: Backend) -> int:
    validate(options)
    from wizard.core.engine import Engine

    engine = Engine(options, None, backend=backend)
    finished = await engine.run()
    report = engine.facts.get("verify") or {"ok": False, "checks": [], "error": finished.message}
    print(json.dumps(report, indent=2))
    return finished.exit_code


def cmd_teardown(args: argparse.Namespace) -> int:
    from wizard.cli.teardown_command import run_teardown_command

    options = base_options(args, project_dir(args))
    return asyncio.run(run_teardown_command(options, backend_for(choice_from(args)), confirm=args.confirm, remove_local=args.remove_local))


def cmd_report(args: argparse.Namespace) -> int:
    from wizard.cli.report_command import run_report_command

    return run_report_command(project_dir(args), env=args.env, last=args.last, json_out=args.json)


def cmd_explain(args: argparse.Namespace) -> int:
    from wizard.cli.explain_command import render_explain
    from wizard.core.explain import explain, explain_json

    if args.file == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(args.file).read_bytes()
        except OSError as exc:
            raise UsageError(f"{args.file}: {exc.strerror}") from None
    text = explain_redactor(args).mask(data.decode("utf-8", errors="replace"))
    failures = explain(text)
    if args.json:
        print(json.dumps(explain_json(failures), indent=2, ensure_ascii=False))
    else:
        render_explain(failures, sys.stdout)
    return 1 if failures else 0


def explain_redactor(args: argparse.Namespace) -> Redactor:
    """A transcript pasted from an environment may hold its secret values: mask them too, for the
    environment named by -e (or the project's default one), in the project of -C or the cwd."""
    from wizard.core.project import read_default_environment
    from wizard.core.redact import Redactor

    try:
        root = load_project(project_dir(args)).root
    except ProjectError:
        return Redactor()
    return Redactor.for_environment(root, getattr(args, "env", None) or read_default_environment(root))


def cmd_serve(args: argparse.Namespace) -> int:
    from wizard.serve import serve

    return serve(args)


HANDLERS = {
    "tui": cmd_tui,
    "demo": cmd_demo,
    "run": cmd_run,
    "login": cmd_login,
    "preflight": cmd_preflight,
    "phone": cmd_phone,
    "verify": cmd_verify,
    "teardown": cmd_teardown,
    "report": cmd_report,
    "explain": cmd_explain,
    "serve": cmd_serve,
}
