"""The front ends' choice of backend: the simulator, or the real azd (with the Azure SDK adapters).

`wizard.core` never names a backend; the command line and the TUI build one here from what the
user asked for (`BackendChoice`) and hand it to the engine. A third backend, the real azd replaying
one of azd's own recorded Azure sessions offline, is built by the tests' replay harness
(`tests/realazd`) from the same parts: the real azd's argv, the proxy's environment, and the real
SDK adapters.

Everything heavy is imported inside the factories, so importing this module costs nothing.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.backend import Backend

if TYPE_CHECKING:
    from wizard.core.ports import AzurePorts
    from wizard.core.preflight.model import ToolsLike

SIM_ENV_PREFIX = "DEPLOY_WIZARD_SIM_"
SIM_DEFAULT_LOCATION = "eastus2"
INSTALL_AZD = (
    "azd is not installed or not on PATH. Install it: "
    "curl -fsSL https://aka.ms/install-azd.sh | bash  (macOS: brew install azd; "
    "Windows: winget install microsoft.azd), or try the simulator: deploy-wizard demo"
)


@dataclass(frozen=True)
class BackendChoice:
    """What the user asked for on the command line (or the demo host picked in the TUI)."""

    simulate: bool = False
    scenario: str | None = None  # simulator scenario; None = happy
    speed: float | None = None  # simulator speed: 0 instant, 1 realistic
    sim_format: str | None = None  # simulator output format: current | legacy (pre-1.25 deploy)
    azd_path: str | None = None  # --azd PATH (real azd only)


def backend_for(choice: BackendChoice) -> Backend:
    """The backend the user asked for."""
    return simulator_backend(choice) if choice.simulate else azd_backend(choice.azd_path)


# -- the real azd ---------------------------------------------------------------------------------
class AzdNotFound(Exception):
    """`str()` says what is missing and how to install it."""


def resolve_azd(explicit: str | None) -> list[str]:
    """The azd executable to run: `--azd PATH`, else `azd` on PATH."""
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return [str(path)]
        found = shutil.which(explicit)
        if found:
            return [found]
        raise AzdNotFound(f"--azd {explicit}: no executable file there")
    found = shutil.which("azd")
    if not found:
        raise AzdNotFound(INSTALL_AZD)
    return [found]


def _real_ports(root: Path, env: str, values: Mapping[str, str]) -> AzurePorts:
    from wizard.azure import real_ports

    del root, env
    return real_ports(dict(values))


def azd_backend(azd_path: str | None = None, *, env: Mapping[str, str] | None = None, label: str = "azd") -> Backend:
    """The real azd (on PATH or `--azd`), and the real Azure SDK adapters (azd's sign-in)."""
    try:
        command, unavailable = tuple(resolve_azd(azd_path)), None
    except AzdNotFound as exc:
        command, unavailable = ("azd",), str(exc)
    return Backend(label=label, azd_command=command, azd_env=dict(env or {}), make_ports=_real_ports, unavailable=unavailable)


# -- the simulator --------------------------------------------------------------------------------
def simulator_command() -> list[str]:
    """argv prefix of the bundled azd simulator."""
    return [sys.executable, "-m", "wizard.simulator.azd"]


def simulator_backend(choice: BackendChoice) -> Backend:
    """The bundled azd simulator, its simulated cloud, and simulated local tools."""
    from wizard.simulator.scenarios import skipped_steps

    env = {k: v for k, v in os.environ.items() if k.startswith(SIM_ENV_PREFIX)}
    if choice.scenario:
        env[f"{SIM_ENV_PREFIX}SCENARIO"] = choice.scenario
    if choice.speed is not None:
        env[f"{SIM_ENV_PREFIX}SPEED"] = str(choice.speed)
    if choice.sim_format:
        env[f"{SIM_ENV_PREFIX}FORMAT"] = choice.sim_format
    scenario = choice.scenario

    def ports(root: Path, env_name: str, values: Mapping[str, str]) -> AzurePorts:
        from wizard.simulator.fakes import simulated_ports

        del values
        return simulated_ports(root, env_name, scenario=scenario)

    def tools() -> ToolsLike:
        from wizard.simulator.local_tools import SimulatedTools

        return SimulatedTools(scenario, choice.speed)

    from wizard.simulator.sandbox import SANDBOX_NOTE

    label = "simulator" + (f" (scenario {scenario})" if scenario else "")
    return Backend(
        label=label,
        azd_command=tuple(simulator_command()),
        azd_env=env,
        make_ports=ports,
        make_tools=tools,
        simulated=True,
        default_location=SIM_DEFAULT_LOCATION,
        poll_interval=0.0 if choice.speed == 0 else None,
        skipped_steps=skipped_steps(scenario),
        notes=(SANDBOX_NOTE,),
    )
