"""`python -m tests.realazd serve`: the replayed Azure for a by-hand run of the wizard on real azd.

Builds (or finds) the record azd, copies the sample project, starts the replay proxy and prints
the `export` lines and the wizard command to run in another terminal; Ctrl-C stops the proxy and
prints the misses. `--inject NAME` serves one of the injected failures instead of the recorded
success; the remote build's idle log polls are dropped unless `--faithful`.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from pathlib import Path

from tests.realazd import mutations
from tests.realazd.build import AzdUnavailable, ensure_record_azd
from tests.realazd.cassette import Cassette
from tests.realazd.identity import TokenRefusal
from tests.realazd.session import ReplaySession, inherited_env
from tests.realazd.versions import NEWEST

INJECTIONS = {
    "insufficient-quota": mutations.deployment_fails_insufficient_quota,
    "policy-disallowed": mutations.validation_denied_by_policy,
    "remote-build-refused": mutations.schedule_run_refused,
    "resource-group-locked": mutations.resource_group_delete_conflict,
}
SIGN_IN_REFUSED = "sign-in-refused"
# Session variables that make sense only for a hermetic test child, not in a person's shell.
_NOT_EXPORTED = {"PATH", "HOME", "TERM", "LANG", "NO_COLOR"}


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.realazd", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="replay the RemoteBuild cassette for a by-hand run")
    serve.add_argument("--version", default=NEWEST, help=f"azd version (default {NEWEST})")
    serve.add_argument("--inject", choices=[*INJECTIONS, SIGN_IN_REFUSED], help="serve an injected failure")
    serve.add_argument("--faithful", action="store_true", help="keep the remote build's ~85 s of log polls")
    serve.add_argument("--dir", type=Path, help="where to put the session (default: a new temp folder)")
    return parser.parse_args(argv)


def _mutate(arguments: argparse.Namespace):
    def mutate(cassette: Cassette) -> None:
        if not arguments.faithful:
            mutations.quick_build_log(cassette)
        if arguments.inject in INJECTIONS:
            print(f"# injected: {INJECTIONS[arguments.inject](cassette)}")

    return mutate


def serve(arguments: argparse.Namespace) -> int:
    try:
        azd = ensure_record_azd(arguments.version)
    except AzdUnavailable as unavailable:
        print(f"cannot serve: {unavailable}", file=sys.stderr)
        return 2
    root = arguments.dir or Path(tempfile.mkdtemp(prefix="deploy-wizard-replay-"))
    refusal = TokenRefusal() if arguments.inject == SIGN_IN_REFUSED else None
    with ReplaySession(azd, root, mutate=_mutate(arguments), token_refusal=refusal) as session:
        print(f"# {session.recording.cassette} on azd {arguments.version}; proxy {session.proxy.url}; Ctrl-C stops it")
        for name in sorted(set(os.environ) - set(inherited_env(os.environ)) - _NOT_EXPORTED):
            if name not in session.extra_env and name.startswith(("AZURE_", "AZD_")):
                print(f"unset {name}")
        for name, value in session.extra_env.items():
            if name not in _NOT_EXPORTED:
                print(f"export {name}={shlex.quote(value)}")
        wizard = ["deploy-wizard", "-C", str(session.project_dir), "-e", session.env_name, "--azd", str(azd.path)]
        print(shlex.join(wizard), flush=True)
        seen = 0
        try:
            while True:
                session.proxy.wait_until(lambda done=seen: len(session.proxy.exchanges) > done, timeout=3600)
                for exchange in session.proxy.exchanges[seen:]:
                    if exchange.kind in ("miss", "passthrough"):
                        print(f"# {exchange}", file=sys.stderr, flush=True)
                seen = len(session.proxy.exchanges)
        except KeyboardInterrupt:
            pass
        replayed = len(session.proxy.served())
        print(f"\n# {replayed} interactions replayed, {len(session.misses)} misses", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(sys.argv[1:] if argv is None else argv)
    return serve(arguments)


if __name__ == "__main__":
    sys.exit(main())
