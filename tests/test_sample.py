"""The bundled sample project and its copier (wizard.simulator.sample)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest

from wizard.core.project import load_project
from wizard.simulator.sample import SAMPLE_ROOT, copy_sample, reset_sample
from wizard.simulator.scenarios import SCENARIOS, SCENARIOS_ON_DISK

HOOKS = ("preprovision.sh", "postprovision.sh")
SERVICES = {"rtaudio-client", "rtaudio-server", "webchat-demo"}
SH = shutil.which("sh")


def _tf_files(root: Path) -> list[Path]:
    return sorted((root / "infra" / "terraform").glob("*.tf"))


def _literal_service_tags(root: Path) -> set[str]:
    """azd-service-name values that are literal strings in the container apps' tag maps."""
    found = set()
    for path in _tf_files(root):
        with path.open(encoding="utf-8") as fh:
            doc = hcl2.load(fh)
        for block in doc.get("resource", []):
            for rtype, by_name in block.items():
                if rtype.strip('"') != "azurerm_container_app":
                    continue
                for spec in by_name.values():
                    tags = spec.get("tags")
                    if isinstance(tags, dict):
                        for key, value in tags.items():
                            if key.strip('"') == "azd-service-name":
                                found.add(str(value).strip('"'))
    return found


def _run_hook(root: Path, name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert SH is not None
    return subprocess.run(
        [SH, f"devops/scripts/azd/{name}", *(["terraform"] if name == "preprovision.sh" else [])],
        cwd=root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        timeout=30,
    )


@pytest.fixture
def happy(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "happy")


def test_copy_into_empty_dir_and_refuse_non_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert copy_sample(empty) == empty
    assert (empty / "azure.yaml").is_file()
    assert (empty / ".gitignore").is_file()
    with pytest.raises(ValueError, match="not empty"):
        copy_sample(empty)
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    with pytest.raises(ValueError):
        copy_sample(other)
    assert (other / "keep.txt").read_text() == "mine"


def test_copy_refuses_destination_inside_the_bundled_sample() -> None:
    with pytest.raises(ValueError):
        copy_sample(SAMPLE_ROOT / "nested-copy")
    assert not (SAMPLE_ROOT / "nested-copy").exists()


def test_copy_skips_generated_files(tmp_path: Path) -> None:
    dest = copy_sample(tmp_path / "c")
    assert not (dest / "infra" / "terraform" / "backend.tf").exists()
    assert not list(dest.rglob("__pycache__"))


def test_reset_wipes_a_sample_copy_only(tmp_path: Path) -> None:
    dest = copy_sample(tmp_path / "c", "missing-tag")
    (dest / "stray.txt").write_text("x")
    reset_sample(dest)
    assert not (dest / "stray.txt").exists()
    assert _literal_service_tags(dest) == SERVICES
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "azure.yaml").write_text("name: something-else\n")
    with pytest.raises(ValueError, match="refusing"):
        reset_sample(foreign)
    assert (foreign / "azure.yaml").exists()
    assert reset_sample(tmp_path / "fresh") == tmp_path / "fresh"
    with pytest.raises(ValueError):
        reset_sample(SAMPLE_ROOT)
    assert (SAMPLE_ROOT / "azure.yaml").is_file()


@pytest.mark.parametrize("scenario", [None, *sorted(SCENARIOS_ON_DISK)])
def test_every_tf_file_parses(tmp_path: Path, scenario: str | None) -> None:
    dest = copy_sample(tmp_path / "c", scenario)
    files = _tf_files(dest)
    assert {p.name for p in files} >= {
        "provider.tf",
        "variables.tf",
        "main.tf",
        "containers.tf",
        "outputs.tf",
    }
    for path in files:
        with path.open(encoding="utf-8") as fh:
            assert isinstance(hcl2.load(fh), dict), path


