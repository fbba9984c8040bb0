"""Helpers for tests: run the real CLI as a subprocess and inspect what it left; fake Azure ports
and the accelerator's azure.yaml for the in-process engine tests (phone, verify)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from wizard.core.ports import AzurePorts, ContainerAppInfo, PhoneNumber, PhoneSearchResult

WIZARD = [sys.executable, "-m", "wizard"]


def wizard_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AZURE_ENV_NAME", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    env["DEPLOY_WIZARD_SIM_SPEED"] = "0"
    env.update(extra)
    return env


def run_wizard(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WIZARD, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=wizard_env(**env),
        stdin=subprocess.DEVNULL,
    )


def last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def summaries(project: Path, env: str = "dev") -> list[dict[str, Any]]:
    runs = project / ".azure" / env / "wizard" / "runs"
    found = []
    for folder in sorted(runs.iterdir()) if runs.is_dir() else []:
        path = folder / "summary.json"
        if path.is_file():
            found.append(json.loads(path.read_text()))
    return found


STEP_STATUSES = {"pending", "running", "done", "failed", "skipped", "cancelled"}


def assert_summary_schema(summary: dict[str, Any]) -> None:
    """The design's schema: {"ok", "env", "steps": [{"id","status","started","finished","targets","failure"}]}."""
    assert isinstance(summary["ok"], bool)
    assert isinstance(summary["env"], str)
    assert isinstance(summary["steps"], list) and summary["steps"]
    for step in summary["steps"]:
        assert set(step) >= {"id", "status", "started", "finished", "targets", "failure"}
        assert step["status"] in STEP_STATUSES
        assert isinstance(step["targets"], list)
        for target in step["targets"]:
            assert isinstance(target["id"], str) and ":" in target["id"]
        failure = step["failure"]
        if failure is not None:
            assert set(failure) >= {"target", "cause", "fix", "evidence"}
            assert isinstance(failure["evidence"], list)


def processes_mentioning(text: str) -> list[int]:
    """pids whose command line contains `text` (e.g. a test's unique project path)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


def survivors(text: str, within: float = 2.0) -> list[int]:
    """Processes still mentioning `text` after a bounded wait (SIGKILL lands asynchronously)."""
    import time

    deadline = time.monotonic() + within
    while (found := processes_mentioning(text)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return found


def tree_state(folder: Path) -> dict[str, float]:
    """Every file and its mtime, to prove a command changed nothing."""
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in sorted(folder.rglob("*"))}


# -- fake Azure ports -----------------------------------------------------------------------------

VOICE_AGENT_YAML = """\
name: voice-agent
infra:
  provider: terraform
  path: ./infra/terraform
services:
  rtaudio-client:
    project: apps/frontend
    language: js
    host: containerapp
{frontend_docker}  rtaudio-server:
    project: .
    language: docker
    host: containerapp
    docker:
      path: ./apps/backend/Dockerfile
"""


def voice_agent_yaml(frontend_docker_path: str | None = None) -> str:
    """The accelerator's azure.yaml (frontend + backend Container Apps), with or without a frontend docker path."""
    docker = f"    docker:\n      path: {frontend_docker_path}\n" if frontend_docker_path else ""
    return VOICE_AGENT_YAML.format(frontend_docker=docker)


class FakeApps:
    """The Container Apps port over a fixed list; restarts are recorded, listing or restarting can fail."""

    def __init__(
        self,
        apps: list[ContainerAppInfo] | None = None,
        *,
        list_error: Exception | None = None,
        restart_error: Exception | None = None,
    ) -> None:
        self.apps = apps or []
        self.list_error = list_error
        self.restart_error = restart_error
        self.restarted: list[tuple[str, str, str]] = []

    def list_apps(self, resource_group: str) -> list[ContainerAppInfo]:
        if self.list_error:
            raise self.list_error
        return [a for a in self.apps if a.resource_group == resource_group]

    def restart_revision(self, resource_group: str, app: str, revision: str) -> None:
        if self.restart_error:
            raise self.restart_error
        self.restarted.append((resource_group, app, revision))


class FakePhones:
    """The phone-numbers port: owned numbers, searches that offer `available`, purchases and releases."""

    def __init__(self, numbers: list[PhoneNumber] | None = None, *, available: tuple[str, ...] = ("+18335550100",), agreement: bool = False) -> None:
        self.numbers = list(numbers or [])
        self.available = available
        self.agreement = agreement
        self.searches: list[tuple[str, str, str | None]] = []
        self.purchases: list[tuple[str, dict[str, object]]] = []
        self.released: list[str] = []
        self._pending: dict[str, tuple[str, ...]] = {}

    def list_numbers(self) -> list[PhoneNumber]:
        return list(self.numbers)

    def search(self, country: str, number_type: str, area_code: str | None) -> PhoneSearchResult:
        self.searches.append((country, number_type, area_code))
        search_id = f"search-{len(self.searches)}"
        self._pending[search_id] = self.available
        return PhoneSearchResult(search_id, self.available, "2.00 USD", "2026-01-01T00:10:00", self.agreement)

    def purchase(self, search_id: str, **kwargs: object) -> None:
        self.purchases.append((search_id, kwargs))
        self.numbers += [PhoneNumber(n) for n in self._pending.pop(search_id)]

    def release(self, number: str) -> None:
        self.released.append(number)
        self.numbers = [n for n in self.numbers if n.number != number]


class FakeGroups:
    """The resources port, as far as verify needs it: the groups azd tagged for the env hold the apps."""

    def __init__(self, apps: FakeApps) -> None:
        self.apps = apps

    def resource_groups_tagged(self, tag: str, value: str) -> list[str]:
        if self.apps.list_error:  # an auth failure fails every ARM call alike
            raise self.apps.list_error
        return sorted({a.resource_group for a in self.apps.apps})

    def resource_group_exists(self, resource_group: str) -> bool:
        return resource_group in self.resource_groups_tagged("azd-env-name", "")


def fake_ports(apps: FakeApps, *, http: Any = None, phones: FakePhones | None = None) -> AzurePorts:
    """An AzurePorts bundle of fakes; the ports a test does not reach stay None (a call would fail loudly)."""
    return AzurePorts(
        container_apps=apps,
        http=http,
        phone_numbers_for=(lambda endpoint: phones) if phones is not None else None,
        subscriptions=None,  # type: ignore[arg-type]
        providers=None,  # type: ignore[arg-type]
        resources=FakeGroups(apps),  # type: ignore[arg-type]
    )
