"""The real `deploy-wizard demo` in a pseudo-terminal, read as a terminal emulator draws it.

A few long flows, each sharing one spawned wizard across its asserts: what the person sees
(the log's last visible line against raw.log, which field has focus, whole names in the
tables, the footer's keys), waited for on the screen, never with sleeps.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from tests.terminal.conftest import Spawn, demo_folder, raw_log
from tests.terminal.pty_terminal import Screen, TerminalApp
from wizard.core.lock import pid_alive

pytestmark = pytest.mark.slow

RESOURCE = "azurerm_log_analytics_workspace/main"  # the longest resource name of the sample
LONG_CHECKS = ("Resource providers registered", "Apps deployed (not placeholder)")


# -- reading the screen --------------------------------------------------------------------------
def log_region(screen: Screen) -> list[str]:
    """The step log's lines as drawn: below its status line, above the footer (scrollbars cut)."""
    top = next(y for y, line in enumerate(screen.lines) if "● following" in line or "‖ paused" in line)
    rows = [line[:-3].rstrip() for line in screen.lines[top + 1 : -1]]  # minus the scrollbar
    while rows and all("\u2580" <= ch <= "\u259f" for ch in rows[-1].strip()):  # blank, or a scrollbar
        rows.pop()
    return rows


def last_log_line(screen: Screen) -> str:
    """The last non-blank line the log shows."""
    return next((ln.strip() for ln in reversed(log_region(screen)) if ln.strip()), "")


def status_line(screen: Screen) -> str:
    return next(line.strip() for line in screen.lines if "● following" in line or "‖ paused" in line)


def stream_end(project: Path) -> str:
    """The last non-blank line of the run's raw.log (the stream as it was recorded)."""
    return next(ln.strip() for ln in reversed(raw_log(project)) if ln.strip())


def shows_stream_end(screen: Screen, last: str) -> bool:
    """The log's last visible line is the stream's last line (cut at the screen's edge)."""
    shown = last_log_line(screen).removeprefix("» ")
    return bool(shown) and last.startswith(shown)


def same_place(shown: list[str], held: list[str]) -> bool:
    """The log shows the lines it showed from the same top line (its height may have changed)."""
    rows = min(len(shown), len(held))
    return rows > 3 and shown[:rows] == held[:rows]


def table_row(screen: Screen, name: str) -> str:
    row = next((line for line in screen.lines if name in line), None)
    assert row is not None, f"no row shows {name!r} whole:\n{screen.text}"
    return row


def start_new_environment(app: TerminalApp) -> Screen:
    app.wait_for(lambda s: s.has("Project  what was found") and s.footer_keys().get("n") == "Next", "the project screen")
    app.press("n")
    app.wait_for(lambda s: s.focused_field() == "dev", "the new environment's name has focus")
    app.press("ctrl+n")
    return app.wait_for(lambda s: s.has("Preflight  known traps") and s.footer_keys().get("n") == "Next", "preflight passes")


def run_streamed_step(app: TerminalApp, step: str, title: str) -> Screen:
    app.press("n")
    app.wait_for_text(f"Start {step} (g)")
    app.press("g")
    return app.wait_for(lambda s: s.has(f"✓ {title}") and s.footer_keys().get("n") == "Next", f"{step} finishes")


