"""A fake `azd` for demos, workshops and tests: `python -m wizard.simulator.azd ARGS...`.

It behaves like real azd under pipes (azd-behaviour.md): the same commands and flags, the same
lines on the same streams, exit code 1 for every failure, the real `.azure/` layout, and death by
signal on SIGINT (no handler, no cleanup), so the wizard's real code paths are what gets tested.
Scenario, speed and output format come from DEPLOY_WIZARD_SIM_* variables (see cloud.py).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from wizard.core.project import (
    ProjectError,
    find_project_root,
    format_dotenv,
    list_environments,
    load_project,
    read_default_environment,
    read_env_values,
    validate_env_name,
)
from wizard.simulator import deploy, lifecycle, signin
from wizard.simulator.cloud import (
    FORMAT_ENV,
    SUBSCRIPTION_ID,
    USER,
    Cloud,
    cloud_dir,
    scenario,
    speed,
)
from wizard.simulator.console import Console
from wizard.simulator.sim import Sim, list_app_states, run_sim_hook

VERSION = "1.31.2"
COMMIT = "5c0ffee5c0ffee5c0ffee5c0ffee5c0ffee5c0ff"
VALUE_FLAGS = {"-C": "cwd", "--cwd": "cwd", "-e": "env", "--environment": "env", "-o": "output",
               "--output": "output", "--subscription": "subscription", "-l": "location",
               "--location": "location", "--file": "file", "--timeout": "timeout", "--query": "query",
               "--tenant-id": "tenant", "--client-id": "client_id"}
BOOL_FLAGS = {"--no-prompt", "--non-interactive", "--debug", "--force", "--purge", "--all", "--check-status",
              "--preview", "--no-state", "--use-device-code"}


@dataclass
class Args:
    words: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def json(self) -> bool:
        return self.values.get("output") == "json"


class UsageError(Exception):
    """cobra's flag/argument errors: `Error: …` on stderr, exit 1."""


def parse(argv: list[str]) -> Args:
    args = Args()
    i = 0
    while i < len(argv):
        item = argv[i]
        key, eq, inline = item.partition("=")
        if key in VALUE_FLAGS:
            if eq:
                args.values[VALUE_FLAGS[key]] = inline
            elif i + 1 < len(argv):
                args.values[VALUE_FLAGS[key]] = argv[i + 1]
                i += 1
            else:
                raise UsageError(f'flag needs an argument: {key}')
        elif key in BOOL_FLAGS:
            if not eq or inline.lower() in ("true", "1"):  # `--use-device-code=false` turns it off
                args.flags.add(key)
        elif item.startswith("-") and item != "-":
            raise UsageError(f"unknown flag: {item}")
        else:
            args.words.append(item)
        i += 1
    return args


def main(argv: list[str] | None = None) -> int:
    # Real azd under pipes installs no Ctrl+C handler: SIGINT kills it outright.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        args = parse(list(sys.argv[1:] if argv is None else argv))
    except UsageError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return 1
    if args.values.get("output") not in (None, "json", "none", "table", "dotenv"):
        sys.stderr.write(f"Error: unsupported format '{args.values['output']}' for --output\n")
        return 1
    cwd = Path(args.values.get("cwd") or os.getcwd())
    if not cwd.exists():
        cwd.mkdir(parents=True)  # with --no-prompt azd just creates it
    console = Console(json_mode=args.json, speed=speed())
    words = args.words
    head = " ".join(words[:2])
    if not words:
        sys.stdout.write("Usage:\n  azd [command]\n")
        return 0
    if words[0] == "version":
        return version(args)
    if head == "auth login" or head == "auth status":
        return auth(args, cwd, status_cmd=words[1] == "status")
    if head == "config get":
        return config_get(args, cwd, words[2:])
    root = find_project_root(cwd)
    if root is None:
        return console.error("no project exists; to create a new project, run `azd init`")
    try:
        project = load_project(root)
    except ProjectError as exc:
        return console.error(f"parsing project file: {exc}")
    if words[0] == "env":
        return env_command(args, project.root, console, words[1:])
    env = resolve_env(args, project.root, console)
    if env is None:
        return 1
    sim = Sim(project=project, env=env, cloud=Cloud(cloud_dir(project.root, env), env), console=console,
                        scenario=scenario(), legacy=os.environ.get(FORMAT_ENV) == "legacy")
    sim.reload()
    command = words[0]
    if command == "provision":
        return lifecycle.provision(sim)
    if command == "deploy":
        return deploy.deploy(sim, words[1] if len(words) > 1 else None)
    if command == "up":
        return up(sim)
    if command == "down":
        return lifecycle.down(sim, force="--force" in args.flags, purge="--purge" in args.flags)
    if head.startswith("hooks run") and len(words) > 2:
        return lifecycle.hooks_run(sim, words[2])
    if command == "show":
        return show(sim)
    sys.stderr.write(f'Error: unknown command "{command}" for "azd"\n')
    return 1


