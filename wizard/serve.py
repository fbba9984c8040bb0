"""`deploy-wizard serve`: the TUI in a browser (textual-serve), for workshops.

Each browser tab gets its own wizard process. By default that is the demo on a fresh copy of the
sample project (what a workshop wants); with `-C DIR` (and optionally `--simulate`) it serves the
wizard on that project. The command line is built with shlex quoting: textual-serve starts it
through a shell.
"""

from __future__ import annotations

import argparse
import shlex
import sys


def serve_command(args: argparse.Namespace) -> str:
    argv = [sys.executable, "-m", "wizard"]
    project = getattr(args, "project_dir", None)
    simulate = getattr(args, "simulate", None)
    if project and not simulate:
        argv += ["-C", project]
        if getattr(args, "env", None):
            argv += ["-e", args.env]
        if getattr(args, "azd", None):
            argv += ["--azd", args.azd]
    else:
        argv += ["demo"]
        if simulate and simulate != "happy":
            argv += ["--scenario", simulate]
    return shlex.join(argv)


def serve(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    command = serve_command(args)
    print(f"serving the wizard on http://{args.host}:{args.port}  (Ctrl+C to stop)", flush=True)
    Server(command, host=args.host, port=args.port, title="deploy-wizard").serve()
    return 0