def test_outputs_and_tfvars(happy: Path) -> None:
    with (happy / "infra" / "terraform" / "outputs.tf").open(encoding="utf-8") as fh:
        outputs = {name.strip('"') for block in hcl2.load(fh)["output"] for name in block}
    assert {
        "AZURE_RESOURCE_GROUP",
        "AZURE_CONTAINER_REGISTRY_ENDPOINT",
        "AZURE_CONTAINER_APPS_ENVIRONMENT_ID",
        "AZURE_APPCONFIG_ENDPOINT",
        "ACS_ENDPOINT",
        "ACS_RESOURCE_NAME",
        "AZURE_OPENAI_ENDPOINT",
        "AZURE_KEY_VAULT_NAME",
        "FRONTEND_CONTAINER_APP_NAME",
        "BACKEND_CONTAINER_APP_NAME",
        "WEBCHAT_CONTAINER_APP_NAME",
        "FRONTEND_CONTAINER_APP_FQDN",
        "BACKEND_CONTAINER_APP_FQDN",
        "BACKEND_API_URL",
        "FRONTEND_URL",
    } == outputs
    tfvars = (happy / "infra" / "terraform" / "main.tfvars.json").read_text()
    assert "${AZURE_ENV_NAME}" in tfvars and "${AZURE_LOCATION}" in tfvars


@pytest.mark.parametrize("scenario", [None, "hook-failure"])
def test_hooks_have_shebang_lf_and_mode_755(tmp_path: Path, scenario: str | None) -> None:
    dest = copy_sample(tmp_path / "c", scenario)
    for name in HOOKS:
        path = dest / "devops" / "scripts" / "azd" / name
        data = path.read_bytes()
        assert data.startswith(b"#!/bin/sh\n"), name
        assert b"\r" not in data, name
        assert path.stat().st_mode & 0o777 == 0o755, name


def test_azure_yaml_loads_with_three_services(happy: Path) -> None:
    project = load_project(happy)
    assert project.name == "voice-agent-sample"
    assert project.infra.provider == "terraform"
    assert {s.name for s in project.services} == SERVICES
    assert all(s.host == "containerapp" and s.remote_build for s in project.services)
    assert project.service("rtaudio-server").docker_path == "./apps/rtagent/backend/Dockerfile"
    for name in ("preprovision", "postprovision"):
        hook = project.hook(name)
        assert hook is not None and hook.shell == "sh" and hook.interactive
        script = project.hook_script_path(hook)
        assert script is not None and script.is_file()


def test_missing_tag_scenario_hides_the_webchat_tag(tmp_path: Path, happy: Path) -> None:
    assert _literal_service_tags(happy) == SERVICES
    broken = copy_sample(tmp_path / "mt", "missing-tag")
    assert _literal_service_tags(broken) == SERVICES - {"webchat-demo"}
    containers = (broken / "infra" / "terraform" / "containers.tf").read_text()
    assert 'tags = jsondecode(file("${path.module}/webchat-tags.json"))' in containers
    assert '"webchat-demo"' not in re.sub(r'name\s*=\s*"webchat-demo"', "", containers)
    tags = (broken / "infra" / "terraform" / "webchat-tags.json").read_text()
    assert "azd-env-name" in tags and "azd-service-name" not in tags


def test_unknown_scenario_gives_unchanged_copy(tmp_path: Path) -> None:
    dest = copy_sample(tmp_path / "c", "quota-exceeded")
    for src in (SAMPLE_ROOT / "infra" / "terraform").glob("*.tf"):
        assert (dest / "infra" / "terraform" / src.name).read_bytes() == src.read_bytes().replace(
            b"\r\n", b"\n"
        )


@pytest.mark.skipif(SH is None, reason="needs a POSIX sh")
def test_preprovision_fails_without_answers(happy: Path) -> None:
    result = _run_hook(happy, "preprovision.sh", {})
    assert result.returncode != 0
    assert "AZURE_ENV_NAME is not set" in result.stderr

    result = _run_hook(happy, "preprovision.sh", {"AZURE_ENV_NAME": "dev"})
    assert result.returncode != 0
    assert "Enter Azure location" in result.stdout
    assert "Could not resolve AZURE_LOCATION" in result.stderr

    result = _run_hook(
        happy, "preprovision.sh", {"AZURE_ENV_NAME": "dev", "AZURE_LOCATION": "eastus2"}
    )
    assert result.returncode != 0
    assert "Use these values? [Y]es / [n]o (use local state) / [e]xisting:" in result.stdout
    assert "No answer received (stdin is not a terminal)" in result.stderr
    assert not (happy / "infra" / "terraform" / "backend.tf").exists()


