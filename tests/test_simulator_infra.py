"""The fake azd on projects other than the bundled sample: Bicep provision/deploy/down as azd prints
them (azd-behaviour.md §2.4/§2.7, the real 1.31.2 transcripts), Terraform local modules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import last_line, run_wizard
from tests.test_simulator import azd
from wizard.core.ansi import strip_ansi
from wizard.simulator.cloud import SUBSCRIPTION_ID, Cloud, cloud_dir

PROJECTS = Path(__file__).parent / "fixtures" / "projects"


def ready(tmp_path: Path, name: str, **values: str) -> Path:
    project = tmp_path / name
    shutil.copytree(PROJECTS / name, project)
    assert azd(project, "env", "new", "dev", "--subscription", SUBSCRIPTION_ID, "--location", "eastus2",
               env=None).returncode == 0
    for key, value in values.items():
        assert azd(project, "env", "set", key, value).returncode == 0
    return project


def test_bicep_provision_prints_azd_bicep_lines_with_the_template_names(tmp_path: Path) -> None:
    project = ready(tmp_path, "bicep-shapes")
    out = azd(project, "provision")
    assert out.returncode == 0, out.stdout[-2000:]
    lines = strip_ansi(out.stdout).splitlines()
    assert "Terraform" not in out.stdout and "rtagent" not in out.stdout
    head = [ln for ln in lines if ln][:8]
    assert head[:3] == ["Provisioning Azure resources (azd provision)", "Provisioning Azure resources can take some time.",
                        "Initialize bicep provider"]
    assert head[4:6] == [f"Subscription: Contoso Dev (simulated) ({SUBSCRIPTION_ID})", "Location: East US 2"]
    for step in ("Creating a deployment plan", "Comparing deployment state", "Validating deployment",
                 "Creating/Updating resources", "  You can view detailed progress in the Azure Portal:"):
        assert step in lines
    done = [ln for ln in lines if ln.startswith("  (✓) Done: ")]
    kinds = [ln.split(": ")[1] for ln in done]
    assert kinds[0] == "Resource group" and done[0].startswith("  (✓) Done: Resource group: rg-dev (")
    assert {"Container App", "Key Vault", "Azure OpenAI", "Azure AI Services Model Deployment"} <= set(kinds)
    assert "App Service" not in kinds  # the alternative host is behind a false condition
    assert all(ln.endswith("s)") for ln in done)
    assert any(ln.startswith("SUCCESS: Your application was provisioned in Azure in ") for ln in lines)
    assert "You can view the resources created under the resource group rg-dev in Azure Portal:" in lines
    env = (project / ".azure/dev/.env").read_text()
    assert 'SERVICE_WEB_NAME="ca-web-' in env and 'AZURE_KEY_VAULT_NAME="kv-' in env
    state = Cloud(cloud_dir(project, "dev"), "dev").read()
    assert state["resource_groups"]["rg-dev"]["tags"]["azd-env-name"] == "dev"
    web = next(a for a in state["apps"].values() if a["tags"].get("azd-service-name") == "web")
    assert web["name"].startswith("ca-web-") and web["target_port"] == 3000
    again = strip_ansi(azd(project, "provision").stdout).splitlines()
    assert "  (-) Skipped: Didn't find new changes." in again
    assert "SUCCESS: There are no changes to provision for your application." in again
    assert not any(ln.startswith("  (✓) Done:") for ln in again)


def test_bicep_deploy_and_down_on_app_service(tmp_path: Path) -> None:
    project = ready(tmp_path, "bicep-shapes", WEB_HOST="appservice")
    assert azd(project, "provision").returncode == 0
    out = azd(project, "deploy")
    assert out.returncode == 0, out.stdout[-2000:]
    lines = strip_ansi(out.stdout).splitlines()
    assert "  web: Packaging (Compressing deployment artifacts)" in lines
    assert any(ln.startswith("  web: Deploying (Fetching endpoints for app service) [") for ln in lines)
    assert any(ln.startswith("- Endpoint: https://app-web-") and ".azurewebsites.net/" in ln for ln in lines)
    assert not any("worker" in ln for ln in lines)  # condition: ${USE_WORKER} is unset
    down = azd(project, "down", "--force", "--purge")
    assert down.returncode == 0, down.stdout[-2000:]
    text = strip_ansi(down.stdout).splitlines()
    order = [ln for ln in text if ln.startswith(("Deleting resource group", "  (✓) Done: Deleted", "Purging"))]
    assert order[:2] == ["Deleting resource group rg-dev", "  (✓) Done: Deleted resource group rg-dev"]
    assert any(ln.startswith("Purging Key Vault: kv-") for ln in order)
    assert any(ln.startswith("Purging Cognitive Account: cog-") for ln in order)
    assert text[-1].startswith("SUCCESS: Your application was removed from Azure in ")
    state = Cloud(cloud_dir(project, "dev"), "dev").read()
    assert state["resource_groups"] == {} and state["sites"] == {} and state["soft_deleted"] == []
    assert "SERVICE_WEB_NAME" not in (project / ".azure/dev/.env").read_text()


def test_bicep_down_without_purge_skips_and_soft_deletes(tmp_path: Path) -> None:
    project = ready(tmp_path, "bicep-shapes")
    assert azd(project, "provision").returncode == 0
    refused = azd(project, "down")
    assert refused.returncode == 1 and "user denied delete confirmation" in refused.stdout
    out = strip_ansi(azd(project, "down", "--force").stdout).splitlines()
    assert "WARNING: The following operation will delete 1 Key Vault and 1 OpenAI." in out
    assert any(ln.startswith("  (-) Skipped: Purging Key Vault: kv-") for ln in out)
    state = Cloud(cloud_dir(project, "dev"), "dev").read()
    assert {r["type"] for r in state["soft_deleted"]} == {"Microsoft.KeyVault/vaults", "Microsoft.CognitiveServices/accounts"}
    nothing = strip_ansi(azd(project, "down", "--force").stdout).splitlines()
    assert "  (✓) Done: No Azure resources were found." in nothing


def test_unmodelled_constructs_are_said_before_the_run(tmp_path: Path) -> None:
    project = ready(tmp_path, "bicep-shapes")
    main = project / "infra/main.bicep"
    main.write_text(main.read_text() + "\nmodule stack 'br/public:avm/ptn/example/stack:0.1.0' = {\n"
                    "  name: 'stack'\n  scope: rg\n  params: {}\n}\n")
    lines = strip_ansi(azd(project, "provision").stdout).splitlines()
    warning = next(i for i, ln in enumerate(lines) if ln.startswith("WARNING: (simulator) not modelled"))
    assert "avm/ptn/example/stack" in lines[warning]
    assert warning < lines.index("Creating/Updating resources")


def test_terraform_local_modules_in_the_transcript_and_the_cloud(tmp_path: Path) -> None:
    project = ready(tmp_path, "tf-modules")
    out = azd(project, "provision")
    assert out.returncode == 0, out.stdout[-2000:]
    text = strip_ansi(out.stdout)
    assert "module.web.azurerm_linux_web_app.app: Creation complete after" in text
    assert "azurerm_redis_cache.cache" not in text  # count = 0
    assert "rtagent" not in text
    state = Cloud(cloud_dir(project, "dev"), "dev").read()
    sites = {s["tags"].get("azd-service-name"): s for s in state["sites"].values()}
    assert set(sites) == {"web", "api"} and sites["web"]["name"].startswith("app-web-")
    deploy = strip_ansi(azd(project, "deploy").stdout).splitlines()
    assert any(ln.startswith("  api: Done [") for ln in deploy)
    assert json.loads(azd(project, "env", "get-values", "-o", "json").stdout)["AZURE_LOCATION"] == "eastus2"


def test_whole_simulated_flow_on_an_app_service_terraform_project(tmp_path: Path) -> None:
    project = tmp_path / "tf"
    shutil.copytree(PROJECTS / "tf-modules", project)
    result = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--create",
                        "--location", "eastus2", "--yes")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "all steps done" in last_line(result.stdout)
    assert "web: App Service answers" in result.stdout  # probed at its own endpoint, not as a Container App
    teardown = run_wizard("teardown", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--confirm", "dev")
    assert teardown.returncode == 0, teardown.stdout[-3000:]
    assert Cloud(cloud_dir(project, "dev"), "dev").read()["resource_groups"] == {}
