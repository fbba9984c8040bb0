"""Simulated local tools for preflight (`ToolsLike`): azd, terraform 1.9.5, az, jq, bash, docker
and Python 3.11 are "installed"; `az account show` matches the simulated subscription.

Environment: DEPLOY_WIZARD_SIM_SCENARIO (`not-logged-in`: az is signed out; `terraform-missing`:
no terraform; `quota`: little model quota), DEPLOY_WIZARD_SIM_SPEED (0 = instant; > 0 adds small
per-command delays so concurrent checks are visible).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import zlib

SIM_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
SIM_TENANT = "11111111-1111-1111-1111-111111111111"
SIM_USER = "dev@contoso.example"
INSTALLED = ("azd", "terraform", "az", "jq", "bash", "docker", "python3", "python", "git")


# models the simulated region offers quota for (what public azd templates deploy)
SIMULATED_MODELS = ("gpt-4o", "gpt-4o-mini", "text-embedding-3-large", "gpt-realtime", "gpt-4o-transcribe",
                    "gpt-4.1", "gpt-4.1-mini", "gpt-5", "gpt-5-mini", "gpt-5.4", "o4-mini",
                    "text-embedding-3-small", "text-embedding-ada-002")

class SimulatedTools:
    def __init__(self, scenario: str | None = None, speed: float | None = None) -> None:
        self.platform = sys.platform if sys.platform != "win32" else "linux"
        self.scenario = scenario or os.environ.get("DEPLOY_WIZARD_SIM_SCENARIO", "happy") or "happy"
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

    async def stream(self, argv: list[str], timeout: float, on_line, cwd=None) -> tuple[int, str]:
        code, out = await self.run(argv, timeout)
        if on_line is not None:
            for line in out.splitlines():
                on_line(line)
        return code, out

    def _az(self, args: list[str]) -> tuple[int, str]:
        signed_out = self.scenario == "not-logged-in"
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
                    "tenantId": SIM_TENANT,
                    "user": {"name": SIM_USER, "type": "user"},
                },
                indent=2,
            )
        if args[:2] == ["account", "set"]:
            return 0, ""
        if args[:2] == ["cognitiveservices", "usage"]:
            limit = 10 if self.scenario == "quota" else 1000
            rows = [
                {"name": {"value": f"OpenAI.{sku}.{model}"}, "currentValue": 0, "limit": limit, "unit": "Count"}
                for sku in ("Standard", "GlobalStandard", "DataZoneStandard")
                for model in SIMULATED_MODELS
            ]
            return 0, json.dumps(rows)
        return 0, ""
