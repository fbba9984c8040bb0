"""Real azd meets real-shaped Azure failures, injected into a copy of the cassette at test time.

Each scenario runs the recorded sequence up to the command that fails, checks that the commands
before it succeed and that azd prints the injected Azure error, and keeps what azd printed as a
diagnosis fixture (`tests/fixtures/real-azd/failures/<version>/<scenario>.txt`, header: what was
injected). The remote build's idle log polls are dropped (mutations.quick_build_log) so the
scenarios that pass through deploy do not sleep 85 s.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.realazd import mutations
from tests.realazd.cassette import Cassette
from tests.realazd.identity import TokenRefusal
from tests.realazd.session import Run
from tests.test_real_azd import FIXTURES, check_fixture, recorded_sequence


@dataclass(frozen=True)
class Scenario:
    name: str
    fails_at: str  # the command of recorded_sequence() that fails
    expect: tuple[str, ...]  # what azd's output must say
    mutate: Callable[[Cassette], str] | None = None
    token_refusal: TokenRefusal | None = None


SCENARIOS = (
    Scenario("insufficient-quota", "provision", ("InsufficientQuota", "cae-"),
             mutate=mutations.deployment_fails_insufficient_quota),
    Scenario("policy-disallowed", "provision", ("RequestDisallowedByPolicy", "Resource 'acr"),
             mutate=mutations.validation_denied_by_policy),
    Scenario("remote-build-refused", "deploy", ("TasksOperationsNotAllowed", "scheduleRun"),
             mutate=mutations.schedule_run_refused),
    Scenario("resource-group-locked", "down", ("409", "ScopeLocked", "rg-"),
             mutate=mutations.resource_group_delete_conflict),
    Scenario("sign-in-refused", "provision", ("AADSTS700082",), token_refusal=TokenRefusal()),
)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_real_azd_prints_the_injected_failure(replay, scenario: Scenario) -> None:
    injected: list[str] = []

    def mutate(cassette: Cassette) -> None:
        mutations.quick_build_log(cassette)
        if scenario.mutate is not None:
            injected.append(scenario.mutate(cassette))

    session = replay(mutate=mutate, token_refusal=scenario.token_refusal)
    if scenario.token_refusal is not None:
        injected.append(f"the remote-credential token endpoint answers status error {scenario.token_refusal.code}")
    run: Run | None = None
    for name, args in recorded_sequence(session):
        run = session.run(*args)
        if name == scenario.fails_at:
            break
        assert run.returncode == 0, f"{name} before the failure:\n{run.stdout}\n{run.stderr}"
    assert run is not None and run.returncode != 0
    output = run.stdout + run.stderr
    assert [text for text in scenario.expect if text not in output] == []
    assert [str(m) for m in session.misses] == []
    path = FIXTURES / "failures" / session.azd.module.version / f"{scenario.name}.txt"
    check_fixture(path, session, run, injected="; ".join(injected))


def test_cancel_mid_provision_stops_azd_and_its_children(replay) -> None:
    """SIGINT to azd's process group while the ARM deployment runs (its status poll held back)."""
    session = replay()
    assert session.run("env", "new", session.env_name, "--no-prompt").returncode == 0
    poll = session.cassette.first("GET", "/operationStatuses/")
    hold = session.proxy.hold(poll.id)
    process = subprocess.Popen(
        session.argv("provision", "--no-prompt"), cwd=session.project_dir, env=session.env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    try:
        assert hold.reached.wait(120), "azd never polled the deployment"
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        hold.release()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode != 0
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing of azd's group is left
    assert "Creating/Updating resources" in stdout and "SUCCESS" not in stdout
    run = Run(("provision", "--no-prompt"), process.returncode, stdout, stderr, 0.0)
    injected = (f"SIGINT to azd's process group while ARM deployment {session.env_name}-{session.cassette.clock} "
                "runs (its status poll held back)")
    check_fixture(FIXTURES / "failures" / session.azd.module.version / "cancel-mid-provision.txt",
                  session, run, injected=injected)
