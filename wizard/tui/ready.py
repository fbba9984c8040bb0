"""The readiness panel's text, and installing a missing tool from the wizard.

Facts come from `wizard.core.readiness` (the toolbox table): the panel only draws them. Installing
hands the terminal to the install command (the TUI suspends, as for sign-in); where the TUI cannot
suspend (in a browser) the command is copied to the clipboard instead.
"""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

from rich.text import Text

from wizard.tui.format import plain

if TYPE_CHECKING:
    from wizard.core.readiness import Readiness
    from wizard.tui.app_base import WizardAppBase


def readiness_text(readiness: Readiness | None, *, checking: bool = False) -> Text:
    """`Ready?` then one line per tool (✓/✗, version or problem, why) and the sign-in."""
    text = Text("Ready?", style="bold")
    if readiness is None:
        text.append("  checking azd and the tools this project needs…", style="dim")
        return text
    if checking:
        text.append("  checking again…", style="dim")
    width = max(len(t.title) for t in readiness.tools) + 2
    for tool in readiness.tools:
        text.append("\n ")
        if not tool.ok:
            text.append("✗ ", style="bold red")
        else:
            text.append("! " if tool.warning else "✓ ", style="bold yellow" if tool.warning else "green")
        text.append(f"{tool.title:<{width}}", style="bold")
        if tool.ok:
            text.append(tool.version or tool.path or "found")
        else:
            text.append(tool.problem or "missing", style="red")
        text.append(f"  {tool.why}", style="dim")
        if not tool.ok:
            text.append("\n     install: ", style="dim")
            text.append(tool.install, style="green")
        elif tool.warning:
            text.append("\n     ")
            text.append_text(plain(tool.warning, "yellow"))
            text.append("\n     upgrade: ", style="dim")
            text.append(tool.install, style="green")
    if readiness.signin is not None:
        state = readiness.signin.signed_in
        text.append("\n ")
        text.append("✓ " if state else "✗ " if state is False else "? ", style="green" if state else "bold red" if state is False else "yellow")
        text.append(f"{'azd sign-in':<{width}}", style="bold")
        text.append_text(plain(readiness.signin.detail, "" if state else "red" if state is False else "yellow"))
    hint = next_hint(readiness)
    if hint:
        text.append("\n")
        text.append_text(hint)
    return text


def next_hint(readiness: Readiness) -> Text | None:
    """What to do now, with its key: install (i), check again (r), sign in (o)."""
    hint = Text()
    if readiness.blocked:
        hint.append("Nothing can run until azd is installed: ", style="bold yellow")
        hint.append_text(_keys(("i", "installs it here"), ("r", "checks again")))
    elif readiness.missing:
        names = ", ".join(t.tool for t in readiness.missing)
        hint.append(f"Missing: {names}. ", style="yellow")
        hint.append_text(_keys(("i", "installs the first one"), ("r", "checks again")))
    elif readiness.needs_sign_in:
        hint.append("Not signed in: ", style="bold yellow")
        hint.append_text(_keys(("o", "signs in (azd auth login)")))
    return hint or None


def _keys(*pairs: tuple[str, str]) -> Text:
    text = Text()
    for i, (key, what) in enumerate(pairs):
        if i:
            text.append(", ")
        text.append(key, style="bold")
        text.append(f" {what}")
    return text


def install_first_missing(app: WizardAppBase) -> None:
    """The readiness panel's i: install the first missing tool."""
    readiness = app.readiness
    if readiness is not None and readiness.missing:
        install_tool(app, readiness.missing[0].tool)


def install_tool(app: WizardAppBase, tool: str) -> None:
    """Ask, then run `tool`'s install command (the toolbox's, for this OS) in this terminal."""
    from wizard.core.preflight.toolbox import install_hint, spec
    from wizard.tui.screens.cleanup import ConfirmScreen

    platform = _platform(app)
    question = Text(f"Install {spec(tool).title}?\n", style="bold")
    question.append("The wizard hands this terminal to the install command (it may ask for your password):\n\n  ")
    question.append(install_hint(tool, platform), style="bold green")
    question.append("\n\nThen it checks again. In a browser the command is copied for you to paste in a terminal.", style="dim")
    app.push_screen(ConfirmScreen(question, "Install (y)", "Not now (n)"), lambda yes: _install(app, tool) if yes else None)


def _platform(app: WizardAppBase) -> str:
    import sys

    return app.readiness.platform if app.readiness is not None else sys.platform


def _install(app: WizardAppBase, tool: str) -> None:
    from textual.app import SuspendNotSupported

    from wizard.core.preflight.toolbox import install_argv, install_command

    platform = _platform(app)
    command = install_command(tool, platform)
    try:
        with app.suspend():
            print(f"\n$ {command}\n", flush=True)
            try:
                code = subprocess.run(install_argv(tool, platform), check=False).returncode
            except FileNotFoundError as exc:
                code = 127
                print(f"cannot run it: {exc.strerror}")
            input(f"\n(exit {code}) Press Enter to return to the wizard… ")
    except SuspendNotSupported:
        app.copy_to_clipboard(command)
        app.notify(f"Copied to the clipboard: {command} — run it in a terminal, then press r.", markup=False, timeout=10)
        return
    app.check_readiness()
