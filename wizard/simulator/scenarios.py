"""The simulator's scenarios: what each one makes go wrong, and the steps a demo of it skips.

Pure data, imported by the command line (its `--simulate`/`--scenario` choices), the simulator and
the demo host tools, so the names live in one place.
"""

from __future__ import annotations

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


# Steps a scenario's run leaves out, for the CLI demo and the TUI alike (step ids as strings: the
# simulator knows azd, not the wizard's plan).
SCENARIO_SKIPS: dict[str, frozenset[str]] = {
    "placeholder": frozenset({"deploy"}),  # provision only: verify then finds azd's placeholder image
}


def skipped_steps(name: str | None) -> frozenset[str]:
    """The steps a demo run of scenario `name` skips."""
    return SCENARIO_SKIPS.get(name or "happy", frozenset())