# -- flows ---------------------------------------------------------------------------------------
def test_happy_demo_at_120x40_follow_pause_search_filter_focus_names_and_footer(spawn: Spawn, tmp_path: Path) -> None:
    app = spawn("demo", size=(120, 40), speed=0.2)
    project = app.wait_for_text("Continue to environment")
    assert {"n": "Next", "^c": "Quit", "l": "Log"}.items() <= project.footer_keys().items()

    preflight = start_new_environment(app)
    for title in LONG_CHECKS:  # whole, not "Resource providers registere"
        table_row(preflight, title)

    # Provision: the log follows while it streams; `f` pauses it where it is.
    app.press("n")
    app.wait_for_text("Start provision (g)")
    app.press("g")
    streaming = app.wait_for(lambda s: s.has("● Provision") and len(log_region(s)) >= 10, "provision streams")
    assert streaming.footer_keys()["c"] == "Cancel"
    app.press("f")
    paused = app.wait_for(lambda s: "‖ paused" in status_line(s), "the log pauses")
    held = log_region(paused)
    count = int(status_line(paused).split()[2])
    later = app.wait_for(lambda s: int(status_line(s).split()[2]) > count + 20, "more lines arrive while paused")
    assert same_place(log_region(later), held), f"a paused log moved: {held[:3]} became {log_region(later)[:3]}"
    done = app.wait_for(lambda s: s.has("✓ Provision") and s.has("Next (n)"), "provision finishes")
    assert same_place(log_region(done), held), "a paused log moved when its step ended"
    app.press("f")
    stream = stream_end(demo_folder(tmp_path))
    followed = app.wait_for(lambda s: "● following" in status_line(s) and shows_stream_end(s, stream), "following again shows the newest line")
    assert "SUCCESS: Your application was provisioned" in "\n".join(log_region(followed)[-4:])

    # The rows: whole names, and a finished hook is not "Running".
    assert f"resource {RESOURCE}" in table_row(followed, RESOURCE)
    hook = table_row(followed, "hook preprovision")
    assert "✓" in hook and "Running" not in hook, hook

    # Search: only matching lines; Esc-free Enter applies it; x clears it.
    app.press("slash")
    app.wait_for(lambda s: s.focused_field() is not None, "the search field has focus")
    app.type("Creation complete")
    app.press("enter")
    searched = app.wait_for(lambda s: "search: Creation complete" in status_line(s), "the search applies")
    lines = [ln for ln in log_region(searched) if ln.strip()]
    assert lines and all("Creation complete" in ln for ln in lines), lines
    app.press("x")
    app.wait_for(lambda s: "search:" not in status_line(s) and shows_stream_end(s, stream), "x clears the search")

    # Filter: Enter on a row shows that target's lines only.
    app.press_until("tab", lambda s: s.highlighted("hook preprovision"), "the target table has focus")
    app.press("enter")
    filtered = app.wait_for(lambda s: "filter: hook preprovision" in status_line(s), "Enter on the first row filters the log")
    assert not any("azurerm_" in ln for ln in log_region(filtered)), "lines of other targets under a hook's filter"
    app.press("x")
    app.wait_for(lambda s: "filter:" not in status_line(s) and shows_stream_end(s, stream), "x clears the filter")

    # Deploy streams and ends on azd's SUCCESS line.
    deployed = run_streamed_step(app, "deploy", "Deploy")
    stream = stream_end(demo_folder(tmp_path))
    app.wait_for(lambda s: shows_stream_end(s, stream), "the deploy log shows the stream's last line")
    assert "service webchat-demo" in table_row(deployed, "service webchat-demo")

    # Phone: the number field has focus on arrival; Enter with it empty skips.
    app.press("n")
    phone = app.wait_for(lambda s: s.has("Phone  voice calls") and s.focused_field() is not None, "the phone field has focus")
    assert "optional" in (phone.focused_field() or "")
    assert "g" not in phone.footer_keys(), "g is listed while it types into the field"
    app.type("+1416")
    app.wait_for(lambda s: s.focused_field() == "+1416", "typed digits land in the phone field")
    app.press(*["backspace"] * 5)
    app.wait_for(lambda s: "optional" in (s.focused_field() or ""), "the field is empty again")
    app.press("enter")
    app.wait_for_text("Telephony disabled")

    app.press("n")
    verified = app.wait_for(lambda s: s.has("✓ Verify") and s.footer_keys().get("n") == "Next", "verify passes")
    assert verified.has("rtaudio-client: Container App rtagent-frontend-"), "a verify check's name is wrapped or cut"
    app.press("n")
    app.wait_for(lambda s: s.has("✓ Summary") or s.has("Summary  "), "the summary")
    app.press("ctrl+q")
    assert app.wait_exit() == 0


