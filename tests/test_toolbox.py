"""Which tools a project needs, and how to install them: the one table (toolbox.yaml), on small
fixture projects written here (js/ts services on App Service and Container Apps, npm-calling hooks,
a Terraform local-exec that calls az), and the preflight checks that read it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.test_preflight import FakeTools, make_ctx, results_of
from wizard.core.preflight.toolbox import (
    PLATFORMS,
    install_argv,
    install_command,
    install_hint,
    missing_text,
    tool_needs,
    tool_specs,
)
from wizard.core.project import load_project


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def project(tmp_path: Path, azure_yaml: str, files: dict[str, str] | None = None) -> Path:
    return write(tmp_path / "p", {"azure.yaml": azure_yaml, **(files or {})})


BICEP_JS = """\
name: todo-node
services:
  web:
    project: src/web
    language: ts
    host: appservice
  api:
    project: src/api
    language: js
    host: function
  worker:
    project: src/worker
    language: js
    host: containerapp
    docker:
      remoteBuild: true
"""

TERRAFORM_LOCAL_EXEC = """\
name: tf-seed
infra:
  provider: terraform
  path: infra
services:
  api:
    project: src/api
    language: python
    host: containerapp
    docker:
      remoteBuild: true
"""

MAIN_TF = """\
resource "azurerm_resource_group" "rg" {
  name     = "rg-seed"
  location = "eastus2"
}

resource "null_resource" "seed_config" {
  provisioner "local-exec" {
    command = <<EOT
      az appconfig kv set --name ${azurerm_resource_group.rg.name} --key seed --value 1 --yes
    EOT
  }
}
"""

COMMENTED_TF = """\
resource "null_resource" "note" {
  provisioner "local-exec" {
    # az login is done by the pipeline, not here
    command = "echo seeded"
  }
}
"""


def test_js_and_ts_services_azd_packages_with_npm_need_node(tmp_path: Path) -> None:
    needs = tool_needs(load_project(project(tmp_path, BICEP_JS)))
    assert "node" in needs
    assert needs["node"].because_of("npm_services")
    assert "web, api" in needs["node"].why  # App Service and Functions: azd runs npm on this machine
    assert "worker" not in needs["node"].why  # a container image: npm runs inside the Dockerfile
    assert set(needs) == {"azd", "node"}  # remote build: no docker; no hooks: no az, bash, jq


def test_a_containerapp_js_service_built_locally_needs_docker_not_node(tmp_path: Path) -> None:
    yaml_text = BICEP_JS.replace("    docker:\n      remoteBuild: true\n", "")
    yaml_text = yaml_text.replace("host: appservice", "host: containerapp").replace("host: function", "host: containerapp")
    needs = tool_needs(load_project(project(tmp_path, yaml_text)))
    assert "node" not in needs
    assert needs["docker"].because_of("local_image_builds") and "web, api, worker" in needs["docker"].why


def test_hooks_that_call_npm_or_npx_need_node(tmp_path: Path) -> None:
    yaml_text = BICEP_JS.replace("language: ts\n    host: appservice", "language: python\n    host: containerapp")
    yaml_text = yaml_text.replace("language: js\n    host: function", "language: python\n    host: containerapp")
    yaml_text += "hooks:\n  prepackage:\n    shell: sh\n    run: scripts/build-ui.sh\n"
    root = project(tmp_path, yaml_text, {"scripts/build-ui.sh": "#!/bin/sh\ncd ui && npx vite build\n"})
    needs = tool_needs(load_project(root))
    assert needs["node"].because_of("hooks_call") and "npx" in needs["node"].why
    assert not needs["node"].because_of("npm_services")


def test_a_terraform_local_exec_that_calls_az_needs_az(tmp_path: Path) -> None:
    root = project(tmp_path, TERRAFORM_LOCAL_EXEC, {"infra/main.tf": MAIN_TF})
    needs = tool_needs(load_project(root))
    assert set(needs) == {"azd", "terraform", "az"}
    assert needs["az"].because_of("local_exec_calls")
    assert "infra/main.tf:7 (null_resource.seed_config)" in needs["az"].why


def test_az_in_a_comment_of_a_local_exec_is_not_a_call(tmp_path: Path) -> None:
    root = project(tmp_path, TERRAFORM_LOCAL_EXEC, {"infra/main.tf": COMMENTED_TF})
    assert "az" not in tool_needs(load_project(root))


def test_hooks_that_call_az_need_az(tmp_path: Path) -> None:
    yaml_text = TERRAFORM_LOCAL_EXEC + "hooks:\n  postprovision:\n    shell: sh\n    run: az account show --output none\n"
    root = project(tmp_path, yaml_text, {"infra/main.tf": COMMENTED_TF})
    needs = tool_needs(load_project(root))
    assert needs["az"].because_of("hooks_call") and not needs["az"].because_of("local_exec_calls")


def test_every_tool_installs_on_every_os() -> None:
    for name, table in tool_specs().items():
        assert set(PLATFORMS) <= set(table.install), name
    assert install_command("azd", "linux") == "curl -fsSL https://aka.ms/install-azd.sh | bash"
    assert install_command("azd", "darwin").endswith("brew install azd")
    assert install_command("azd", "win32") == "winget install microsoft.azd"
    assert install_command("azd", "cygwin") == install_command("azd", "win32")
    assert install_command("azd", "freebsd") == install_command("azd", "linux")
    assert "systemctl start docker" in install_hint("docker", "linux")
    assert missing_text("azd", "linux").startswith("Azure Developer CLI (azd) is not installed or not on PATH")


def test_install_argv_never_needs_shell_true() -> None:
    assert install_argv("azd", "linux") == ["sh", "-c", "curl -fsSL https://aka.ms/install-azd.sh | bash"]
    assert install_argv("azd", "win32") == ["winget", "install", "microsoft.azd"]
    assert install_argv("jq", "darwin") == ["brew", "install", "jq"]


# -- the preflight checks read the same needs -----------------------------------------------------
async def test_preflight_node_check_fails_with_the_install_command(tmp_path: Path) -> None:
    root = project(tmp_path, BICEP_JS)
    res = await results_of(make_ctx(root, tools=FakeTools(missing=("npm",), platform="win32")), "tools.node")
    check = res["tools.node"]
    assert check.status == "fail" and "npm not on PATH" in check.detail and "web, api" in check.detail
    assert "winget install OpenJS.NodeJS.LTS" in check.fix
    res = await results_of(make_ctx(root), "tools.node")
    assert res["tools.node"].status == "pass"


async def test_preflight_az_check_follows_the_local_exec(tmp_path: Path) -> None:
    root = project(tmp_path, TERRAFORM_LOCAL_EXEC, {"infra/main.tf": MAIN_TF})
    res = await results_of(make_ctx(root, tools=FakeTools(missing=("az",))), "tools.az", "tools.node", "tools.bash")
    assert res["tools.az"].status == "fail" and "local-exec" in res["tools.az"].detail
    assert res["tools.node"].status == "skip" and res["tools.bash"].status == "skip"


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_the_plain_path_says_what_the_table_says(platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard import backends

    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(backends.shutil, "which", lambda name: None)
    with pytest.raises(backends.AzdNotFound) as raised:
        backends.resolve_azd(None)
    assert install_command("azd", platform) in str(raised.value)
