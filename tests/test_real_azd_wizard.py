"""The wizard drives the real azd (record build) on azd's own recorded Azure session.

`--plain` and a Pilot run of the TUI go through environment (the cassette's name and
subscription), preflight, provision, deploy, verify and teardown; injected failures and a cancel
go through the wizard's diagnosis. The wizard's own Azure SDK and HTTP reads go through the same
proxy: they read the recorded state without using up azd's answers (tests/realazd/proxy.py), and
the few the recording cannot answer are listed below. With `REAL_AZD_RECORDS=<dir>` the end-to-end
runs' records (raw.log, events.jsonl, summary.json) are copied to `<dir>/<azd version>/<label>/`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.realazd import mutations
from tests.realazd.session import ReplaySession
from tests.test_real_azd_failures import SCENARIOS

# The wizard's own reads that azd never made, so no recording can answer them (each is a warning
# or an "unknown" in the wizard, never a failure): provider registration states, the subscription
# list, soft-deleted resources (teardown's purge check).
UNRECORDED_WIZARD_READS = (
    re.compile(r"/subscriptions/[^/]+/providers/Microsoft\.\w+\?api-version="),
    re.compile(r"/subscriptions\?api-version="),
    re.compile(r"/providers/Microsoft\.\w+/deleted\w+\?api-version="),
)
# Interactions of the cassette that azd 1.25.1+ never asks for, with the wizard as without it:
# extension registries of the recording machine's extra sources, two repeated look-ups, and the
# test harness's own probe of the app.
NEVER_ASKED = {15, 18, 19, 20, 141, 147, 148, 149, 168, 171, 172, 173}


def wizard(session: ReplaySession, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args, "-C", str(session.project_dir), "-e", session.env_name,
         "--azd", str(session.azd.path)],
        env=session.env, cwd=session.project_dir, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=timeout,
    )


def run_args(session: ReplaySession) -> tuple[str, ...]:
    return ("run", "--plain", "--create", "--subscription", session.subscription_id, "--location",
            session.location, "--yes")


def runs(session: ReplaySession) -> list[Path]:
    folder = session.project_dir / ".azure" / session.env_name / "wizard" / "runs"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def last_run(session: ReplaySession) -> Path:
    """The run finished last (run ids of one second sort by their random part)."""
    return max(runs(session), key=lambda run: (run / "summary.json").stat().st_mtime_ns)


def summary_of(run: Path) -> dict[str, Any]:
    return json.loads((run / "summary.json").read_text(encoding="utf-8"))


def steps_of(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["id"]: step for step in summary["steps"]}


def unexpected_misses(session: ReplaySession) -> list[str]:
    """azd's misses (none is allowed) and the wizard's that are not listed as unrecordable."""
    return [str(m) for m in session.misses
            if m.client == "azd" or not any(p.search(m.url) for p in UNRECORDED_WIZARD_READS)]


def keep_records(session: ReplaySession, label: str) -> None:
    target = os.environ.get("REAL_AZD_RECORDS")
    if not target:
        return
    for run in runs(session):
        destination = Path(target) / session.azd.module.version / label / run.name
        destination.mkdir(parents=True, exist_ok=True)
        for name in ("raw.log", "events.jsonl", "summary.json"):
            if (run / name).is_file():
                shutil.copy2(run / name, destination / name)


def assert_timed(step: dict[str, Any]) -> None:
    assert step["started"] and step["finished"] and step["finished"] >= step["started"], step


def test_plain_run_and_teardown_drive_real_azd_end_to_end(replay) -> None:
    session = replay(mutate=mutations.quick_build_log)
    flow = wizard(session, *run_args(session))
    assert flow.returncode == 0, flow.stdout + flow.stderr
    assert flow.stdout.rstrip().endswith("deploy-wizard: all steps done")
    [run] = runs(session)
    summary = summary_of(run)
    steps = steps_of(summary)
    assert summary["ok"] is True and summary["backend"] == "azd" and summary["simulated"] is False
    assert {k: s["status"] for k, s in steps.items()} == {
        "environment": "done", "preflight": "done", "provision": "done", "deploy": "done", "verify": "done",
    }  # no phone step: the recorded app has no telephony
    assert [s["failure"] for s in steps.values()] == [None] * len(steps)
    for step in steps.values():
        assert_timed(step)
    assert summary["environment"] == {"name": session.env_name, "location": session.location,
                                      "subscription": session.subscription_id}
    # the rows are what real azd reported: the service it deployed (no resource lines: the record
    # build runs with provision progress off), and the app verify found, on the recorded image
    assert [(t["id"], t["status"]) for t in steps["deploy"]["targets"]] == [("service:app", "done")]
    assert steps["provision"]["targets"] == []
    # no rows is not "no changes": azd said it provisioned (its progress display was off)
    assert steps["provision"]["detail"] == "azd listed no resources", steps["provision"]["detail"]
    # preflight cannot list the subscriptions (the recording never did): signin.match says it could
    # not check, as a warning, never a pass
    preflight = {t["id"]: t for t in steps["preflight"]["targets"]}
    assert preflight["check:signin.match"]["status"] == "warning", preflight["check:signin.match"]
    assert "could not check that azd's sign-in sees subscription" in preflight["check:signin.match"]["detail"]
    checks = {c["id"]: c for c in summary["verify"]["checks"]}
    # real azd's just-deployed app is still starting: verify's warnings are counted as warnings
    counted = {key: sum(c["status"] == status for c in checks.values())
               for key, status in (("passed", "pass"), ("warned", "warn"), ("failed", "fail"), ("skipped", "skip"))}
    assert counted["warned"] > 0 and summary["verify"]["counts"] == counted
    assert steps["verify"]["detail"] == f"{counted['passed']} passed, {counted['warned']} warned, 0 failed" + (
        f", {counted['skipped']} skipped" if counted["skipped"] else "")
    assert f"  verify: {steps['verify']['detail']}" in flow.stdout
    assert checks["exists:app"]["status"] == "pass" and "app-w7djqs5ah3wpg" in checks["exists:app"]["title"]
    assert checks["image:app"]["detail"].endswith("/webapp/app-azdtest-d23239f:azd-deploy-1775762551")
    assert summary["endpoints"]["app"] == "https://app-w7djqs5ah3wpg.wittyhill-8a009f22.eastus2.azurecontainerapps.io"
    raw = (run / "raw.log").read_text(encoding="utf-8")
    for real_line in ("SUCCESS: Your application was provisioned in Azure",
                      "Deploying services (azd deploy)", "  app: Publishing (Running remote build)",
                      "- Endpoint: https://app-w7djqs5ah3wpg.wittyhill-8a009f22.eastus2.azurecontainerapps.io/",
                      "SUCCESS: Your application was deployed to Azure"):
        assert real_line in raw, real_line

    down = wizard(session, "teardown", "--plain", "--confirm", session.env_name)
    assert down.returncode == 0, down.stdout + down.stderr
    # the recording cannot answer the soft-deleted lookups (azd never made them): each is said to be
    # not checked, with Azure's answer and the az command, and nothing claims "nothing left behind"
    assert "Nothing left behind." not in down.stdout
    assert "Not checked (so something may be left behind):" in down.stdout
    teardown_run = runs(session)[-1]
    teardown = summary_of(teardown_run)
    assert teardown["ok"] is True and teardown["leftovers"] == []
    assert [(u["what"], u["why"], u["command"]) for u in teardown["unchecked"]] == [
        ("soft-deleted Key Vaults", "HTTP 400 requested interaction not found",
         "az keyvault list-deleted --resource-type vault -o table"),
        ("soft-deleted App Configuration stores", "HTTP 400 requested interaction not found",
         "az appconfig list-deleted -o table"),
        ("soft-deleted Cognitive Services / AI Foundry accounts", "HTTP 400 requested interaction not found",
         "az cognitiveservices account list-deleted -o table"),
    ]
    for item in teardown["unchecked"]:
        assert f"check by hand: {item['command']}" in down.stdout
    assert "3 lookups could not run" in steps_of(teardown)["teardown"]["detail"]
    assert steps_of(teardown)["teardown"]["status"] == "done"
    assert_timed(steps_of(teardown)["teardown"])
    assert ("resource:Resource group/rg-azdtest-d23239f", "done") in [
        (t["id"], t["status"]) for t in steps_of(teardown)["teardown"]["targets"]]
    raw = (teardown_run / "raw.log").read_text(encoding="utf-8")
    assert "(✓) Done: Deleted resource group rg-azdtest-d23239f" in raw

    assert unexpected_misses(session) == []
    assert {i.id for i in session.proxy.unused()} == NEVER_ASKED  # azd asked for all the rest
    assert session.processes() == []
    keep_records(session, "plain")


LOOKUP_FAULTS = {  # the wizard's teardown lookup Azure refuses -> (path, status, code, message, what is named)
    "resources-400": (r"/resourcegroups/rg-azdtest-d23239f/resources$", 400, "BadRequest",
                      "The request could not be processed.", "the resources in rg-azdtest-d23239f"),
    "groups-403": (r"/resourcegroups$", 403, "AuthorizationFailed",
                   "The client does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/read'.",
                   "the resource groups tagged azd-env-name=azdtest-d23239f"),
}


@pytest.mark.parametrize("fault", sorted(LOOKUP_FAULTS))
def test_teardown_names_a_lookup_azure_refuses_and_still_runs_azd_down(replay, fault: str) -> None:
    """Azure answers one of the wizard's teardown lookups with an HTTP error: the plan and the step say
    which lookup failed, Azure's status, code and message, and the az command to look by hand; azd
    down still runs (it finds its resources itself) and the exit code is azd down's; no traceback."""
    path, status, code, message, what = LOOKUP_FAULTS[fault]
    session = replay(mutate=mutations.quick_build_log)
    assert wizard(session, *run_args(session)).returncode == 0
    session.proxy.fail_reads("GET", path, status, code, message)
    plan = wizard(session, "teardown", "--plain")  # no --confirm: the plan only
    assert plan.returncode == 2 and "Traceback" not in plan.stderr, plan.stdout + plan.stderr
    assert f"could not check {what}: HTTP {status} {code}: {message.rstrip('.')}; check by hand: az " in plan.stdout
    assert "Nothing to delete" not in plan.stdout

    down = wizard(session, "teardown", "--plain", "--confirm", session.env_name)
    assert "Traceback" not in down.stderr, down.stderr
    assert down.returncode == 0, down.stdout + down.stderr
    assert "(✓) Done: Deleted resource group rg-azdtest-d23239f" in (last_run(session) / "raw.log").read_text(encoding="utf-8")
    [warning] = [line for line in down.stdout.splitlines() if f"could not check {what}" in line and "azd down still runs" in line]
    assert f"HTTP {status} {code}: {message.rstrip('.')}; check by hand: az " in warning
    teardown = summary_of(last_run(session))
    assert steps_of(teardown)["teardown"]["status"] == "done"
    if fault == "groups-403":  # the leftover lookup after azd down is the same listing: not checked either
        assert what in [u["what"] for u in teardown["unchecked"]]
    assert "Nothing left behind." not in down.stdout
    assert [str(m) for m in session.proxy.misses_of("azd")] == []
    assert session.processes() == []


