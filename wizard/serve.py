"""`deploy-wizard serve`: the TUI in attendees' browsers, for a workshop room (wizard/web/).

Each browser session gets its own wizard process. By default that is the demo on a fresh copy of
the sample project, with the host's scenario and speed; with `-C DIR` (and no `--simulate`) it
serves the wizard on that project. The server prints the link to share (with the token) and the
host page's link at start.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.web.config import ServeConfig

from wizard.simulator.scenarios import DEFAULT_SCENARIO, SCENARIOS

DEFAULT_PORT = 8000


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on (0: any free one)")
    parser.add_argument("--public-url", metavar="URL", help="the address attendees' browsers use (http or https, also behind a reverse proxy)")
    parser.add_argument("--token", help="the room's token, carried by the shared link as ?token=… (default: a generated one)")
    parser.add_argument("--host-token", help="the host page's token (default: a generated one)")
    parser.add_argument("--max-sessions", type=int, default=30, metavar="N", help="sessions at once (default 30)")
    parser.add_argument("--idle-timeout", type=float, default=45 * 60, metavar="SECONDS", help="end a session after this long without a key (default 2700)")
    parser.add_argument("--grace", type=float, default=5 * 60, metavar="SECONDS", help="keep a session whose browser went away this long, for a reload or a reconnect (default 300)")
    parser.add_argument("--scenario", default=DEFAULT_SCENARIO, choices=tuple(SCENARIOS),
                        help="scenario of new sessions (the host page changes it)")
    parser.add_argument("--speed", type=float, default=1.0, help="simulated speed of new sessions (0 = instant, 1 = realistic)")
    parser.add_argument("--demo", action="store_true", default=True, help=argparse.SUPPRESS)


def session_argv(args: argparse.Namespace) -> tuple[list[str], bool]:
    """The wizard's command line for one session, and whether it is the demo."""
    argv = [sys.executable, "-m", "wizard"]
    project = getattr(args, "project_dir", None)
    simulate = getattr(args, "simulate", None)
    if project and not simulate:
        argv += ["-C", project]
        if getattr(args, "env", None):
            argv += ["-e", args.env]
        if getattr(args, "azd", None):
            argv += ["--azd", args.azd]
        return argv, False
    return argv + ["demo"], True


def config_from(args: argparse.Namespace) -> ServeConfig:
    from wizard.simulator.scenarios import SCENARIOS
    from wizard.web.config import ConfigError, ServeConfig, new_token

    argv, demo = session_argv(args)
    scenario = getattr(args, "simulate", None) or args.scenario
    if scenario not in SCENARIOS:
        raise ConfigError(f"unknown scenario {scenario!r} (one of: {', '.join(SCENARIOS)})")
    return ServeConfig(
        argv=argv, host=args.host, port=args.port, public_url=args.public_url,
        token=args.token or new_token(), host_token=args.host_token or new_token(),
        max_sessions=args.max_sessions, idle_timeout=args.idle_timeout, grace=args.grace,
        scenario=scenario, speed=args.speed, demo=demo,
    )


def banner(config: ServeConfig) -> str:
    minutes = lambda s: f"{s / 60:g} min"  # noqa: E731
    lines = [
        "deploy-wizard serve: the wizard in your attendees' browsers",
        f"  share with attendees:  {config.share_url}",
        f"  host page:             {config.host_url}",
        f"  listening on {config.host}:{config.port} · up to {config.max_sessions} sessions · "
        f"idle timeout {minutes(config.idle_timeout)} · reconnect grace {minutes(config.grace)}",
    ]
    if config.demo:
        lines.append(f"  new sessions: the demo, scenario {config.scenario}, speed {config.speed:g}")
    lines.append("Ctrl+C stops the server and ends every session.")
    return "\n".join(lines)


async def run_server(config: ServeConfig) -> None:
    from aiohttp import web

    from wizard.web.server import WizardServer

    server = WizardServer(config)
    runner = web.AppRunner(server.build(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    await site.start()
    if runner.addresses:
        config.bound(runner.addresses[0][1])
    print(banner(config), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        print("stopping: ending every session", flush=True)
        await runner.cleanup()


def serve(args: argparse.Namespace) -> int:
    from wizard.web.config import ConfigError

    try:
        config = config_from(args)
    except ConfigError as exc:
        print(f"deploy-wizard serve: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(run_server(config))
    except OSError as exc:
        print(f"deploy-wizard serve: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0
