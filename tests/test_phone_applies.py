"""The phone step applies only to a project with telephony (an ACS resource, ACS outputs, or a hook
that reads the phone number); a todo app gets no phone step and no telephony warning."""

from __future__ import annotations

from pathlib import Path

from wizard.core.phone import has_telephony
from wizard.core.project import load_project
from wizard.simulator.sample import copy_sample


def _todo_app(root: Path) -> Path:
    (root / "infra").mkdir(parents=True)
    (root / "azure.yaml").write_text("name: todo\nservices:\n  web:\n    project: ./src\n    host: containerapp\n", encoding="utf-8")
    (root / "infra" / "main.bicep").write_text(
        "resource app 'Microsoft.App/containerApps@2024-03-01' = {\n  name: 'ca-web'\n"
        "  tags: { 'azd-service-name': 'web' }\n}\n", encoding="utf-8")
    return root


def test_a_todo_app_has_no_telephony_and_the_accelerator_shape_has(tmp_path: Path) -> None:
    todo = load_project(_todo_app(tmp_path / "todo"))
    assert not has_telephony(todo, {"AZURE_ENV_NAME": "dev", "AZURE_LOCATION": "eastus2"})
    assert has_telephony(todo, {"ACS_ENDPOINT": "https://acs-x.communication.azure.com"})
    sample = load_project(copy_sample(tmp_path / "sample"))
    assert has_telephony(sample, {})
