"""No planted secret reaches any output.

A copy of the sample project whose hooks print every kind of secret of `planted_secrets` (the
preprovision hook streams them, the postprovision hook prints them and fails, so they come back
inside azd's error and the diagnosis), with the environment holding secret values that the hooks
echo without their names. One run of `run --plain --verbose` under GitHub Actions, then every
output is read: stdout and stderr, raw.log, events.jsonl, summary.json, the GitHub step summary,
`report` (text and JSON), `explain` of the raw log and of a pasted unmasked transcript, and the
TUI (the log view's visible text, a saved log, the failure panel).

The screen through a real terminal: `tests/terminal/` (another helper's layer) is not on main yet;
`assert_nothing_leaks` and `planted_project` are the hook for it (run the wizard on a
`planted_project` in the terminal, read the screen's text, pass it to `assert_nothing_leaks`).
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.helpers import run_wizard
from tests.planted_secrets import env_secrets, fresh_env_secret, planted, process_env_secret

pytestmark = pytest.mark.slow

PLANTED = planted()
FRESH = fresh_env_secret()
SECRETS = sorted({s for p in PLANTED for s in p.secrets} | {FRESH.value}, key=len, reverse=True)
PLANTED_FILE = "planted-output.txt"


def assert_nothing_leaks(where: str, text: str) -> None:
    """No secret part of any planted kind in `text` (named by `where` in the failure)."""
    leaked = [s for s in SECRETS if s in text]
    kinds = sorted({p.kind for p in PLANTED for s in p.secrets if s in leaked} | ({FRESH.name} if FRESH.value in leaked else set()))
    assert not leaked, f"{where} shows secrets of kinds {kinds}"


def screen_text(app: object) -> str:
    """What the screen shows, as text: the SVG screenshot without its markup (rows stay whole)."""
    svg = app.export_screenshot()  # type: ignore[attr-defined]
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def planted_project(base: Path) -> Path:
    """The sample, env `dev` (secret values set), hooks that print every planted kind."""
    from wizard.backends import simulator_command
    from wizard.core.azd import AzdClient
    from wizard.simulator.sample import copy_sample

    project = copy_sample(base / "p")
    (project / PLANTED_FILE).write_text("".join(line + "\n" for p in PLANTED for line in p.lines), encoding="utf-8")
    azure_yaml = project / "azure.yaml"
    text = azure_yaml.read_text(encoding="utf-8")
    # a secret the hook itself adds to the environment, then echoes: masked from then on
    (project / "fresh.sh").write_text(f"azd env set {FRESH.name} {FRESH.value}\necho fresh value {FRESH.value}\n", encoding="utf-8")
    text = text.replace(
        "run: devops/scripts/azd/preprovision.sh terraform",
        f"run: devops/scripts/azd/preprovision.sh terraform && cat {PLANTED_FILE} && sh fresh.sh",
    )
    start = text.index("  postprovision:")
    text = text[:start] + (
        "  postprovision:\n"
        "    shell: sh\n"
        f"    run: cat {PLANTED_FILE}; exit 3\n"
        "    interactive: false\n"
        "    continueOnError: false\n"
    )
    azure_yaml.write_text(text, encoding="utf-8")
    env = {"DEPLOY_WIZARD_SIM_CLOUD": str(project / ".sim-cloud"), "DEPLOY_WIZARD_SIM_SPEED": "0"}
    client = AzdClient(simulator_command(), project, "dev", base_env={**os.environ, **env})
    subprocess.run(
        client.argv("env", "new", "dev", "--location", "eastus2", "--subscription", "00000000-0000-0000-0000-000000000000", env=False),
        env=client.child_env(), check=True, capture_output=True,
    )
    for secret in env_secrets():
        subprocess.run(client.argv("env", "set", secret.name, secret.value), env=client.child_env(), check=True, capture_output=True)
    for key, value in (("TF_INIT_SKIP_INTERACTIVE", "true"), ("PREFLIGHT_LIVE_CHECKS", "false")):
        subprocess.run(client.argv("env", "set", key, value), env=client.child_env(), check=True, capture_output=True)
    return project


def _record(project: Path) -> Path:
    [folder] = sorted((project / ".azure" / "dev" / "wizard" / "runs").iterdir())
    return folder


def test_no_planted_secret_reaches_the_command_line_outputs(tmp_path: Path) -> None:
    project = planted_project(tmp_path)
    step_summary = tmp_path / "step-summary.md"
    ci = process_env_secret()
    result = run_wizard(
        "run", "--plain", "--verbose", "--simulate", "-C", str(project), "-e", "dev", "--yes",
        GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(step_summary), **{ci.name: ci.value},
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    record = _record(project)
    raw = (record / "raw.log").read_text(encoding="utf-8")
    # the hooks ran and their lines arrived (masked): the test cannot pass by printing nothing
    assert "cloning with token ****" in raw and "value is **** (no name)" in raw and "fresh value ****" in raw
    assert result.stdout.count("****") >= len(SECRETS)
    assert "provision failed" in result.stdout
    summary = json.loads((record / "summary.json").read_text(encoding="utf-8"))
    failure = next(step["failure"] for step in summary["steps"] if step.get("failure"))
    assert "****" in " ".join(failure["evidence"]) + failure["cause"]

    outputs = {
        "stdout of run --plain --verbose": result.stdout,
        "stderr": result.stderr,
        "raw.log": raw,
        "events.jsonl": (record / "events.jsonl").read_text(encoding="utf-8"),
        "summary.json": json.dumps(summary),
        "GitHub step summary": step_summary.read_text(encoding="utf-8"),
    }
    for args in (("report",), ("report", "--json")):
        outputs[" ".join(args)] = run_wizard(*args, "-C", str(project), **{ci.name: ci.value}).stdout
    # explain: of the raw log, and of a transcript pasted from a terminal (nothing masked in it)
    outputs["explain raw.log"] = run_wizard("explain", str(record / "raw.log"), "-C", str(project), "-e", "dev", **{ci.name: ci.value}).stdout
    pasted = tmp_path / "pasted.txt"
    lines = [line for p in PLANTED for line in p.lines]
    pasted.write_text(
        "Provisioning Azure resources (azd provision)\n" + "\n".join(lines) + "\n"
        "ERROR: error executing step command 'provision': failed running post hooks: 'postprovision' hook failed "
        "with exit code: '3', Path: '/tmp/azd-postprovision-1.sh'. : exit code: 3, stdout: " + " ".join(lines) + ", stderr: \n",
        encoding="utf-8",
    )
    for args in ((), ("--json",)):
        shown = run_wizard("explain", str(pasted), *args, "-C", str(project), "-e", "dev", **{ci.name: ci.value})
        assert shown.returncode == 1, shown.stdout + shown.stderr  # it found the failure
        outputs[f"explain {' '.join(args)} of a pasted transcript"] = shown.stdout
    # the default environment is used when -e is not given
    outputs["explain without -e"] = run_wizard("explain", str(pasted), "-C", str(project), **{ci.name: ci.value}).stdout
    for where, text in outputs.items():
        assert_nothing_leaks(where, text)


async def until(pilot: Pilot[int], predicate: Callable[[], bool], limit: int = 6000) -> None:
    for _ in range(limit):
        if predicate():
            return
        await pilot.pause(0.01)
    raise AssertionError("the app never reached the expected state")


async def test_no_planted_secret_reaches_the_tui(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Log, Static

    from wizard.backends import BackendChoice
    from wizard.core.options import RunOptions
    from wizard.core.steps import StepId
    from wizard.tui.app import WizardApp
    from wizard.tui.screens.log import LogScreen
    from wizard.tui.widgets.failure_panel import FailurePanel

    project = planted_project(tmp_path)
    ci = process_env_secret()
    monkeypatch.setenv(ci.name, ci.value)
    options = RunOptions(project_dir=project, env_name="dev", yes=True)
    app = WizardApp(options, choice=BackendChoice(simulate=True, speed=0), autopilot=True, autopilot_delay=0, cursor_blink=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: app.state.failed_step is not None and not app.state.running)
        assert app.state.failed_step is not None and app.state.failed_step.id is StepId.PROVISION
        await pilot.pause()
        panel = app.screen.query_one(FailurePanel)
        assert_nothing_leaks("failure panel", str(panel.query_one("#failure-text", Static).render()))
        assert "postprovision" in screen_text(app)
        assert_nothing_leaks("failure screen", screen_text(app))
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LogScreen))
        log = app.screen.query_one("#log", Log)
        await until(pilot, lambda: log.line_count > 0)
        await pilot.pause(0.2)  # one flush tick of the log view
        shown = "\n".join(log.lines)
        assert "cloning with token ****" in shown  # the hook's lines are there, masked
        assert_nothing_leaks("log view lines", shown)
        assert "****" in screen_text(app)
        for _ in range(3):  # the visible text, at the end and after scrolling up
            assert_nothing_leaks("log screen", screen_text(app))
            await pilot.press("pageup")
        await pilot.press("s")
        saved = _record(project) / "log.txt"
        await until(pilot, saved.is_file)
        text = saved.read_text(encoding="utf-8")
        assert "value is **** (no name)" in text
        assert_nothing_leaks("saved log", text)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.return_code is not None)
    assert app.ui_errors == []