# -- version / auth / config -----------------------------------------------------------------------
def version(args: Args) -> int:
    if args.json:
        print(json.dumps({"azd": {"version": VERSION, "commit": COMMIT}}, indent=2))
    else:
        print(f"azd version {VERSION} (commit {COMMIT}) (stable)")
    return 0


def auth(args: Args, cwd: Path, *, status_cmd: bool) -> int:
    if not status_cmd and "--check-status" not in args.flags:
        return login(args, cwd)
    ok = signin.signed_in(find_project_root(cwd), "azd")
    expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if args.json:
        if status_cmd:
            data = {"status": "authenticated", "type": "user", "email": USER, "expiresOn": expires} if ok \
                else {"status": "unauthenticated"}
        else:
            data = {"status": "success", "expiresOn": expires} if ok else {"status": "unauthenticated"}
        print(json.dumps(data, indent=2))
    else:
        print(f"Logged in to Azure as {USER}" if ok else "Not logged in, run `azd auth login` to login to Azure")
    return 0


def login(args: Args, cwd: Path) -> int:
    """`azd auth login [--use-device-code] [--tenant-id T]`: what azd prints, then signed in.

    The browser flow prints nothing until it is done; the device-code flow prints the code, then
    (with --no-prompt) where to enter it, or waits for Enter as azd does before opening a browser.
    """
    root = find_project_root(cwd)
    if root is None:
        sys.stderr.write("ERROR: the simulated sign-in is kept with a project: run it inside an azd project\n")
        return 1
    out = sys.stdout
    if "--use-device-code" in args.flags:
        out.write(f"Start by copying the next code: {signin.DEVICE_CODE}\n")
        if "--no-prompt" in args.flags:
            out.write(f"Then, go to: {signin.DEVICE_URL}\n")
            out.flush()
        else:
            out.write("Then press enter and continue to log in from your browser...\n")
            out.flush()
            sys.stdin.readline()  # EOF (closed stdin) goes on, as azd does
            out.write("Waiting for you to complete authentication in the browser...\n")
            out.flush()
        Console(json_mode=False, speed=speed()).wait(1.0)
        out.write("Device code authentication completed.\n")
    signin.sign_in(root, "azd", args.values.get("tenant"))
    out.write("Logged in to Azure.\n")
    return 0


def config_get(args: Args, cwd: Path, keys: list[str]) -> int:
    if keys[:1] == ["defaults"]:
        # The simulated user ran `azd config set defaults.subscription` once, as most users do.
        print(json.dumps({"subscription": SUBSCRIPTION_ID}, indent=2))
        return 0
    print(f"\nERROR: no value at path '{keys[0] if keys else ''}': config key not found\n")
    print("Suggestion: Run 'azd config show' to see available configuration keys.")
    return 1


# -- environments ----------------------------------------------------------------------------------
def resolve_env(args: Args, root: Path, console: Console) -> str | None:
    name = args.values.get("env") or os.environ.get("AZURE_ENV_NAME") or read_default_environment(root)
    if not name:
        name = root.name  # --no-prompt: derived from the folder
        console.line(f"Using environment name: {name}")
    problem = validate_env_name(name)
    if problem:
        console.error(f"environment name '{name}' is invalid (it should contain only alphanumeric characters "
                      "and hyphens)")
        return None
    if not (root / ".azure" / name).is_dir():
        create_env(root, name, {})  # "would you like to create it?" defaults to yes
    return name


def create_env(root: Path, name: str, extra: dict[str, str]) -> bool:
    """Write `.azure/<name>/.env`; True when it became the default (first env or --no-prompt)."""
    azure = root / ".azure"
    azure.mkdir(exist_ok=True)
    gitignore = azure / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("# .azure is not intended to be committed\n*", encoding="utf-8")
    folder = azure / name
    folder.mkdir()
    (folder / ".env").write_text(format_dotenv({"AZURE_ENV_NAME": name, **extra}), encoding="utf-8")
    (folder / "config.json").write_text("{}\n", encoding="utf-8")
    write_default(root, name)
    return True


