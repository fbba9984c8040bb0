"""Project hooks, run for real the way azd runs them (azd-behaviour.md §2.8).

azd writes the hook's `run` text to a temporary script and runs it with the hook's shell, in the
project root, with the environment's values added to the process environment. An interactive
hook inherits azd's stdin/stdout (so a closed stdin makes its `read` fail); a non-interactive one
has its output captured and discarded under pipes, reappearing only in the failure message.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from wizard.core.project import Project


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


def run_hook(project: Project, name: str, env_values: dict[str, str]) -> HookFailure | None:
    """Run hook `name` if the project has it; None when it succeeded or does not exist."""
    hook = project.hook(name)
    if hook is None:
        return None
    shell = "bash" if hook.shell in ("bash",) else "sh"
    handle = tempfile.NamedTemporaryFile(
        "w", prefix=f"azd-{name}-", suffix=".sh", delete=False, encoding="utf-8"
    )
    with handle:
        handle.write(hook.run.strip() + "\n")
    env = dict(os.environ)
    env.update(env_values)
    sys.stdout.flush()
    try:
        if hook.interactive:
            proc = subprocess.run([shell, handle.name], cwd=project.root, env=env, check=False)
            out, err = "", ""
        else:
            proc = subprocess.run(
                [shell, handle.name], cwd=project.root, env=env, check=False,
                stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
            )
            out, err = proc.stdout, proc.stderr
    finally:
        os.unlink(handle.name)
    if proc.returncode == 0:
        return None
    return HookFailure(name, proc.returncode, handle.name, out, err, hook.continue_on_error)
