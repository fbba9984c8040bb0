"""Where a simulation runs the project's hooks: a sandbox, so they touch neither the cloud nor the disk.

A hook of any template may call `az` (which would reach the user's real subscription), build a
virtualenv with pip, install npm packages, run docker or terraform, or write files into the project.
In a simulation it runs instead:

- in a temporary copy of the project (caches and `.git` left out), so what it writes is thrown away;
- with HOME and TMPDIR inside the sandbox (no `~/.azure`, `~/.azd` or `~/.npm` of the user's);
- with shims first on PATH: `azd` is the simulator (it writes the real project's `.azure/`, which a
  simulation may change), `az` is the simulated Azure CLI, and every other command this machine has
  is not run at all (each call is logged and succeeds), but for the shells and file and text
  utilities a hook script is made of (OWN_TOOLS: sh, sed, grep, jq, git reads…), which act only on the
  sandbox's copy. A template's hook that runs `ipython`, `jupyter`, `mvn` or `gh` runs none of them.

SANDBOX_NOTE says this before a simulated run; `shim.py` is what the shims execute.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SIMULATED = ("azd", "az")
NOT_RUN = (
    "terraform", "docker", "podman", "pip", "pip3", "pipx", "uv", "poetry", "python", "python3", "npm",
    "npx", "pnpm", "yarn", "node", "dotnet", "func", "kubectl", "helm", "pwsh", "bicep", "curl", "wget",
    "sqlcmd", "psql", "mysql",
)
# the machine's own tools a hook runs for real: shells, file and text utilities (in the sandbox's
# copy), local computations (openssl rand, uuidgen); anything else on PATH gets a not-run shim
OWN_TOOLS = frozenset((
    "sh", "bash", "dash", "zsh", "ksh", "env", "cat", "echo", "printf", "test", "[", "true", "false", "expr",
    "sed", "awk", "gawk", "mawk", "nawk", "grep", "egrep", "fgrep", "cut", "tr", "head", "tail", "sort", "uniq",
    "wc", "tee", "xargs", "find", "basename", "dirname", "realpath", "readlink", "pwd", "ls", "mkdir", "rmdir",
    "rm", "cp", "mv", "ln", "touch", "chmod", "stat", "date", "sleep", "seq", "mktemp", "jq", "yq", "base64",
    "od", "xxd", "hexdump", "sha1sum", "sha256sum", "sha512sum", "md5sum", "cksum", "tac", "rev", "paste",
    "join", "comm", "diff", "cmp", "fold", "fmt", "nl", "column", "printenv", "id", "whoami", "uname",
    "hostname", "which", "tput", "timeout", "dos2unix", "unix2dos", "tar", "gzip", "gunzip", "zcat", "zip",
    "unzip", "openssl", "uuidgen", "git", "iconv", "file", "du", "df", "nproc", "getopt", "envsubst",
    "split", "csplit", "shuf", "tsort", "truncate", "sync", "yes", "arch", "logname", "tty", "stty",
))
COPY_SKIP = {".git", ".azure", "node_modules", ".venv", "venv", "__pycache__", ".terraform", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", ".sim-cloud", "dist", "build", ".next"}
ROOT_ENV = "DEPLOY_WIZARD_SANDBOX_ROOT"  # the real project root, for the azd shim
LOG_ENV = "DEPLOY_WIZARD_SANDBOX_LOG"  # where the shims record what they did not run
SANDBOX_NOTE = (
    "Simulation: project hooks run in a sandbox (a temporary copy of the project, HOME inside it), with "
    "the simulated azd and az first on PATH; " + ", ".join(NOT_RUN[:12]) + " and every other program but "
    "the shell's file and text tools are not run. "
    "Nothing reaches your Azure account, and nothing outside .azure/ changes."
)


@dataclass(frozen=True)
class Sandbox:
    root: Path  # the copy of the project the hook runs in
    env: dict[str, str]  # variables to lay over the hook's environment
    log: Path

    def not_run(self) -> list[str]:
        """The commands the shims did not run, in order."""
        try:
            return [ln for ln in self.log.read_text(encoding="utf-8").splitlines() if ln]
        except OSError:
            return []


def _shim(bin_dir: Path, name: str) -> None:
    path = bin_dir / name
    python = shlex.quote(sys.executable)
    path.write_text(f'#!/bin/sh\nexec {python} -P -m wizard.simulator.shim {name} "$@"\n', encoding="utf-8")
    path.chmod(0o755)


def _not_run_shims(bin_dir: Path, path_var: str) -> None:
    """A not-run shim for every command on `path_var` but OWN_TOOLS (one script, a link per name)."""
    generic = bin_dir / ".not-run"
    python = shlex.quote(sys.executable)
    generic.write_text(  # called by a command's name (a link), or as `.not-run NAME ARGS` (bash's handler)
        f'#!/bin/sh\nname=$(basename "$0")\nif [ "$name" = .not-run ]; then exec {python} -P -m wizard.simulator.shim "$@"; fi\n'
        f'exec {python} -P -m wizard.simulator.shim "$name" "$@"\n', encoding="utf-8")
    generic.chmod(0o755)
    for folder in path_var.split(os.pathsep):
        try:
            entries = list(os.scandir(folder or "."))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name in OWN_TOOLS or name.startswith(".") or "/" in name or (bin_dir / name).exists():
                continue
            try:
                if entry.is_file() and os.access(entry.path, os.X_OK):
                    (bin_dir / name).symlink_to(generic.name)
            except OSError:
                continue


@contextmanager
def hook_sandbox(project_root: Path) -> Iterator[Sandbox]:
    """A throw-away copy of the project with the shims on PATH; removed on exit."""
    base = Path(tempfile.mkdtemp(prefix="deploy-wizard-hook-"))
    try:
        work = base / "project"
        shutil.copytree(project_root, work, symlinks=True, ignore=lambda _d, names: [n for n in names if n in COPY_SKIP])
        bin_dir = base / "bin"
        bin_dir.mkdir()
        for name in (*SIMULATED, *NOT_RUN):
            _shim(bin_dir, name)
        _not_run_shims(bin_dir, os.environ.get("PATH", ""))
        # a command this machine lacks (`jupyter`, which the not-run `pip install` would have
        # brought) is not run either, rather than "command not found", in the hooks' bash scripts
        bash_env = base / "bash_env"
        bash_env.write_text(f'command_not_found_handle() {{ {shlex.quote(str(bin_dir / ".not-run"))} "$@"; }}\n',
                            encoding="utf-8")
        for folder in ("home", "tmp"):
            (base / folder).mkdir()
        log = base / "not-run.log"
        env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(base / "home"),
            "TMPDIR": str(base / "tmp"),
            "AZURE_CONFIG_DIR": str(base / "home" / ".azure"),
            "BASH_ENV": str(bash_env),
            ROOT_ENV: str(project_root),
            LOG_ENV: str(log),
        }
        yield Sandbox(work, env, log)
    finally:
        shutil.rmtree(base, ignore_errors=True)