def write_default(root: Path, name: str) -> None:
    (root / ".azure" / "config.json").write_text(
        json.dumps({"version": 1, "defaultEnvironment": name}, separators=(",", ":")), encoding="utf-8"
    )


def env_command(args: Args, root: Path, console: Console, words: list[str]) -> int:
    sub = words[0] if words else ""
    rest = words[1:]
    if sub == "list":
        envs = list_environments(root)
        if args.json or args.values.get("output") == "json":
            data = [{"Name": e.name, "DotEnvPath": str(e.dotenv_path), "HasLocal": True, "HasRemote": False,
                     "IsDefault": e.is_default} for e in envs]
            print(json.dumps(data, indent=2))
        else:
            print("NAME    DEFAULT  LOCAL  REMOTE")
            for e in envs:
                print(f"{e.name:<8}{str(e.is_default).lower():<9}true   false")
        return 0
    if sub == "new":
        if not rest:
            return console.error("environment name is required with --no-prompt")
        name = rest[0]
        problem = validate_env_name(name)
        if problem:
            text = f"environment name '{name}' is invalid (it should contain only alphanumeric characters and hyphens)"
            console.line(text)
            return console.error(f"creating new environment: {text}")
        if (root / ".azure" / name).is_dir():
            return console.error(f"creating new environment: environment already exists: '{name}'")
        first = not list_environments(root)
        extra = {k: v for k, v in (("AZURE_SUBSCRIPTION_ID", args.values.get("subscription")),
                                    ("AZURE_LOCATION", args.values.get("location"))) if v}
        create_env(root, name, extra)
        if first:
            console.line(f"New environment '{name}' was set as default")
        else:
            console.line(f"New environment '{name}' created and set as default")
        return 0
    if sub == "select":
        if not rest:
            return console.error("environment name is required with --no-prompt")
        if not (root / ".azure" / rest[0]).is_dir():
            return console.error(f"environment '{rest[0]}' does not exist: environment not found",
                                 f"Run 'azd env list' to see environments, or 'azd env new {rest[0]}' to create it.")
        write_default(root, rest[0])
        return 0
    env = resolve_env(args, root, console)
    if env is None:
        return 1
    if sub == "get-values":
        values = read_env_values(root, env)
        if args.json:
            print(json.dumps(dict(sorted(values.items())), indent=2))
        else:
            sys.stdout.write(format_dotenv(values))
        return 0
    if sub == "set":
        pairs = _pairs(rest)
        if not pairs:
            return console.error("no environment values provided",
                                 "Run 'azd env set KEY VALUE' or 'azd env set KEY=VALUE'.")
        values = read_env_values(root, env)
        for key in pairs:
            clash = next((k for k in values if k.lower() == key.lower() and k != key), None)
            if clash:
                console.line(f"WARNING: '{key}' already exists as '{clash}'. Did you mean to set '{clash}' instead?")
        values.update(pairs)
        (root / ".azure" / env / ".env").write_text(format_dotenv(values), encoding="utf-8")
        return 0
    if sub == "refresh":
        console.title(f"Refreshing environment {env} (azd env refresh)", "")
        console.line("SUCCESS: Environment refresh completed")
        return 0
    sys.stderr.write(f'Error: unknown command "{sub}" for "azd env"\n')
    return 1


def _pairs(words: list[str]) -> dict[str, str]:
    if len(words) == 2 and "=" not in words[0]:
        return {words[0]: words[1]}
    return dict(w.split("=", 1) for w in words if "=" in w)


def up(sim: Sim) -> int:
    """`azd up`: preup, provision, deploy, postup (each command's own hooks inside)."""
    if (code := run_sim_hook(sim, "preup")) is not None:
        return code
    code = lifecycle.provision(sim)
    if code:
        return code
    sim.console.sim_clock = 0.0
    code = deploy.deploy(sim)
    if code:
        return code
    return run_sim_hook(sim, "postup") or 0


def show(sim: Sim) -> int:
    apps = list_app_states(sim.cloud)
    services = {}
    for s in sim.project.services:
        app = next((a for a in apps.values() if a["tags"].get("azd-service-name") == s.name), None)
        entry: dict[str, object] = {"project": {"path": str(sim.project.root / s.project), "language": s.language}}
        if app:
            url = f"https://{app['fqdn']}/"
            entry.update({"target": {"resourceIds": [app["name"]]}, "ingresUrl": url, "ingressUrl": url})
        services[s.name] = entry
    print(json.dumps({"name": sim.project.name, "services": services}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
