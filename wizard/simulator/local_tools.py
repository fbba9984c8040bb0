"""Simulated local tools for preflight (`ToolsLike`): azd, terraform 1.9.5, az, jq, bash, docker,
node/npm and Python 3.11 are "installed"; `az account show` matches the simulated subscription.

az is signed in or out as the simulated sign-in says (wizard/simulator/signin.py, shared with the
fake azd); `az login [--use-device-code] [--tenant T]` signs it in.

Environment: DEPLOY_WIZARD_SIM_SCENARIO (`not-logged-in`: signed out until a sign-in;
`terraform-missing`: no terraform; `quota`: little model quota), DEPLOY_WIZARD_SIM_SPEED (0 =
instant; > 0 adds small per-command delays so concurrent checks are visible).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from wizard.simulator import signin
from wizard.simulator.cloud import SCENARIO_ENV
from wizard.simulator.scenarios import DEFAULT_SCENARIO

SIM_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
SIM_TENANT = "11111111-1111-1111-1111-111111111111"
SIM_USER = "dev@contoso.example"
# Model quota per region (limit of every OpenAI model and SKU); regions not listed have 1000, the
# `quota` scenario 10 everywhere. A region missing the models entirely lists no entries for them.
REGION_LIMITS: dict[str, int | None] = {"westeurope": 20, "australiaeast": None}
INSTALLED = ("azd", "terraform", "az", "jq", "bash", "docker", "node", "npm", "npx", "python3", "python", "git")


# models the simulated region offers quota for (what public azd templates deploy)
SIMULATED_MODELS = ("gpt-4o", "gpt-4o-mini", "text-embedding-3-large", "gpt-realtime", "gpt-4o-transcribe",
                    "gpt-4.1", "gpt-4.1-mini", "gpt-5", "gpt-5-mini", "gpt-5.4", "o4-mini",
                    "text-embedding-3-small", "text-embedding-ada-002")

class SimulatedTools:
    def __init__(self, scenario: str | None = None, speed: float | None = None, root: Path | None = None) -> None:
        self.root = root  # the project: where the simulated sign-in is kept
        self.platform = sys.platform if sys.platform != "win32" else "linux"
        self.scenario = scenario or os.environ.get(SCENARIO_ENV, "").strip() or DEFAULT_SCENARIO
        try:
            self.speed = float(os.environ.get("DEPLOY_WIZARD_SIM_SPEED", "0") or 0) if speed is None else speed
        except ValueError:
            self.speed = 0.0
        self.calls: list[list[str]] = []

    def _installed(self) -> tuple[str, ...]:
        if self.scenario in ("terraform-missing", "missing-terraform"):
            return tuple(t for t in INSTALLED if t != "terraform")
        return INSTALLED

    def which(self, name: str) -> str | None:
        return f"/usr/local/bin/{name}" if name in self._installed() else None

    async def _delay(self, argv: list[str]) -> None:
        if self.speed > 0:
            # 0.2-0.8 s per command at speed 1, stable per command so runs look alike
            fraction = (zlib.crc32(" ".join(argv[:3]).encode()) % 60) / 100 + 0.2
            await asyncio.sleep(fraction * self.speed)

    async def run(self, argv: list[str], timeout: float) -> tuple[int, str]:
        self.calls.append(list(argv))
        await self._delay(argv)
        name = os.path.basename(argv[0]) if argv else ""
        args = argv[1:]
        if name not in self._installed() and not name.startswith("python"):
            return 127, f"{argv[0]}: command not found"
        if name == "terraform" and args[:1] == ["version"]:
            return 0, json.dumps({"terraform_version": "1.9.5", "platform": "linux_amd64", "terraform_outdated": False})
        if name == "az":
            return self._az(args)
        if name == "docker":
            return 0, "27.3.1\n"
        if name.startswith("python") and args[:1] == ["--version"]:
            return 0, "Python 3.11.9\n"
        if name.startswith("python") and args[:2] == ["-m", "pytest"]:
            return 0, "........................                                  [100%]\n24 passed in 0.42s\n"
        return 0, ""

    async def stream(self, argv: list[str], timeout: float, on_line: Callable[[str], None] | None,
                     cwd: Path | None = None) -> tuple[int, str]:
        code, out = await self.run(argv, timeout)
        if on_line is not None:
            for line in out.splitlines():
                on_line(line)
        return code, out

    def interactive(self, argv: list[str]) -> int:
        """Run in the terminal (the TUI is suspended): the simulated output goes to stdout."""
        code, out = asyncio.run(self.run(argv, 60))
        sys.stdout.write(out)
        sys.stdout.flush()
        return code

    def _az(self, args: list[str]) -> tuple[int, str]:
        if args[:1] == ["login"]:
            return self._az_login(args[1:])
        signed_out = not signin.signed_in(self.root, "az", self.scenario)
        if signed_out and args[:1] != ["version"]:
            return 1, "ERROR: Please run 'az login' to setup account.\n"
        if args[:2] == ["account", "show"]:
            return 0, json.dumps(
                {
                    "environmentName": "AzureCloud",
                    "id": SIM_SUBSCRIPTION,
                    "isDefault": True,
                    "name": "Simulated Subscription",
                    "state": "Enabled",
                    "tenantId": signin.account(self.root, "az")["tenant"],
                    "user": {"name": SIM_USER, "type": "user"},
                },
                indent=2,
            )
        if args[:2] == ["account", "set"]:
            return 0, ""
        if args[:2] == ["cognitiveservices", "usage"]:
            region = args[args.index("--location") + 1] if "--location" in args[:-1] else ""
            limit = 10 if self.scenario == "quota" else REGION_LIMITS.get(region, 1000)
            if limit is None:
                return 0, "[]"
            rows = [
                {"name": {"value": f"OpenAI.{sku}.{model}"}, "currentValue": 0, "limit": limit, "unit": "Count"}
                for sku in ("Standard", "GlobalStandard", "DataZoneStandard")
                for model in SIMULATED_MODELS
            ]
            return 0, json.dumps(rows)
        return 0, ""

    def _az_login(self, args: list[str]) -> tuple[int, str]:
        """`az login`: az's device-code line (it prints it on stderr, merged here), then signed in."""
        if self.root is None:
            return 1, "ERROR: the simulated sign-in is kept with a project; none was given\n"
        tenant = args[args.index("--tenant") + 1] if "--tenant" in args[:-1] else None
        lines = []
        if "--use-device-code" in args:
            lines.append(
                f"To sign in, use a web browser to open the page {signin.DEVICE_URL} and enter the code "
                f"{signin.DEVICE_CODE} to authenticate."
            )
        signin.sign_in(self.root, "az", tenant)
        lines.append(json.dumps([{"id": SIM_SUBSCRIPTION, "isDefault": True, "name": "Simulated Subscription",
                                  "tenantId": tenant or SIM_TENANT, "user": {"name": SIM_USER, "type": "user"}}],
                                indent=2))
        return 0, "\n".join(lines) + "\n"
