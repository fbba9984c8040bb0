"""The headless flow end to end: the real CLI, the real runner, the simulator executable."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import (
    WIZARD,
    assert_summary_schema,
    last_line,
    processes_mentioning,
    run_wizard,
    summaries,
    survivors,
    wizard_env,
)

STEPS = ["environment", "preflight", "provision", "deploy", "phone", "verify"]


def test_demo_plain_happy_path_reports_all_six_steps(tmp_path: Path) -> None:
    project = tmp_path / "p"
    result = run_wizard("demo", "--plain", "-C", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    for step in STEPS:
        assert f"] {step.title()}" in result.stdout
    assert "all steps done" in last_line(result.stdout)
    [summary] = summaries(project)
    assert_summary_schema(summary)
    assert summary["ok"] is True
    assert [s["id"] for s in summary["steps"]] == STEPS
    statuses = {s["id"]: s["status"] for s in summary["steps"]}
    assert statuses["phone"] == "skipped"  # no number given: telephony disabled, said so
    assert "telephony is disabled" in result.stdout
    assert all(statuses[s] == "done" for s in STEPS if s != "phone")


def test_missing_tag_names_deploy_and_the_service(tmp_path: Path) -> None:
    project = tmp_path / "p"
    result = run_wizard("demo", "--plain", "--scenario", "missing-tag", "-C", str(project))
    assert result.returncode == 1, result.stdout + result.stderr
    line = last_line(result.stdout)
    assert line.startswith("deploy failed:")
    assert "webchat-demo" in line
    [summary] = summaries(project)
    assert_summary_schema(summary)
    deploy = next(s for s in summary["steps"] if s["id"] == "deploy")
    assert deploy["status"] == "failed"
    assert deploy["failure"]["target"] == "service:webchat-demo"
    assert any("azd-service-name" in line for line in deploy["failure"]["evidence"])


def test_hang_interrupted_with_sigint_exits_130_and_leaves_nothing_running(tmp_path: Path) -> None:
    project = tmp_path / "hang-project"
    proc = subprocess.Popen(
        [*WIZARD, "demo", "--plain", "--scenario", "hang", "-C", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=wizard_env(),
        stdin=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if "] Deploy" in line:
            break
        assert time.monotonic() < deadline, "".join(seen)
    # wait until the simulator's deploy is really running
    while not [p for p in processes_mentioning(str(project)) if p != proc.pid]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=10)
    assert proc.returncode == 130, "".join(seen) + rest
    assert time.monotonic() - started < 5
    assert "deploy cancelled" in last_line(rest)
    assert survivors(str(project)) == []
    [summary] = summaries(project)
    deploy = next(s for s in summary["steps"] if s["id"] == "deploy")
    assert deploy["status"] == "cancelled"
    assert not (project / ".azure" / "dev" / "wizard" / "lock").exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_are_handled_like_cancel(tmp_path: Path, sig: signal.Signals) -> None:
    project = tmp_path / f"p-{sig.name}"
    proc = subprocess.Popen(
        [*WIZARD, "demo", "--plain", "--scenario", "hang", "-C", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=wizard_env(),
        stdin=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "] Deploy" in line:
            break
    time.sleep(0.5)
    proc.send_signal(sig)
    proc.communicate(timeout=15)
    assert proc.returncode == 130
    assert survivors(str(project)) == []
    assert not (project / ".azure" / "dev" / "wizard" / "lock").exists()
    [summary] = summaries(project)
    assert summary["status"] == "cancelled"


def test_github_actions_groups_annotations_and_step_summary(tmp_path: Path) -> None:
    project = tmp_path / "p"
    step_summary = tmp_path / "summary.md"
    result = run_wizard(
        "demo", "--plain", "--scenario", "missing-tag", "-C", str(project),
        GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(step_summary),
    )
    assert result.returncode == 1
    assert "::group::[4/6] Deploy" in result.stdout
    assert "::endgroup::" in result.stdout
    error = next(ln for ln in result.stdout.splitlines() if ln.startswith("::error "))
    assert error.startswith("::error title=deploy failed::service:webchat-demo: ")
    table = step_summary.read_text()
    assert "| deploy | failed |" in table and "service:webchat-demo" in table


def test_resume_from_a_step_reuses_the_environment(tmp_path: Path) -> None:
    project = tmp_path / "p"
    first = run_wizard("demo", "--plain", "--scenario", "placeholder", "-C", str(project))
    assert first.returncode in (0, 1)
    again = run_wizard("run", "--plain", "--simulate", "-C", str(project), "--from", "deploy")
    assert again.returncode == 0, again.stdout + again.stderr
    latest = summaries(project)[-1]
    statuses = {s["id"]: s["status"] for s in latest["steps"]}
    assert statuses["preflight"] == "skipped" and statuses["provision"] == "skipped"
    assert statuses["deploy"] == "done" and statuses["verify"] == "done"


def test_report_lists_runs_with_their_diagnosis(tmp_path: Path) -> None:
    project = tmp_path / "p"
    run_wizard("demo", "--plain", "--scenario", "missing-tag", "-C", str(project))
    text = run_wizard("report", "-C", str(project))
    assert text.returncode == 0
    assert "deploy failed: service:webchat-demo" in text.stdout
    data = json.loads(run_wizard("report", "--json", "--last", "-C", str(project)).stdout)
    [run] = data["environments"]["dev"]
    assert run["status"] == "failed" and run["failing_step"] == "deploy"
    assert run["failure"]["target"] == "service:webchat-demo"


def test_kill_9_leaves_raw_log_and_its_azd_running_which_the_next_start_names_then_resume(tmp_path: Path) -> None:
    project = tmp_path / "p"
    proc = subprocess.Popen(
        [*WIZARD, "demo", "--plain", "--scenario", "hang", "-C", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=wizard_env(),
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert proc.stdout is not None
    lock_path = project / ".azure" / "dev" / "wizard" / "lock"
    for line in proc.stdout:
        if "] Deploy" in line:
            break
    runs = project / ".azure" / "dev" / "wizard" / "runs"
    deadline = time.monotonic() + 30
    while "webchat-demo: Publishing" not in "".join(p.read_text() for p in runs.glob("*/raw.log")):
        assert time.monotonic() < deadline, "azd deploy never reached its hang"  # (a kill before would
        time.sleep(0.05)  # close the pipe azd still writes to, and azd would die of it)
    azd = json.loads(lock_path.read_text())["azd"]
    os.killpg(proc.pid, signal.SIGKILL)  # the wizard's group; azd runs in a group of its own
    proc.wait(timeout=10)
    try:
        raw = next(runs.glob("*/raw.log")).read_text()
        assert "azd provision" in raw and "azd deploy" in raw
        assert "deploy --all" in (azd["command"] or "")
        # The next start names the azd that is still running, not the dead wizard, and says how
        # to wait for it or stop it.
        busy = run_wizard("run", "--plain", "--simulate", "-C", str(project), "--steps", "environment")
        assert busy.returncode == 2, busy.stdout + busy.stderr
        said = busy.stdout + busy.stderr
        assert "another deploy-wizard" not in said
        assert f"still running (pid {azd['pid']}, process group {azd['pgid']})" in said
        assert f"kill -INT -- -{azd['pgid']}" in said
        os.killpg(azd["pgid"], signal.SIGINT)  # the command it gave
        assert survivors(str(project), within=10) == []
        again = run_wizard("run", "--plain", "--simulate", "-C", str(project), "--steps", "environment")
        assert again.returncode == 0, again.stdout + again.stderr
        assert "interrupted during deploy" in again.stdout
        assert "deploy-wizard run --from deploy" in again.stdout
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(azd["pgid"], signal.SIGKILL)
