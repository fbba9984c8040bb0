"""What the engine talks to, chosen by a front end and handed to the engine.

A backend is the azd the engine runs (its argv prefix and the extra environment of its children),
the Azure adapters beyond azd (`ports`), the local tools preflight probes, and what the front end
should say about it. The simulator, the real azd and the real azd replaying a recorded session
are all built outside `wizard.core` (`wizard.backends`, the tests' replay harness); the engine
only sees this dataclass, so it never names one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.core.ports import AzurePorts
    from wizard.core.preflight.model import ToolsLike

PortsFactory = Callable[[Path, str, Mapping[str, str]], "AzurePorts | None"]
ToolsFactory = Callable[[Path], "ToolsLike"]  # project root -> the tools preflight probes


@dataclass(frozen=True)
class Backend:
    """Everything the engine needs from the outside world, and nothing it has to choose."""

    label: str  # shown in run headers and summary.json: "azd", "simulator", …
    azd_command: tuple[str, ...]  # argv prefix that runs azd
    azd_env: Mapping[str, str] = field(default_factory=dict)  # added to every azd child's environment
    make_ports: PortsFactory | None = None  # (project root, env name, env values) -> Azure adapters
    make_tools: ToolsFactory | None = None  # preflight's local tools; None: this machine's
    simulated: bool = False
    unavailable: str | None = None  # why azd cannot run here (not installed, bad --azd); steps refuse
    default_location: str | None = None  # used for a new environment when nothing else gives one
    poll_interval: float | None = None  # verify's health polls; None: verify's own default
    skipped_steps: frozenset[str] = frozenset()  # steps this backend cannot play (a demo scenario's)
    notes: tuple[str, ...] = ()  # said before the first step: what is simulated, and how

    def ports(self, root: Path, env: str, values: Mapping[str, str]) -> AzurePorts | None:
        """The Azure adapters for one environment; None when there are none (no SDK, no sign-in)."""
        if self.make_ports is None:
            return None
        try:
            return self.make_ports(root, env, values)
        except Exception:  # SDK missing or no credentials: the steps say what they could not check
            return None

    def tools(self, root: Path) -> ToolsLike | None:
        """The local tools for one project; None: this machine's (preflight's RealTools)."""
        return self.make_tools(root) if self.make_tools is not None else None
