"""The simulated sign-in: whether the fake azd and the simulated az are signed in, shared by every
process of a simulation (the fake azd, the wizard's simulated tools and ports).

It lives with the project's simulation, never in the user's home: in the simulator's cloud folder
when one is given (DEPLOY_WIZARD_SIM_CLOUD, the simulator's own temp dirs), else in the project's
`.azure/` (azd's own folder, git-ignored by azd). Until someone signs in, the scenario decides:
`not-logged-in` starts signed out, every other scenario signed in.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from wizard.simulator.cloud import CLOUD_ENV, TENANT_ID, USER, scenario

STATE_FILE = "simulator-signin.json"
TOOLS = ("azd", "az")
DEVICE_URL = "https://microsoft.com/devicelogin"
DEVICE_CODE = "SIMD3V1CE"


def signin_path(project_root: Path) -> Path:
    raw = os.environ.get(CLOUD_ENV)
    return (Path(raw) if raw else project_root / ".azure") / STATE_FILE


def _read(project_root: Path) -> dict[str, Any]:
    try:
        data = json.loads(signin_path(project_root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def signed_in(project_root: Path | None, tool: str = "azd", scenario_name: str | None = None) -> bool:
    """Whether `tool` (azd or az) is signed in for this project's simulation."""
    name = scenario_name or scenario()
    if project_root is None:
        return name != "not-logged-in"
    entry = _read(project_root).get(tool)
    if isinstance(entry, dict) and "signed_in" in entry:
        return bool(entry["signed_in"])
    return name != "not-logged-in"


def account(project_root: Path | None, tool: str = "azd") -> dict[str, str]:
    """Who is signed in: {"user", "tenant"} (the simulated defaults until someone signs in)."""
    entry = _read(project_root).get(tool) if project_root is not None else None
    entry = entry if isinstance(entry, dict) else {}
    return {"user": str(entry.get("user") or USER), "tenant": str(entry.get("tenant") or TENANT_ID)}


def sign_in(project_root: Path, tool: str, tenant: str | None = None) -> None:
    """Record a successful `azd auth login` / `az login` (atomically: other processes read it)."""
    if tool not in TOOLS:
        raise ValueError(f"unknown tool {tool!r}")
    path = signin_path(project_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _read(project_root)
    data[tool] = {"signed_in": True, "user": USER, "tenant": tenant or TENANT_ID}
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
