"""The simulated cloud: one JSON file per environment, shared by the fake azd and the fake adapters.

The fake `azd` (a separate process) and the wizard's fake SDK adapters (in the wizard's process)
read and write the same state, so what provision creates is what verify finds, what the phone
step buys is what teardown reports, and what `azd down` deletes is gone for everyone. Writes are
atomic (temp file + rename) under an advisory lock, so the two processes never see a torn file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wizard.simulator.scenarios import DEFAULT_SCENARIO, SCENARIOS

CLOUD_ENV = "DEPLOY_WIZARD_SIM_CLOUD"
SCENARIO_ENV = "DEPLOY_WIZARD_SIM_SCENARIO"
SPEED_ENV = "DEPLOY_WIZARD_SIM_SPEED"
FORMAT_ENV = "DEPLOY_WIZARD_SIM_FORMAT"

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
SUBSCRIPTION_NAME = "Contoso Dev (simulated)"
TENANT_ID = "11111111-1111-1111-1111-111111111111"
USER = "demo.user@contoso.example"
# The simulated account: its home tenant holds the default subscription; a guest tenant holds a
# second one, so the sign-in's tenant choice and the subscription picker have something to show.
GUEST_TENANT_ID = "22222222-2222-2222-2222-222222222222"
TENANTS: tuple[tuple[str, str, str], ...] = (  # id, name, default domain
    (TENANT_ID, "Contoso (simulated)", "contoso.example"),
    (GUEST_TENANT_ID, "Fabrikam (simulated guest)", "fabrikam.example"),
)
SUBSCRIPTIONS: tuple[tuple[str, str, str], ...] = (  # id, name, tenant
    (SUBSCRIPTION_ID, SUBSCRIPTION_NAME, TENANT_ID),
    ("33333333-3333-3333-3333-333333333333", "Fabrikam Sandbox (simulated)", GUEST_TENANT_ID),
)
PLACEHOLDER_IMAGE = "mcr.microsoft.com/azuredocs/containerapps-helloworld:latest"
# The number a demo host bought earlier: listed by the phone step, applied in the demo.
DEMO_NUMBER = "+14165551234"

LOCATIONS: tuple[tuple[str, str], ...] = (
    ("eastus2", "East US 2"),
    ("eastus", "East US"),
    ("westus3", "West US 3"),
    ("swedencentral", "Sweden Central"),
    ("westeurope", "West Europe"),
    ("canadacentral", "Canada Central"),
    ("australiaeast", "Australia East"),
)
LOCATION_NAMES = dict(LOCATIONS)

def scenario() -> str:
    value = os.environ.get(SCENARIO_ENV, "").strip() or DEFAULT_SCENARIO
    return value if value in SCENARIOS else DEFAULT_SCENARIO


def speed() -> float:
    try:
        value = float(os.environ.get(SPEED_ENV, "1") or "1")
    except ValueError:
        value = 1.0
    return max(0.0, value) * (3.0 if scenario() == "slow" else 1.0)


def cloud_dir(project_root: Path, env: str) -> Path:
    """Where an environment's simulated cloud lives: inside its own `.azure/<env>/` (a simulation
    changes nothing outside `.azure/`), unless DEPLOY_WIZARD_SIM_CLOUD names a folder."""
    raw = os.environ.get(CLOUD_ENV)
    return Path(raw) if raw else project_root / ".azure" / (env or "dev") / ".sim-cloud"


def token_for(env: str) -> str:
    """A stable 8-char resource token per environment (like the accelerator's random_string)."""
    return hashlib.sha256(f"{SUBSCRIPTION_ID}/{env}".encode()).hexdigest()[:8]


def fresh_state(env: str, name: str) -> dict[str, Any]:
    """A subscription before anything was provisioned; the scenario shapes it."""
    providers = {ns: "Registered" for ns in ("Microsoft.App", "Microsoft.CognitiveServices", "Microsoft.KeyVault",
                                             "Microsoft.AppConfiguration", "Microsoft.ContainerRegistry",
                                             "Microsoft.OperationalInsights", "Microsoft.ManagedIdentity",
                                             "Microsoft.Storage", "Microsoft.Cache", "Microsoft.DocumentDB",
                                             "Microsoft.Insights", "Microsoft.EventGrid")}
    providers["Microsoft.Communication"] = "NotRegistered" if name == "provider-unregistered" else "Registered"
    return {
        "env": env,
        "providers": providers,
        "resource_groups": {},  # name -> {"location": str, "resources": [resource dicts]}
        "apps": {},  # container app name -> app dict
        "phone_numbers": [],  # on the ACS resource (created by provision)
        "soft_deleted": [],  # resources deleted without purge
        "tf_state": {},  # address -> resource name (terraform state; survives only with its RG)
        "state_rg": None,  # the remote-state RG the preprovision hook creates, outside terraform
        "health_calls": 0,
    }


class Cloud:
    """Load-modify-save access to one environment's cloud state."""

    def __init__(self, directory: Path, env: str, scenario_name: str | None = None) -> None:
        self.directory = directory
        self.env = env
        self.scenario = scenario_name or scenario()
        self.path = directory / f"{env}.json"

    @contextlib.contextmanager
    def edit(self) -> Iterator[dict[str, Any]]:
        """Yield the state for changes; saved atomically on exit (under a cross-process lock)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / f".{self.env}.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = self._read()
                yield state
                tmp = self.path.with_suffix(f".tmp-{os.getpid()}")
                tmp.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
                os.replace(tmp, self.path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def read(self) -> dict[str, Any]:
        return self._read()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return fresh_state(self.env, self.scenario)
        return data if isinstance(data, dict) else fresh_state(self.env, self.scenario)

