"""The simulator's scenarios: what each one makes go wrong, and the steps a demo of it skips.

Pure data, imported by the command line (its `--simulate`/`--scenario` choices), the simulator and
the demo host tools, so the names live in one place.
"""

from __future__ import annotations

DEFAULT_SCENARIO = "happy"  # no fault: a BackendChoice carries it as None (`backend_scenario`)

SCENARIOS: dict[str, str] = {
    "happy": "everything works",
    "missing-tag": "webchat-demo's Container App lacks the azd-service-name tag: deploy fails",
    "not-logged-in": "azd and az are signed out: preflight stops before anything runs",
    "quota": "the gpt-4o deployment hits InsufficientQuota during provision",
    "provider-unregistered": "Microsoft.Communication is not registered (preflight can fix it)",
    "hook-failure": "the postprovision hook calls a script that does not exist (exit 127)",
    "placeholder": "provision only: the apps keep the placeholder image, verify says deploy is next",
    "flood": "provision streams 100 000 lines of terraform output",
    "hang": "deploy never ends until it is cancelled",
    "slow": "every step takes three times as long",
    "health-flaky": "the backend health endpoint fails a few times before it answers",
}


# Scenarios whose failure comes from the project's own files: a copy of the sample for one of these
# is changed on disk (sample.py says how), so picking one or leaving it lays down a fresh copy.
SCENARIOS_ON_DISK: frozenset[str] = frozenset({"missing-tag", "hook-failure"})


def backend_scenario(name: str | None) -> str | None:
    """The scenario a backend choice carries: None for the default one (or none given)."""
    return None if not name or name == DEFAULT_SCENARIO else name


def scenario_label(name: str | None) -> str:
    """A backend choice's scenario by name, the default one included."""
    return name or DEFAULT_SCENARIO


# Steps a scenario's run leaves out, for the CLI demo and the TUI alike (step ids as strings: the
# simulator knows azd, not the wizard's plan).
SCENARIO_SKIPS: dict[str, frozenset[str]] = {
    "placeholder": frozenset({"deploy"}),  # provision only: verify then finds azd's placeholder image
}


def skipped_steps(name: str | None) -> frozenset[str]:
    """The steps a demo run of scenario `name` skips."""
    return SCENARIO_SKIPS.get(scenario_label(name), frozenset())
