"""Plans, env-name rules, azure.yaml errors that name file and line, dotenv round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.core.project import (
    ProjectError,
    format_dotenv,
    load_project,
    parse_dotenv,
    validate_env_name,
)
from wizard.core.steps import FLOW, Plan, PlanError, StepId


def test_plan_from_step_keeps_environment_and_skips_earlier_steps() -> None:
    plan = Plan.build(start="deploy")
    assert plan.steps == FLOW
    assert plan.runnable() == [StepId.ENVIRONMENT, StepId.DEPLOY, StepId.PHONE, StepId.VERIFY]


def test_plan_only_and_skip() -> None:
    assert Plan.build(only="verify,environment").runnable() == [StepId.ENVIRONMENT, StepId.VERIFY]
    assert StepId.PHONE not in Plan.build(skip="phone").runnable()


@pytest.mark.parametrize("value", ["nope", "deploy,bogus"])
def test_plan_rejects_unknown_steps(value: str) -> None:
    with pytest.raises(PlanError, match="unknown step"):
        Plan.build(only=value)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "enter a name"),
        ("a" * 65, "too long: 65"),
        ("dev env", "not allowed: ' '"),
        ("dév", "not allowed: 'é'"),
    ],
)
def test_env_name_messages_are_specific(name: str, message: str) -> None:
    assert message in (validate_env_name(name) or "")


@pytest.mark.parametrize("name", ["dev", "my-env_1.(x)", "a" * 64])
def test_valid_env_names(name: str) -> None:
    assert validate_env_name(name) is None


def test_missing_azure_yaml(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no azure.yaml"):
        load_project(tmp_path)


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "azure.yaml").write_text("name: x\nservices:\n  api:\n    host: [containerapp\n")
    with pytest.raises(ProjectError) as info:
        load_project(tmp_path)
    assert info.value.path == tmp_path / "azure.yaml"
    assert info.value.line is not None and info.value.line >= 4
    assert "azure.yaml:" in str(info.value)


def test_invalid_utf8_azure_yaml(tmp_path: Path) -> None:
    (tmp_path / "azure.yaml").write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(ProjectError, match="not valid UTF-8"):
        load_project(tmp_path)


def test_project_found_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "azure.yaml").write_text(
        "name: demo\ninfra:\n  provider: terraform\n  path: ./infra/terraform\n"
        "services:\n  api:\n    project: ./api\n    host: containerapp\n    language: python\n"
        "    docker:\n      remoteBuild: true\n"
        "hooks:\n  preprovision:\n    shell: sh\n    run: scripts/pre.sh terraform\n    interactive: true\n"
    )
    (tmp_path / "api").mkdir()
    project = load_project(tmp_path / "api")
    assert project.name == "demo"
    assert project.infra.provider == "terraform"
    assert project.services[0].remote_build and not project.services[0].needs_local_docker
    hook = project.hook("preprovision")
    assert hook is not None and hook.script == "scripts/pre.sh" and hook.interactive


def test_dotenv_round_trip_matches_azd_quoting() -> None:
    values = {"A": 'quote " back \\ dollar $', "PORT": "8080", "ZERO": "01", "NL": "a\nb"}
    text = format_dotenv(values)
    assert "PORT=8080\n" in text and 'ZERO="01"' in text
    assert parse_dotenv(text) == values
