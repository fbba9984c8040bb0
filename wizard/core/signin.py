"""Signing in from the wizard: `azd auth login` (and `az login` when the project needs az).

Two ways to run it, one plan:

- in the terminal (`run_in_terminal`): the child gets the terminal, so the browser flow or azd's
  "press enter" device-code flow works as if typed by hand (`deploy-wizard login`, and the TUI once
  it has suspended itself);
- piped (`run_piped`): where nothing can take over the terminal (the TUI in a browser), the device
  code flow with `--no-prompt`: azd prints the code and the address without waiting for Enter, and
  `DeviceCodeReader` finds them in the output so the UI can show them.

Remote sessions (SSH, Codespaces, containers) default to the device code: a browser opened there
cannot reach the sign-in page's redirect to localhost.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.azd import AzdClient
from wizard.core.backend import Backend

if TYPE_CHECKING:
    from wizard.core.preflight.model import InteractiveTools, ToolsLike
    from wizard.core.project import Project
    from wizard.core.runner import ProcessRunner

DEVICE_LOGIN_URL = "https://microsoft.com/devicelogin"
SIGN_IN_TIMEOUT = 900.0  # a device code expires after 15 minutes
# (variable, what it means): any of them set means a browser here cannot finish the sign-in
REMOTE_VARIABLES = (
    ("SSH_CONNECTION", "an SSH session"),
    ("SSH_TTY", "an SSH session"),
    ("CODESPACES", "GitHub Codespaces"),
    ("REMOTE_CONTAINERS", "a VS Code dev container"),
    ("DEVCONTAINER", "a dev container"),
    ("AZD_IN_CLOUDSHELL", "Azure Cloud Shell"),
)
REMOTE_FILES = (("/.dockerenv", "a Docker container"), ("/run/.containerenv", "a Podman container"))

_CODE_PATTERNS = (
    re.compile(r"Start by copying the next code: (?P<code>[A-Z0-9-]{6,})"),  # azd
    re.compile(r"enter the code (?P<code>[A-Z0-9-]{6,}) to authenticate"),  # az, azd in Cloud Shell
)
_URL_RE = re.compile(r"https://(?:microsoft\.com/devicelogin|aka\.ms/devicelogin|login\.microsoft(?:online)?\.com/[\w/.-]*device[\w/.-]*)")


def remote_session(environ: Mapping[str, str] | None = None, exists: Callable[[str], bool] = os.path.exists) -> str | None:
    """Why a browser on this machine cannot finish a sign-in (`an SSH session (SSH_CONNECTION)`),
    or None when it can."""
    env = os.environ if environ is None else environ
    for name, what in REMOTE_VARIABLES:
        if env.get(name, "").strip() not in ("", "false", "0"):
            return f"{what} ({name})"
    for path, what in REMOTE_FILES:
        if exists(path):
            return f"{what} ({path})"
    return None


@dataclass(frozen=True)
class SignInCommand:
    tool: str  # azd | az
    argv: tuple[str, ...]
    display: str  # as the user would type it


@dataclass(frozen=True)
class SignInPlan:
    commands: tuple[SignInCommand, ...]
    device_code: bool
    why_device_code: str | None  # "an SSH session (SSH_CONNECTION)", "asked for", "in a browser"
    tenant: str | None
    az_because: str | None = None  # why az is signed in too (the project's reason to need az)

    def lines(self) -> list[str]:
        """What will run, and why, for the person about to sign in."""
        out = [f"$ {c.display}" for c in self.commands]
        if self.device_code:
            out.append(f"device code: {self.why_device_code or 'asked for'}; enter the code at {DEVICE_LOGIN_URL}")
        if self.az_because:
            out.append(f"az is signed in too: {self.az_because}")
        return out


def plan_sign_in(
    backend: Backend,
    project_root: Path,
    *,
    az_because: str | None = None,
    device_code: bool | None = None,
    tenant: str | None = None,
    piped: bool = False,
    environ: Mapping[str, str] | None = None,
    exists: Callable[[str], bool] = os.path.exists,
) -> SignInPlan:
    """The commands to run. `device_code=None` decides from the session (remote: device code);
    `piped` (no terminal to hand over) always uses the device code, with azd's `--no-prompt`."""
    why = None
    if piped:
        device_code, why = True, "the wizard runs in a browser: enter the code shown here"
    elif device_code is None:
        why = remote_session(environ, exists)
        device_code = why is not None
    elif device_code:
        why = "asked for (--use-device-code)"
    azd_args = ["auth", "login"]
    if device_code:
        azd_args.append("--use-device-code")
    if tenant:
        azd_args += ["--tenant-id", tenant]
    azd_argv = [*backend.azd_command, *azd_args, "--cwd", str(project_root)]
    if piped:
        azd_argv.append("--no-prompt")
    commands = [SignInCommand("azd", tuple(azd_argv), " ".join(["azd", *azd_args]))]
    if az_because:
        az_args = ["login"] + (["--use-device-code"] if device_code else []) + (["--tenant", tenant] if tenant else [])
        commands.append(SignInCommand("az", ("az", *az_args), " ".join(["az", *az_args])))
    return SignInPlan(tuple(commands), device_code, why if device_code else None, tenant, az_because)