WIZARD_VERDICTS = {  # scenario -> (run teardown too, failed step, target (a pattern), words of the title)
    "insufficient-quota": (False, "provision", None, "quota"),
    "policy-disallowed": (False, "provision", r"resource:acrw7djqs5ah3wpg", "Azure Policy"),
    "remote-build-refused": (False, "deploy", r"service:app", "remote builds"),
    # Azure's error names the group by its ARM type, azd's line by its display name: the failure
    # takes the id of the row the teardown step shows
    "resource-group-locked": (True, "teardown", r"resource:Resource group/rg-azdtest-d23239f", "could not be deleted"),
    "sign-in-refused": (False, "preflight", r"check:signin\.azd", "signed in"),
}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_plain_names_the_step_target_and_cause_of_real_failures(replay, scenario) -> None:
    teardown, step, target, words = WIZARD_VERDICTS[scenario.name]

    def mutate(cassette) -> None:
        mutations.quick_build_log(cassette)
        if scenario.mutate is not None:
            scenario.mutate(cassette)

    session = replay(mutate=mutate, token_refusal=scenario.token_refusal)
    done = wizard(session, *run_args(session))
    if teardown:
        assert done.returncode == 0, done.stdout + done.stderr
        done = wizard(session, "teardown", "--plain", "--confirm", session.env_name)
    assert done.returncode == 1, done.stdout + done.stderr
    summary = summary_of(runs(session)[-1])
    failure = steps_of(summary)[step]["failure"]
    assert steps_of(summary)[step]["status"] == "failed"
    assert (failure["target"] is None) if target is None else re.fullmatch(target, failure["target"] or ""), failure
    assert words in failure["title"] and failure["cause"] and failure["fix"]
    rows = steps_of(summary)[step]["targets"]
    if failure["target"] and failure["target"].startswith("resource:") and rows:
        # the failed row is the failure's target, and no second row names the same resource
        assert [r["id"] for r in rows if r["status"] == "failed"] == [failure["target"]], rows
    assert not failure["title"].startswith("Unrecognised")
    assert done.stdout.rstrip().splitlines()[-1].startswith(f"{step} failed: ")
    assert [str(m) for m in session.proxy.misses_of("azd")] == []
    assert session.processes() == []


def test_cancel_mid_provision_stops_the_wizard_and_real_azd(replay) -> None:
    session = replay()
    poll = session.cassette.first("GET", "/operationStatuses/")
    hold = session.proxy.hold(poll.id)
    process = subprocess.Popen(
        [sys.executable, "-m", "wizard", *run_args(session), "-C", str(session.project_dir), "-e",
         session.env_name, "--azd", str(session.azd.path)],
        env=session.env, cwd=session.project_dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert hold.reached.wait(300), "azd never polled the deployment"
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    finally:
        hold.release()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, output
    assert output.rstrip().splitlines()[-1].startswith("provision cancelled")
    assert session.processes() == []  # azd, and everything it started, is gone
    provision = steps_of(summary_of(runs(session)[-1]))["provision"]
    assert provision["status"] == "cancelled"
    assert not (session.project_dir / ".azure" / session.env_name / "wizard" / "lock").exists()