def test_failure_at_80x24_names_the_service_whole_and_the_full_log_ends_on_the_stream(spawn: Spawn, tmp_path: Path) -> None:
    app = spawn("demo", "--scenario", "missing-tag", size=(80, 24))
    start_new_environment(app)
    provisioned = run_streamed_step(app, "provision", "Provision")
    stream = stream_end(demo_folder(tmp_path))
    app.wait_for(lambda s: shows_stream_end(s, stream), "the provision log follows to its end at 80x24")
    assert RESOURCE in "\n".join(provisioned.lines) or provisioned.has("hook preprovision")
    app.press("n")
    app.wait_for_text("Start deploy (g)")
    app.press("g")
    failed = app.wait_for(lambda s: s.has("✗ Deploy") and s.footer_keys().get("r") == "Retry", "deploy fails, r retries")
    assert failed.has("service webchat-demo"), failed.text
    # The full log (l) ends on the stream's last line, too.
    app.press("l")
    stream = stream_end(demo_folder(tmp_path))
    app.wait_for(
        lambda s: s.has("Full log") and s.footer_keys().get("esc") == "Back" and shows_stream_end(s, stream),
        "the full log shows the newest line",
    )
    app.press("escape")
    app.wait_for(lambda s: s.has("✗ Deploy"), "back on the failed step")


def test_cancel_then_teardown_at_120x40(spawn: Spawn, tmp_path: Path) -> None:
    app = spawn("demo", "--scenario", "hang", size=(120, 40))
    start_new_environment(app)
    run_streamed_step(app, "provision", "Provision")
    app.press("n")
    app.wait_for_text("Start deploy (g)")
    app.press("g")
    app.wait_for(lambda s: s.has("● Deploy") and s.has("Publishing"), "deploy hangs while publishing")
    app.press("c")
    asked = app.wait_for_text("Cancel Deploy?")
    assert asked.has("Keep running (n)")
    app.press("y")
    app.wait_for(lambda s: s.has("⊘ Deploy") and s.footer_keys().get("r") == "Retry", "deploy is cancelled")
    # Teardown from the command palette: the plan, then the typed confirmation.
    app.press("ctrl+p")
    app.wait_for(lambda s: s.has("Search for commands"), "the command palette opens")
    app.type("teardown")
    app.wait_for_text("Start teardown")
    app.press("enter")
    plan = app.wait_for(lambda s: s.focused_field() == "type dev to confirm", "teardown asks for the name, the field has focus")
    assert plan.has("rg-rtagent-dev")
    app.type("dev")
    app.press("enter")
    app.wait_for(lambda s: s.has("✓ Teardown"), "teardown finishes", timeout=90)


def test_after_kill_9_the_next_start_names_the_running_azd_and_stops_it_on_request(spawn: Spawn, tmp_path: Path) -> None:
    project = tmp_path / "project"
    first = spawn("demo", "--scenario", "hang", "-C", str(project))
    start_new_environment(first)
    run_streamed_step(first, "provision", "Provision")
    first.press("n")
    first.wait_for_text("Start deploy (g)")
    first.press("g")
    first.wait_for(lambda s: s.has("● Deploy") and s.has("webchat-demo: Publishing"), "deploy hangs while publishing")
    azd = json.loads((project / ".azure" / "dev" / "wizard" / "lock").read_text())["azd"]
    os.kill(first.process.pid, signal.SIGKILL)  # the wizard alone, as `kill -9 <pid>` does
    assert first.wait_exit() == -signal.SIGKILL
    assert pid_alive(azd["pid"]), "azd runs in a process group of its own: it outlives the wizard"

    second = spawn("demo", "--scenario", "hang", "-C", str(project))
    second.wait_for(lambda s: s.footer_keys().get("n") == "Next", "the project screen")
    second.press("n")
    second.wait_for(lambda s: s.highlighted("dev"), "the existing environment is selected")
    second.press("u")
    asked = second.wait_for_text("An azd from an interrupted run is still running")
    assert asked.has(f"(pid {azd['pid']})") and not asked.has("another deploy-wizard"), asked.text
    assert asked.has("Wait for it (w)") and asked.has("Stop it (s)")
    second.press("s")
    second.wait_for(lambda s: s.has("✓ Environment › ") and s.has("Preflight  known traps"), "stopped; the run goes on")
    assert not pid_alive(azd["pid"], azd["pid_start"])