@pytest.mark.skipif(SH is None, reason="needs a POSIX sh")
@pytest.mark.parametrize("flag", ["TF_INIT_SKIP_INTERACTIVE", "LOCAL_STATE"])
def test_preprovision_succeeds_when_told_not_to_prompt(happy: Path, flag: str) -> None:
    env = {flag: "true", "AZURE_LOCATION": "eastus2", "AZURE_ENV_NAME": "dev"}
    result = _run_hook(happy, "preprovision.sh", env)
    assert result.returncode == 0, result.stderr
    assert "Pre-provisioning complete!" in result.stdout
    backend = happy / "infra" / "terraform" / "backend.tf"
    with backend.open(encoding="utf-8") as fh:
        assert '"local"' in str(hcl2.load(fh)["terraform"])


@pytest.mark.skipif(SH is None, reason="needs a POSIX sh")
def test_preprovision_remote_state_needs_all_rs_values(happy: Path) -> None:
    base = {"AZURE_LOCATION": "eastus2", "AZURE_ENV_NAME": "dev", "RS_RESOURCE_GROUP": "rg-state"}
    result = _run_hook(happy, "preprovision.sh", base)
    assert result.returncode == 1
    assert "Remote state variables not fully configured" in result.stderr
    full = {**base, "RS_STORAGE_ACCOUNT": "tfstatedev", "RS_CONTAINER_NAME": "tfstate"}
    result = _run_hook(happy, "preprovision.sh", full)
    assert result.returncode == 0, result.stderr
    assert (
        '"key": "dev.tfstate"' in (happy / "infra" / "terraform" / "provider.conf.json").read_text()
    )


@pytest.mark.skipif(SH is None, reason="needs a POSIX sh")
def test_postprovision_happy_and_hook_failure(tmp_path: Path, happy: Path) -> None:
    env = {
        "AZURE_ENV_NAME": "dev",
        "AZURE_APPCONFIG_ENDPOINT": "https://appconfig-dev-abc.azconfig.io",
        "BACKEND_API_URL": "https://backend.example.azurecontainerapps.io",
        "FRONTEND_URL": "https://frontend.example.azurecontainerapps.io",
    }
    result = _run_hook(happy, "postprovision.sh", env)
    assert result.returncode == 0, result.stderr
    assert "ACS_SOURCE_PHONE_NUMBER not set — telephony disabled" in result.stdout
    assert "https://backend.example.azurecontainerapps.io/api/v1/health" in result.stdout
    assert "Post-provisioning complete!" in result.stdout

    result = _run_hook(
        happy, "postprovision.sh", {**env, "ACS_SOURCE_PHONE_NUMBER": "+18001234567"}
    )
    assert result.returncode == 0
    assert "Phone configured: +18001234567" in result.stdout

    broken = copy_sample(tmp_path / "hf", "hook-failure")
    result = _run_hook(broken, "postprovision.sh", env)
    assert result.returncode == 127
    assert "Task 2: Phone Number Configuration" in result.stdout
    assert "sync-appconfig.sh" in result.stderr
    assert re.search(r"not found|No such file", result.stderr)
    assert "Post-provisioning complete!" not in result.stdout


def test_backend_unit_test_passes(happy: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "apps/rtagent/backend/tests",
        ],
        cwd=happy,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_scenario_tables_name_only_known_scenarios() -> None:
    from wizard.simulator.scenarios import (
        DEFAULT_SCENARIO,
        SCENARIO_SKIPS,
        backend_scenario,
        scenario_label,
    )

    assert DEFAULT_SCENARIO in SCENARIOS and SCENARIOS_ON_DISK <= SCENARIOS.keys() and SCENARIO_SKIPS.keys() <= SCENARIOS.keys()
    assert backend_scenario(DEFAULT_SCENARIO) is None and backend_scenario(None) is None and backend_scenario("quota") == "quota"
    assert scenario_label(None) == DEFAULT_SCENARIO
