"""Shared fixtures: a fresh copy of the sample project, instant simulator speed, and a hermetic
environment: nothing of the user's terminal, locale, time zone, Azure or azd settings, or current
folder changes a result, and the run fails if it leaves a process behind.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ("tests.realazd.plugin",)

SUITE_ROOT = Path(__file__).resolve().parent.parent
if str(SUITE_ROOT) not in sys.path:  # `tests.*` imports must not depend on the current folder
    sys.path.insert(0, str(SUITE_ROOT))

from tests.leftovers import MARKER, describe, kill_marked, survivors  # noqa: E402

# What the user's shell may set that changes what the wizard, Textual or Rich draw or do.
UNSET = ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "CLICOLOR", "CLICOLOR_FORCE", "TEXTUAL", "TEXTUAL_THEME",
         "TEXTUAL_ANIMATIONS", "TEXTUAL_SMOOTH_SCROLL", "TEXTUAL_SPEEDUPS", "TEXTUAL_DRIVER", "TEXTUAL_FPS",
         "AZURE_ENV_NAME", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "LANGUAGE", "LC_CTYPE", "LC_MESSAGES",
         "LC_TIME", "LC_NUMERIC")
UNSET_PREFIXES = ("AZD_", "AZURE_", "ARM_", "DEPLOY_WIZARD_")
FIXED = {"TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC"}


def hermetic_signals() -> None:
    """A shell that starts the suite in the background (`make test &`) leaves SIGINT and SIGQUIT
    ignored, and children inherit that: azd and the test's children would then ignore the cancel's
    SIGINT. The suite's processes get the default dispositions a terminal gives them."""
    for sig, handler in ((signal.SIGINT, signal.default_int_handler), (signal.SIGQUIT, signal.SIG_DFL)):
        if signal.getsignal(sig) == signal.SIG_IGN:
            signal.signal(sig, handler)


hermetic_signals()


def hermetic_environment(environ: dict[str, str] | os._Environ[str]) -> None:
    """Make `environ` the suite's own: the user's settings out, fixed values in."""
    for name in [n for n in environ if n in UNSET or n.startswith(UNSET_PREFIXES)]:
        del environ[name]
    environ.update(FIXED)
    environ["DEPLOY_WIZARD_SIM_SPEED"] = "0"


hermetic_environment(os.environ)
time.tzset()
# Every process this test process starts inherits the marker (see tests/leftovers.py).
os.environ[MARKER] = f"{os.environ.get('PYTEST_XDIST_TESTRUNUID', 'run')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def _hermetic(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts in an empty folder of its own, whatever the folder pytest was started in."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(scope="session", autouse=True)
def _no_process_left_behind() -> Iterator[None]:
    """Fail the run if any process it started is still alive at the end (then end them)."""
    yield
    left = survivors(os.environ[MARKER])
    if left:
        listing = describe(left)
        kill_marked(os.environ[MARKER])
        pytest.fail(f"the test run left {len(left)} process(es) running:\n{listing}", pytrace=False)


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    from wizard.simulator.sample import copy_sample

    return copy_sample(tmp_path / "project")