def tools_for(backend: Backend, project_root: Path) -> ToolsLike:
    """The backend's local tools for this project (simulated ones too), else this machine's."""
    from wizard.core.preflight.realtools import RealTools

    tools = backend.tools(project_root)
    return RealTools(project_root) if tools is None else tools


def interactive(tools: ToolsLike) -> InteractiveTools:
    """`tools`, for a sign-in: they must stream a command's lines or hand it the terminal."""
    from wizard.core.preflight.model import InteractiveTools

    if not isinstance(tools, InteractiveTools):
        raise TypeError(f"{type(tools).__name__} cannot run a sign-in (no stream or interactive run)")
    return tools


def az_sign_in_reason(project: Project, tools: ToolsLike) -> tuple[str | None, str | None]:
    """(why az must be signed in too, or None; a warning when the project needs az but it is not
    installed). The reason is the toolbox's: hooks or a Terraform local-exec that call az."""
    from wizard.core.preflight.toolbox import install_hint, tool_needs

    need = tool_needs(project).get("az")
    if need is None:
        return None, None
    if tools.which("az") is None:
        return None, f"the project needs az ({need.why}) but it is not installed: {install_hint('az', tools.platform)}"
    return need.why, None


def child_env(backend: Backend, project_root: Path) -> dict[str, str]:
    """The environment azd gets everywhere else (no update banner, no colours, the backend's extras)."""
    return AzdClient(list(backend.azd_command), project_root, extra_env=dict(backend.azd_env)).child_env()


@dataclass(frozen=True)
class DevicePrompt:
    code: str
    url: str = DEVICE_LOGIN_URL
    tool: str = "azd"


@dataclass
class DeviceCodeReader:
    """Finds the device code (and where to enter it) in a sign-in's output, line by line."""

    tool: str = "azd"
    code: str | None = None
    url: str = DEVICE_LOGIN_URL
    _shown: DevicePrompt | None = field(default=None, repr=False)

    def feed(self, line: str) -> DevicePrompt | None:
        """The prompt to show when this line tells something new, else None."""
        for pattern in _CODE_PATTERNS:
            match = pattern.search(line)
            if match:
                self.code = match.group("code")
        url = _URL_RE.search(line)
        if url:
            self.url = url.group(0).rstrip(".")
        if self.code is None:
            return None
        prompt = DevicePrompt(self.code, self.url, self.tool)
        if prompt == self._shown:
            return None
        self._shown = prompt
        return prompt


@dataclass(frozen=True)
class SignInResult:
    tool: str
    display: str
    exit_code: int

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def run_in_terminal(plan: SignInPlan, backend: Backend, project_root: Path, tools: ToolsLike) -> list[SignInResult]:
    """Run each command with this terminal (blocking); stop at the first that fails."""
    env = child_env(backend, project_root)
    results = []
    for command in plan.commands:
        if command.tool == "azd":
            try:
                code = subprocess.run(list(command.argv), env=env, cwd=str(project_root), check=False).returncode
            except FileNotFoundError:
                code = 127
        else:
            code = interactive(tools).interactive(list(command.argv))
        results.append(SignInResult(command.tool, command.display, code))
        if code != 0:
            break
    return results


async def run_piped(
    plan: SignInPlan,
    backend: Backend,
    project_root: Path,
    tools: ToolsLike,
    *,
    on_line: Callable[[str, str], None],
    on_prompt: Callable[[DevicePrompt], None],
    runner: ProcessRunner | None = None,
) -> list[SignInResult]:
    """Run each command with pipes (stdin closed), reporting its lines and any device code.
    `runner.cancel()` stops a sign-in that is waiting for its code to be entered."""
    from wizard.core.redact import Redactor
    from wizard.core.runner import ProcessRunner

    runner = runner or ProcessRunner()
    redactor = Redactor()
    env = child_env(backend, project_root)
    results = []
    for command in plan.commands:
        reader = DeviceCodeReader(command.tool)

        def lines(batch: Sequence[str], tool: str = command.tool, reader: DeviceCodeReader = reader) -> None:
            for line in batch:
                on_line(tool, redactor.mask(line))
                prompt = reader.feed(line)
                if prompt is not None:
                    on_prompt(prompt)

        if command.tool == "azd":
            try:
                result = await runner.run(list(command.argv), on_lines=lines, env=env, cwd=project_root)
                code = 130 if result.cancelled else result.returncode
            except FileNotFoundError:
                code = 127
        else:
            def one(line: str, each: Callable[[Sequence[str]], None] = lines) -> None:
                each([line])

            code, _ = await interactive(tools).stream(list(command.argv), SIGN_IN_TIMEOUT, one)
        results.append(SignInResult(command.tool, command.display, code))
        if code != 0:
            break
    return results
