"""The real azd (record build) replays azd's own recorded Azure session offline, with no miss.

The cassette `Test_CLI_Up_Down_ContainerApp_RemoteBuild` was recorded as `env new` (the test types
the name into `init`), `provision`, `deploy --cwd src/app`, `down --force --purge`; this runs
exactly that on each supported azd version and keeps what azd printed as fixtures
(`tests/fixtures/real-azd/<version>/`, regenerated with `REAL_AZD_UPDATE_FIXTURES=1`).
A later replay must print the same, up to elapsed times.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.realazd import mutations, transcript
from tests.realazd.session import ReplaySession, Run

FIXTURES = Path(__file__).parent / "fixtures" / "real-azd"
UPDATE = os.environ.get("REAL_AZD_UPDATE_FIXTURES", "") not in ("", "0")


def recorded_sequence(session: ReplaySession) -> list[tuple[str, tuple[str, ...]]]:
    service_dir = session.project_dir / "src" / session.recording.service
    return [
        ("env-new", ("env", "new", session.env_name, "--no-prompt")),
        ("provision", ("provision", "--no-prompt")),
        ("deploy", ("deploy", "--no-prompt", "--cwd", str(service_dir))),
        ("down", ("down", "--force", "--purge", "--no-prompt")),
    ]


def header(session: ReplaySession, run: Run, injected: str = "none") -> dict[str, str]:
    return {
        "azd": f"{session.azd.module.version} (record build, commit {session.azd.module.commit})",
        "cassette": f"{session.recording.cassette}.yaml (sample {session.recording.sample})",
        "command": transcript.comparable("azd " + " ".join(run.args), session.root),
        "exit code": str(run.returncode),
        "injected": injected,
    }


def check_fixture(path: Path, session: ReplaySession, run: Run, injected: str = "none") -> None:
    """Same output as the kept fixture (elapsed times and temporary paths aside); write it if asked."""
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"{path.relative_to(FIXTURES.parent.parent)} is missing: run with REAL_AZD_UPDATE_FIXTURES=1")
        transcript.write(path, header(session, run, injected), run.stdout, run.stderr)
        return
    kept = transcript.read(path)
    assert transcript.comparable(run.stdout, session.root) == transcript.comparable(kept.stdout, Path("<none>"))
    assert transcript.comparable(run.stderr, session.root) == transcript.comparable(kept.stderr, Path("<none>"))
    assert kept.header["exit code"] == str(run.returncode)


def test_replays_the_recorded_session_without_a_miss(replay, record_property) -> None:
    session = replay()
    for number, (name, args) in enumerate(recorded_sequence(session), 1):
        run = session.run(*args)
        record_property(f"{name}_seconds", run.seconds)
        assert run.returncode == 0, f"azd {' '.join(args)}:\n{run.stdout}\n{run.stderr}"
        assert [str(m) for m in session.misses] == []
        check_fixture(FIXTURES / session.azd.module.version / f"{number:02d}-{name}.txt", session, run)
    assert session.proxy.passthrough == []
    cassette = session.cassette
    replayed = set(session.proxy.served())
    must_replay = [
        cassette.first("PUT", f"/deployments/{cassette.env_name}-{cassette.clock}"),  # provision
        cassette.first("POST", "/scheduleRun"),  # deploy: the remote build
        cassette.first("PATCH", "/containerApps/"),  # deploy: the new revision
        cassette.first("DELETE", f"/resourcegroups/rg-{cassette.env_name}"),  # down
    ]
    assert [i.id for i in must_replay if i.id not in replayed] == []
    bicep = session.bicep_calls()
    assert [call[0] for call in bicep[:2]] == ["build", "snapshot"]


def test_quick_build_log_changes_nothing_but_elapsed_times(replay, record_property) -> None:
    """Dropping the idle log polls (mutations.quick_build_log) leaves azd's deploy lines as they were."""
    dropped: list[str] = []
    session = replay(mutate=lambda cassette: dropped.append(mutations.quick_build_log(cassette)))
    runs = {name: session.run(*args) for name, args in recorded_sequence(session)[:3]}
    assert [name for name, run in runs.items() if run.returncode != 0] == []
    assert session.misses == []
    assert [i.id for i in session.proxy.unused() if "/logs/" in i.key.path] == []  # every kept poll served
    record_property("quick_deploy_seconds", runs["deploy"].seconds)
    kept = transcript.read(FIXTURES / session.azd.module.version / "03-deploy.txt")
    assert transcript.comparable(runs["deploy"].stdout, session.root) == transcript.comparable(kept.stdout)
    assert dropped and not dropped[0].startswith("remote build log: 0 ")
