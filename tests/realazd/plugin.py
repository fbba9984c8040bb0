"""pytest fixtures and the `real_azd` marker for tests that run the record build of azd.

* `record_azd` (session scope, one per version in `versions.SUPPORTED`, or `REAL_AZD_VERSIONS`
  as a comma list): the built binary; where Go is missing or the build cannot be had, the test is
  skipped with a one-line reason, unless `REAL_AZD_REQUIRED=1` (CI), where that is a failure.
* `replay`: makes `ReplaySession`s in the test's tmp_path and closes them (proxy threads joined)
  at teardown.

Every test using these fixtures gets the `real_azd` marker, so `pytest -m real_azd` runs them alone
and `-m "not real_azd"` leaves them out.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.realazd.build import AzdUnavailable, RecordAzd, ensure_record_azd
from tests.realazd.session import ReplaySession
from tests.realazd.versions import selected_versions

REQUIRED_VARIABLE = "REAL_AZD_REQUIRED"


@pytest.hookimpl(tryfirst=True)  # before `-m` selects on the marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"record_azd", "replay"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real_azd)


def required() -> bool:
    return os.environ.get(REQUIRED_VARIABLE, "") not in ("", "0", "false", "no")


_failures: dict[str, str] = {}


@pytest.fixture(scope="session", params=selected_versions(), ids=lambda v: f"azd{v}")
def record_azd(request: pytest.FixtureRequest) -> RecordAzd:
    version = request.param
    if version in _failures:  # one failed build is not retried by every test
        reason = _failures[version]
    else:
        try:
            return ensure_record_azd(version)
        except AzdUnavailable as unavailable:
            reason = _failures[version] = str(unavailable)
    if required():
        pytest.fail(f"{REQUIRED_VARIABLE} is set: {reason}")
    pytest.skip(reason)


@pytest.fixture
def replay(record_azd: RecordAzd, tmp_path: Path) -> Iterator[Callable[..., ReplaySession]]:
    sessions: list[ReplaySession] = []

    def start(**options: Any) -> ReplaySession:
        session = ReplaySession(record_azd, tmp_path / f"session{len(sessions)}", **options).start()
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()
