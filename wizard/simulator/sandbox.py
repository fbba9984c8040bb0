"""Where a simulation runs the project's hooks: a sandbox, so they touch neither the cloud nor the disk.

A hook of any template may call `az` (which would reach the user's real subscription), build a
virtualenv with pip, install npm packages, run docker or terraform, or write files into the project.
In a simulation it runs instead:

- in a temporary copy of the project (caches and `.git` left out), so what it writes is thrown away;
- with HOME and TMPDIR inside the sandbox (no `~/.azure`, `~/.azd` or `~/.npm` of the user's);
- with shims first on PATH: `azd` is the simulator (it writes the real project's `.azure/`, which a
  simulation may change), `az` is the simulated Azure CLI, and the tools in NOT_RUN are not run at all
  (each call is logged and succeeds). Everything else (sh, sed, grep, jq, git reads) is the machine's.

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
COPY_SKIP = {".git", ".azure", "node_modules", ".venv", "venv", "__pycache__", ".terraform", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", ".sim-cloud", "dist", "build", ".next"}
ROOT_ENV = "DEPLOY_WIZARD_SANDBOX_ROOT"  # the real project root, for the azd shim
LOG_ENV = "DEPLOY_WIZARD_SANDBOX_LOG"  # where the shims record what they did not run
SANDBOX_NOTE = (
    "Simulation: project hooks run in a sandbox (a temporary copy of the project, HOME inside it), with "
    "the simulated azd and az first on PATH; " + ", ".join(NOT_RUN[:12]) + " and the like are not run. "
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
        for folder in ("home", "tmp"):
            (base / folder).mkdir()
        log = base / "not-run.log"
        env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(base / "home"),
            "TMPDIR": str(base / "tmp"),
            "AZURE_CONFIG_DIR": str(base / "home" / ".azure"),
            ROOT_ENV: str(project_root),
            LOG_ENV: str(log),
        }
        yield Sandbox(work, env, log)
    finally:
        shutil.rmtree(base, ignore_errors=True)
