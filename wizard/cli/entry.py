"""`deploy-wizard` entry point: parses arguments and dispatches. No logic of its own.

Imports are deferred so `--help` and `--version` load neither textual nor the Azure SDKs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from wizard import __version__
from wizard.simulator.scenarios import DEFAULT_SCENARIO, SCENARIOS

EPILOG = """commands:
  (none)      TUI on the azd project found from the current directory
  demo        the wizard on a fresh copy of the bundled sample project, simulated
  run         the whole flow (use --plain for headless/CI)
  login       sign in: azd auth login (and az login when the project needs az)
  preflight   check for every known trap; --fix / --fix-all repair what is safe
  phone       set the phone number used for voice calls
  verify      check the deployed apps, health endpoint and telephony
  teardown    delete the environment's Azure resources (asks for the env name)
  report      past runs of an environment and their diagnosis
  explain     diagnose a saved azd transcript (file or - for stdin)
  serve       the TUI in a browser, for workshops

exit codes: 0 success, 1 a step failed (the last line names step and target),
            2 usage or bad input, 130 cancelled
"""


def _where(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """-C/-e work before or after the command; a subcommand must not reset them."""
    unset = None if top else argparse.SUPPRESS
    parser.add_argument("-C", "--project-dir", metavar="DIR", default=unset, help="azd project directory (default: search from the current directory)")
    parser.add_argument("-e", "--env", metavar="NAME", default=unset, help="azd environment name")


def _common(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """Common flags work before or after the command; a subcommand must not reset them."""
    unset = None if top else argparse.SUPPRESS
    _where(parser, top=top)
    parser.add_argument(
        "--simulate",
        nargs="?",
        const=DEFAULT_SCENARIO,
        default=unset,
        metavar="SCENARIO",
        help=f"use the built-in azd simulator (optionally a scenario: {', '.join(SCENARIOS)})",
    )
    parser.add_argument("--azd", metavar="PATH", default=unset, help="azd executable to use (default: azd on PATH)")


def _flow(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plain", action="store_true", help="headless: print progress lines instead of the TUI")
    parser.add_argument("--phone", metavar="NUMBER", default=None, help="phone number (E.164, e.g. +14165551234) for voice calls")
    parser.add_argument("--verbose", "-v", action="store_true", help="with --plain: also print every azd output line")
    parser.add_argument("--location", metavar="REGION", default=None, help="Azure region for a new environment")
    parser.add_argument("--subscription", metavar="ID", default=None, help="subscription for a new environment")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deploy-wizard",
        description="A guided azd deployment: environment, preflight, provision, deploy, phone, verify, teardown.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"deploy-wizard {__version__}")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="the wizard on a fresh copy of the sample project, simulated")
    _common(demo)
    _flow(demo)
    demo.add_argument("--scenario", choices=tuple(SCENARIOS), default=None, help=f"simulated scenario (default: {DEFAULT_SCENARIO})")
    demo.add_argument("--autopilot", action="store_true", help="play the whole flow unattended (TUI)")
    demo.add_argument("--speed", type=float, default=None, help="simulated speed: 0 = instant, 1 = realistic (default: $DEPLOY_WIZARD_SIM_SPEED or 1)")

    run = sub.add_parser("run", help="the whole flow")
    _common(run)
    _flow(run)
    run.add_argument("--steps", metavar="LIST", default=None, help="only these steps (comma list)")
    run.add_argument("--from", dest="from_step", metavar="STEP", default=None, help="resume from this step")
    run.add_argument("--skip", metavar="LIST", default=None, help="skip these steps (comma list)")
    run.add_argument("--yes", "-y", action="store_true", help="apply safe preflight fixes without asking")
    run.add_argument("--create", action="store_true", help="create the environment if it does not exist")
    run.add_argument("--autopilot", action="store_true", help="TUI: advance screens unattended")

    login = sub.add_parser("login", help="sign in to Azure: azd auth login (and az login when the project needs az)")
    _common(login)
    flow = login.add_mutually_exclusive_group()
    flow.add_argument("--use-device-code", dest="device_code", action="store_true", default=None,
                      help="sign in with a code on another device (the default over SSH, in containers and Codespaces)")
    flow.add_argument("--browser", dest="device_code", action="store_false", help="sign in with a browser on this machine")
    login.add_argument("--tenant-id", metavar="ID", default=None, help="the tenant to sign in to (default: the environment's AZURE_TENANT_ID, else your home tenant)")

    pre = sub.add_parser("preflight", help="check for known traps before azd runs")
    _common(pre)
    pre.add_argument("--json", action="store_true", help="machine-readable result")
    fix = pre.add_mutually_exclusive_group()
    fix.add_argument("--fix", action="store_true", help="ask before each fix")
    fix.add_argument("--fix-all", action="store_true", help="apply every safe fix without asking (never paid or destructive ones)")
    pre.add_argument("--with-tests", action="store_true", help="also run the project's unit tests")

    phone = sub.add_parser("phone", help="the phone number for voice calls: list, buy, release, apply")
    _common(phone)
    phone.add_argument("number", nargs="?", default=None, help="E.164 number to apply, e.g. +14165551234 (omit to list numbers)")
    phone.add_argument("--buy", action="store_true", help="search a number to buy: shows its monthly cost and the phrase to confirm")
    phone.add_argument("--country", default="US", help="with --buy: two-letter country code (default US)")
    phone.add_argument("--type", dest="number_type", default="toll-free", metavar="toll-free|geographic", help="with --buy (default toll-free)")
    phone.add_argument("--area-code", default=None, metavar="N", help="with --buy: area code, e.g. 833 or 416")
    phone.add_argument("--release", metavar="NUMBER", default=None, help="release a number you own (needs --confirm)")
    phone.add_argument("--confirm", metavar="PHRASE", default=None, help='the exact phrase: "buy +1…" or "release +1…" (paid or irreversible)')

    verify = sub.add_parser("verify", help="check the deployed apps")
    _common(verify)
    verify.add_argument("--json", action="store_true")

    teardown = sub.add_parser("teardown", help="delete the environment's Azure resources")
    _common(teardown)
    teardown.add_argument("--confirm", metavar="ENV", default=None, help="headless: the environment's name, to confirm")
    teardown.add_argument("--plain", action="store_true")
    teardown.add_argument("--remove-local", action="store_true", help="also remove the local .azure/<env> folder")

    report = sub.add_parser("report", help="past runs and their diagnosis")
    _common(report)
    report.add_argument("--last", action="store_true", help="only the newest run")
    report.add_argument("--json", action="store_true")

    explain = sub.add_parser("explain", help="diagnose a saved azd transcript")
    explain.add_argument("file", nargs="?", default="-", help="transcript file, or - for standard input")
    _where(explain)  # the environment whose secret values the output must not show
    explain.add_argument("--json", action="store_true")

    serve = sub.add_parser("serve", help="serve the TUI in a browser (textual-serve), for a workshop room")
    _common(serve)
    from wizard.serve import add_serve_arguments

    add_serve_arguments(serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from wizard.cli import handlers

    try:
        return handlers.dispatch(args)
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
