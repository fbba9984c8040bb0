"""The fake azd, run as the executable the wizard runs, checked against azd-behaviour.md."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from wizard.core.ansi import strip_ansi
from wizard.simulator.cloud import PLACEHOLDER_IMAGE, SUBSCRIPTION_ID
from wizard.simulator.fakes import simulated_ports
from wizard.simulator.sample import copy_sample

SIM = [sys.executable, "-m", "wizard.simulator.azd"]


def azd(project: Path, *args: str, scenario: str | None = None, fmt: str | None = None,
        env: str | None = "dev") -> subprocess.CompletedProcess[str]:
    child = {k: v for k, v in os.environ.items() if k != "AZURE_ENV_NAME"}
    child.update(DEPLOY_WIZARD_SIM_SPEED="0", NO_COLOR="1")
    if scenario:
        child["DEPLOY_WIZARD_SIM_SCENARIO"] = scenario
    if fmt:
        child["DEPLOY_WIZARD_SIM_FORMAT"] = fmt
    argv = [*SIM, *args, "--cwd", str(project), "--no-prompt"] + (["-e", env] if env else [])
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, env=child, stdin=subprocess.DEVNULL)


def ready(tmp_path: Path, scenario: str | None = None) -> Path:
    project = copy_sample(tmp_path / "p", scenario=scenario)
    assert azd(project, "env", "new", "dev", "--subscription", SUBSCRIPTION_ID, "--location", "eastus2",
               env=None).returncode == 0
    assert azd(project, "env", "set", "TF_INIT_SKIP_INTERACTIVE", "true").returncode == 0
    return project


def test_version_human_and_json(tmp_path: Path) -> None:
    human = azd(tmp_path, "version", env=None)
    assert human.stdout.startswith("azd version 1.31.2 (commit ") and human.stdout.rstrip().endswith("(stable)")
    data = json.loads(azd(tmp_path, "version", "--output", "json", env=None).stdout)
    assert data["azd"]["version"] == "1.31.2" and len(data["azd"]["commit"]) == 40


def test_env_commands_write_the_real_layout(sample_project: Path) -> None:
    out = azd(sample_project, "env", "new", "dev", "--location", "eastus2", env=None)
    assert out.stdout.strip() == "New environment 'dev' was set as default"
    azure = sample_project / ".azure"
    assert json.loads((azure / "config.json").read_text()) == {"version": 1, "defaultEnvironment": "dev"}
    assert (azure / "dev" / ".env").read_text() == 'AZURE_ENV_NAME="dev"\nAZURE_LOCATION="eastus2"\n'
    assert azd(sample_project, "env", "set", "PORT", "8080").stdout == ""  # silent on success
    values = json.loads(azd(sample_project, "env", "get-values", "-o", "json").stdout)
    assert values == {"AZURE_ENV_NAME": "dev", "AZURE_LOCATION": "eastus2", "PORT": "8080"}
    assert "PORT=8080\n" in azd(sample_project, "env", "get-values").stdout  # integers unquoted
    again = azd(sample_project, "env", "new", "dev", env=None)
    assert again.returncode == 1 and "environment already exists: 'dev'" in again.stdout
    bad = azd(sample_project, "env", "new", "bad name!", env=None)
    assert bad.returncode == 1 and "ERROR: creating new environment: environment name 'bad name!' is invalid" in bad.stdout
    listed = json.loads(azd(sample_project, "env", "list", "-o", "json").stdout)
    assert [list(e) for e in listed] == [["Name", "DotEnvPath", "HasLocal", "HasRemote", "IsDefault"]]
    missing = azd(sample_project, "env", "select", "nope", env=None)
    assert "ERROR: environment 'nope' does not exist: environment not found" in missing.stdout
    assert "Suggestion: Run 'azd env list'" in missing.stdout


def test_auth_check_status_always_exits_zero(sample_project: Path) -> None:
    ok = azd(sample_project, "auth", "login", "--check-status", "--output", "json", env=None)
    assert ok.returncode == 0 and json.loads(ok.stdout)["status"] == "success"
    out = azd(sample_project, "auth", "login", "--check-status", "--output", "json", env=None, scenario="not-logged-in")
    assert out.returncode == 0 and json.loads(out.stdout) == {"status": "unauthenticated"}


def test_provision_transcript_and_placeholder_state(tmp_path: Path) -> None:
    project = ready(tmp_path)
    out = azd(project, "provision")
    assert out.returncode == 0, out.stdout[-2000:]
    text = strip_ansi(out.stdout)
    lines = text.splitlines()
    title = lines.index("Provisioning Azure resources (azd provision)")
    assert any("Pre-provisioning complete" in ln for ln in lines[:title])  # pre hook before the title
    assert "azurerm_container_app.backend: Creation complete after 30s" in text
    assert lines[-3].startswith("SUCCESS: Your application was provisioned in Azure in ")
    assert "\x1b[" in out.stdout  # terraform keeps its colours
    assert not [ln for ln in lines if ln.startswith("SUCCESS") and "\x1b" in ln]
    env_file = (project / ".azure" / "dev" / ".env").read_text()
    assert 'AZURE_RESOURCE_GROUP="rg-rtagent-dev"' in env_file
    apps = simulated_ports(project, "dev").container_apps.list_apps("rg-rtagent-dev")
    assert {a.service_name for a in apps} == {"rtaudio-client", "rtaudio-server", "webchat-demo"}
    backend = next(a for a in apps if a.service_name == "rtaudio-server")
    assert backend.image == PLACEHOLDER_IMAGE and backend.target_port == 8000
    again = strip_ansi(azd(project, "provision").stdout)
    assert "No changes." in again and "Apply complete! Resources: 0 added" in again


def test_deploy_missing_tag_fails_with_azds_message(tmp_path: Path) -> None:
    project = ready(tmp_path, "missing-tag")
    assert azd(project, "provision").returncode == 0
    out = azd(project, "deploy", "--all")
    assert out.returncode == 1
    last = [ln for ln in out.stdout.splitlines() if ln.strip()][-1]
    assert last == (
        "ERROR: publishing service webchat-demo: getting target resource: resource not found: unable to find a "
        "resource tagged with 'azd-service-name: webchat-demo'. Ensure the service resource is correctly tagged "
        "in your infrastructure configuration, and rerun provision"
    )
    assert "  rtaudio-server: Done [" in out.stdout


def test_legacy_deploy_format(tmp_path: Path) -> None:
    project = ready(tmp_path, "missing-tag")
    azd(project, "provision")
    out = azd(project, "deploy", "--all", fmt="legacy")
    assert "Deploying service rtaudio-client\n" in out.stdout
    assert "  (✓) Done: Deploying service rtaudio-client" in out.stdout
    assert "ERROR: failed deploying service 'webchat-demo': getting target resource" in out.stdout


def test_deploy_before_provision(sample_project: Path) -> None:
    azd(sample_project, "env", "new", "dev", "--subscription", SUBSCRIPTION_ID, env=None)
    out = azd(sample_project, "deploy", "--all")
    assert out.returncode == 1 and "ERROR: infrastructure has not been provisioned" in out.stdout


def test_not_logged_in_lifecycle(tmp_path: Path) -> None:
    project = ready(tmp_path)
    out = azd(project, "provision", scenario="not-logged-in")
    assert out.returncode == 1
    assert "ERROR: not logged in, run `azd auth login` to login" in out.stdout
    assert "Suggestion: Run 'azd auth login' to sign in before running this command." in out.stdout


def test_provider_unregistered_until_registered(tmp_path: Path) -> None:
    project = ready(tmp_path)
    out = azd(project, "provision", scenario="provider-unregistered")
    assert out.returncode == 1 and "MissingSubscriptionRegistration" in out.stdout
    ports = simulated_ports(project, "dev", scenario="provider-unregistered")
    assert ports.providers.registration_state(SUBSCRIPTION_ID, "Microsoft.Communication") == "NotRegistered"
    ports.providers.register(SUBSCRIPTION_ID, "Microsoft.Communication")
    assert azd(project, "provision", scenario="provider-unregistered").returncode == 0


def test_quota_and_hook_failure(tmp_path: Path) -> None:
    project = ready(tmp_path / "q")
    quota = azd(project, "provision", scenario="quota")
    assert quota.returncode == 1 and "InsufficientQuota" in quota.stdout
    assert strip_ansi(quota.stdout).rstrip().endswith("template Deploy failed: exit status 1")
    hooked = ready(tmp_path / "h", "hook-failure")
    out = azd(hooked, "provision")
    assert out.returncode == 1
    assert "ERROR: failed running post hooks: 'postprovision' hook failed with exit code: '127'" in out.stdout


def test_json_mode_splits_streams(tmp_path: Path) -> None:
    project = ready(tmp_path)
    out = azd(project, "provision", "--output", "json")
    assert out.returncode == 0
    envelopes = [json.loads(ln) for ln in out.stderr.splitlines() if ln.startswith("{")]
    assert envelopes and all(e["type"] == "consoleMessage" for e in envelopes)
    assert any(e["data"]["message"].startswith("SUCCESS:") for e in envelopes)
    tail = out.stdout[out.stdout.rindex('{\n  "outputs"'):]
    assert json.loads(tail)["outputs"]["AZURE_RESOURCE_GROUP"]["value"] == "rg-rtagent-dev"


def test_down_removes_resources_and_reports_nothing_second_time(tmp_path: Path) -> None:
    project = ready(tmp_path)
    azd(project, "provision")
    out = azd(project, "down", "--force", "--purge")
    assert out.returncode == 0 and "Destroy complete!" in out.stdout
    ports = simulated_ports(project, "dev")
    assert not ports.resources.resource_group_exists("rg-rtagent-dev")
    assert "AZURE_RESOURCE_GROUP" not in (project / ".azure" / "dev" / ".env").read_text()
    again = strip_ansi(azd(project, "down", "--force", "--purge").stdout)
    assert "No objects need to be destroyed" in again and "Destroy complete! Resources: 0 destroyed." in again


def test_terraform_down_purges_as_the_provider_says_whatever_purge(tmp_path: Path) -> None:
    # azd passes no --purge to terraform destroy (terraform_provider.go): the azurerm provider's
    # features block decides; the sample's purges vaults and accounts, so nothing is left soft-deleted
    project = ready(tmp_path)
    azd(project, "provision")
    azd(project, "down", "--force")
    assert simulated_ports(project, "dev").resources.list_soft_deleted() == []
    provider = project / "infra/terraform/provider.tf"
    provider.write_text(provider.read_text().replace("purge_soft_delete_on_destroy = true", "purge_soft_delete_on_destroy = false"))
    azd(project, "provision")
    azd(project, "down", "--force", "--purge")
    gone = simulated_ports(project, "dev").resources.list_soft_deleted()
    assert {r.type for r in gone} >= {"Microsoft.KeyVault/vaults", "Microsoft.CognitiveServices/accounts"}


def test_sigint_kills_like_real_azd(tmp_path: Path) -> None:
    project = ready(tmp_path)
    azd(project, "provision")
    child = {**os.environ, "DEPLOY_WIZARD_SIM_SPEED": "0", "DEPLOY_WIZARD_SIM_SCENARIO": "hang"}
    proc = subprocess.Popen([*SIM, "deploy", "--all", "--cwd", str(project), "-e", "dev", "--no-prompt"],
                            stdout=subprocess.PIPE, text=True, env=child, stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "Publishing" in line:
            break
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == -signal.SIGINT  # no handler, no cleanup: killed by the signal


def test_phone_numbers_and_flaky_health(tmp_path: Path) -> None:
    project = ready(tmp_path)
    azd(project, "provision")
    azd(project, "deploy", "--all")
    ports = simulated_ports(project, "dev", scenario="health-flaky")
    phones = ports.phone_numbers_for("https://acs")
    assert [n.number for n in phones.list_numbers()] == ["+14165551234"]
    offer = phones.search("US", "toll-free", None)
    phones.purchase(offer.search_id)
    assert offer.numbers[0] in [n.number for n in phones.list_numbers()]
    phones.release(offer.numbers[0])
    fqdn = next(a.fqdn for a in ports.container_apps.list_apps("rg-rtagent-dev") if a.service_name == "rtaudio-server")
    codes = [ports.http.get(f"https://{fqdn}/api/v1/health").status for _ in range(5)]
    assert codes == [503, 503, 503, 200, 200]
