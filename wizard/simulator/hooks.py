"""Project hooks, run the way azd runs them (azd-behaviour.md §2.8), inside the simulation's sandbox.

azd writes the hook's `run` text to a temporary script and runs it with the hook's shell, in the
project root, with the environment's values added to the process environment. Here the project
root is a throw-away copy, one per azd command as azd runs a command's hooks in one folder, and the
simulated azd and az come first on PATH (sandbox.py), so no hook of any template reaches the
user's cloud or changes their files. An interactive
hook inherits azd's stdin/stdout (so a closed stdin makes its `read` fail); a non-interactive one
has its output captured and discarded under pipes, reappearing only in the failure message.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from wizard.core.project import Project
from wizard.simulator.sandbox import Sandbox, hook_sandbox


@dataclass
class HookFailure:
    name: str
    code: int
    path: str
    stdout: str
    stderr: str
    continue_on_error: bool

    def message(self, phase: str) -> str:
        return (
            f"failed running {phase} hooks: '{self.name}' hook failed with exit code: '{self.code}', "
            f"Path: '{self.path}'. : exit code: {self.code}, stdout: {self.stdout}, stderr: {self.stderr}"
        )


_open: dict[Path, Sandbox] = {}
_stack = ExitStack()


def command_sandbox(root: Path) -> Sandbox:
    """The sandbox every hook of this azd command runs in: azd runs a command's hooks in one project
    folder, so what a predeploy writes (`.env.local`) is there for the postdeploy that removes it.
    Made on first use; removed when the command ends, or is killed by SIGINT/SIGTERM (which still
    kill it, as they kill azd)."""
    if root not in _open:
        if not _open:
            atexit.register(close_sandboxes)
            for sig in (signal.SIGINT, signal.SIGTERM):
                if signal.getsignal(sig) in (signal.SIG_DFL, None):
                    signal.signal(sig, _remove_and_die)
        _open[root] = _stack.enter_context(hook_sandbox(root))
    return _open[root]


def close_sandboxes() -> None:
    _open.clear()
    _stack.close()


def _remove_and_die(sig: int, _frame: object) -> None:
    close_sandboxes()
    signal.signal(sig, signal.SIG_DFL)
    os.kill(os.getpid(), sig)


def run_hook(project: Project, name: str, env_values: dict[str, str], service: str | None = None) -> HookFailure | None:
    """Run hook `name` (of `service`, else the project's) if there is one; None when it succeeded
    or does not exist."""
    hook = next((h for h in project.hooks if h.name == name and h.service == service), None)
    if hook is None:
        return None
    shell = "bash" if hook.shell in ("bash",) else "sh"
    box = command_sandbox(project.root)
    owner = project.service(hook.service) if hook.service else None
    folder = box.root / (owner.project if owner is not None else ".")
    script = Path(box.env["TMPDIR"]) / f"azd-{name}-{os.getpid()}.sh"
    script.write_text(hook.run.strip() + "\n", encoding="utf-8")
    env = {**os.environ, **env_values, **box.env}
    sys.stdout.flush()
    if hook.interactive:
        proc = subprocess.run([shell, str(script)], cwd=folder, env=env, check=False, text=True)
        out, err = "", ""
    else:
        proc = subprocess.run(
            [shell, str(script)], cwd=folder, env=env, check=False,
            stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
        )
        out, err = proc.stdout, proc.stderr
    handle_name = str(script)
    if proc.returncode == 0:
        return None
    return HookFailure(name, proc.returncode, handle_name, out, err, hook.continue_on_error)
