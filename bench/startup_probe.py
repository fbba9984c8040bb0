"""One process start to first painted screen, for `startup_ratio`: the wizard or a minimal app."""

from __future__ import annotations

import sys
from pathlib import Path


async def _exit_after_first_paint(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    pilot.app.exit()


def main() -> None:
    which, project = sys.argv[1], Path(sys.argv[2])
    if which == "minimal":
        from textual.app import App, ComposeResult
        from textual.widgets import Footer, Header, Static

        class Minimal(App[None]):
            def compose(self) -> ComposeResult:
                yield Header()
                yield Static("hello")
                yield Footer()

        Minimal().run(headless=True, auto_pilot=_exit_after_first_paint)
        return
    from wizard.backends import BackendChoice
    from wizard.core.options import RunOptions
    from wizard.tui.app import WizardApp

    app = WizardApp(RunOptions(project_dir=project), choice=BackendChoice(simulate=True, speed=0))
    app.run(headless=True, auto_pilot=_exit_after_first_paint)


if __name__ == "__main__":
    main()
