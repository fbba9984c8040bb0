"""Shapes of real public azd templates (fixtures written for these tests, never copied), each the
cause of a false alarm or a dishonest simulation found by running the wizard on the template:
`avm-todo` is an AVM-based two-service Container Apps project like the todo samples."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from tests.helpers import last_line, run_wizard
from tests.test_simulator import SIM, azd
from tests.test_simulator_infra import ready
from wizard.core.ansi import strip_ansi
from wizard.core.infra import read_infra
from wizard.core.infra.tf_features import destroy_purges
from wizard.core.phone import has_telephony
from wizard.core.project import load_project, read_env_values
from wizard.core.steps import Plan, StepId
from wizard.core.teardown import plan_teardown
from wizard.core.verify_probe import serves_health_path
from wizard.simulator.cloud import SUBSCRIPTION_ID, TENANT_ID, Cloud, cloud_dir
from wizard.simulator.fakes import SimResources, simulated_ports
from wizard.simulator.sample import copy_sample

PROJECTS = Path(__file__).parent / "fixtures" / "projects"


def _values(project: Path) -> dict[str, str]:
    return read_env_values(project, "dev")


def test_tenant_output_is_the_signed_in_tenant_so_preflight_raises_no_mismatch(tmp_path: Path) -> None:
    # `output AZURE_TENANT_ID string = tenant().tenantId` was written as a made-up string, and the
    # next preflight said az was in another tenant (a FAIL where the hooks call az)
    project = ready(tmp_path, "avm-todo")
    assert azd(project, "provision").returncode == 0
    assert _values(project)["AZURE_TENANT_ID"] == TENANT_ID
    out = run_wizard("preflight", "--simulate", "-C", str(project), "-e", "dev", "--json")
    checks = {c["id"]: c for c in json.loads(out.stdout)["checks"]}
    assert checks["signin.match"]["status"] == "pass", checks["signin.match"]


def test_the_read_takes_tenant_and_subscription_from_the_environment() -> None:
    project = load_project(PROJECTS / "avm-todo")
    other = "12345678-1234-1234-1234-123456789012"
    env = {"AZURE_ENV_NAME": "dev", "AZURE_LOCATION": "eastus2", "AZURE_SUBSCRIPTION_ID": other}
    model = read_infra(project, env)
    assert model.outputs["AZURE_TENANT_ID"] is None  # unknown stays unknown, never invented
    assert model.outputs["AZURE_EXISTING_ARCHIVE_ID"].startswith(f"/subscriptions/{other}/resourceGroups/rg-dev/")
    tenant = read_infra(project, env | {"AZURE_TENANT_ID": TENANT_ID})
    assert tenant.outputs["AZURE_TENANT_ID"] == TENANT_ID
    names = {r.name for r in model.resources} ^ {r.name for r in read_infra(project, env | {"AZURE_SUBSCRIPTION_ID": SUBSCRIPTION_ID}).resources}
    assert names, "uniqueString(subscription().id, ...) follows the environment's subscription"


def test_a_registry_module_referenced_before_its_declaration_is_one_resource(tmp_path: Path) -> None:
    # todo-csharp-sql deploys its vault a second time for access policies, from a module declared
    # before the vault's: the simulator created a second vault `kv-accessKeyVault-…`
    project = ready(tmp_path, "avm-todo")
    model = read_infra(load_project(project), {"AZURE_ENV_NAME": "dev", "AZURE_LOCATION": "eastus2"})
    vaults = {r.name for r in model.resources if r.arm_type == "Microsoft.KeyVault/vaults"}
    assert len(vaults) == 1 and next(iter(vaults)).startswith("kv-")
    assert model.outputs["AZURE_CONTAINER_ENVIRONMENT_NAME"] == next(
        r.name for r in model.resources if r.arm_type == "Microsoft.App/managedEnvironments")
    out = strip_ansi(azd(project, "provision").stdout).splitlines()
    assert sum(1 for ln in out if ln.startswith("  (✓) Done: Key Vault: ")) == 1
    state = Cloud(cloud_dir(project, "dev"), "dev").read()
    assert [r["name"] for r in state["resource_groups"]["rg-dev"]["resources"]
            if r["type"] == "Microsoft.KeyVault/vaults"] == sorted(vaults)


def test_a_resource_id_output_is_its_arm_id(tmp_path: Path) -> None:
    # get-started-with-ai-chat writes `aiProject.id` to the environment and reads it back on the
    # next run (main.parameters.json): a made-up value sent that run down the "existing" branch
    project = ready(tmp_path, "avm-todo")
    assert azd(project, "provision").returncode == 0
    archive_id = _values(project)["AZURE_EXISTING_ARCHIVE_ID"]
    assert archive_id.startswith(f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg-dev/providers/"
                                 "Microsoft.Storage/storageAccounts/st")
    again = strip_ansi(azd(project, "provision").stdout).splitlines()
    assert "  (-) Skipped: Didn't find new changes." in again


def test_an_avm_container_app_without_a_target_port_has_ingress_on_80(tmp_path: Path) -> None:
    # container-app-upsert with ingressEnabled and no targetPort: verify said "has no ingress"
    project = ready(tmp_path, "avm-todo")
    model = read_infra(load_project(project), {"AZURE_ENV_NAME": "dev", "AZURE_LOCATION": "eastus2"})
    ports = {r.service_tag: r.target_port for r in model.resources if r.arm_type == "Microsoft.App/containerApps"}
    assert ports == {"web": 80, "api": 3100}
    main = project / "infra/main.bicep"
    main.write_text(main.read_text().replace("    ingressEnabled: true\n", "    ingressEnabled: false\n"))
    model = read_infra(load_project(project), {"AZURE_ENV_NAME": "dev", "AZURE_LOCATION": "eastus2"})
    assert next(r.target_port for r in model.resources if r.service_tag == "web") is None


def test_child_resources_go_with_their_parent_and_are_not_listed_in_the_group(tmp_path: Path) -> None:
    # teardown listed `blobServices: default`, `containers: default`, `queues: default`… as resources
    project = ready(tmp_path, "avm-todo")
    assert azd(project, "provision").returncode == 0
    cloud = Cloud(cloud_dir(project, "dev"), "dev")
    listed = SimResources(cloud).list_resource_group("rg-dev")
    assert {r.type for r in listed} == {
        "Microsoft.KeyVault/vaults", "Microsoft.App/managedEnvironments", "Microsoft.ContainerRegistry/registries",
        "Microsoft.App/containerApps", "Microsoft.Storage/storageAccounts"}
    account = next(r.name for r in listed if r.type == "Microsoft.Storage/storageAccounts")
    ids = {r["id"] for r in cloud.read()["resource_groups"]["rg-dev"]["resources"]}
    assert any(i.endswith(f"/storageAccounts/{account}/blobServices/default/containers/uploads") for i in ids)
    assert any(i.endswith(f"/storageAccounts/{account}/queueServices/default") for i in ids)


def test_teardown_names_only_what_the_project_has_among_what_azd_down_leaves(tmp_path: Path) -> None:
    # every project was told azd down keeps "the terraform remote-state resource group", "the
    # EasyAuth Entra ID app registration" and "phone numbers": the accelerator's, not a todo app's
    project = ready(tmp_path, "avm-todo")
    plain = plan_teardown(load_project(project), "dev", _values(project), None)
    assert plain.not_touched == ("your local code and this project folder",)
    assert not any(w in "\n".join(plain.lines()) for w in ("remote-state", "EasyAuth", "phone"))

    sample = copy_sample(tmp_path / "sample")
    values = {"AZURE_SUBSCRIPTION_ID": SUBSCRIPTION_ID, "RS_RESOURCE_GROUP": "rg-tfstate",
              "FRONTEND_CONTAINER_APP_NAME": "ca-front"}
    items = plan_teardown(load_project(sample), "dev", values, None).not_touched
    assert any("remote-state resource group rg-tfstate" in i for i in items)
    assert any("(ca-front-easyauth)" in i for i in items) and any("phone numbers" in i for i in items)

    hooks = project / "azure.yaml"  # a hook that creates an app registration: said, with no EasyAuth wording
    hooks.write_text(hooks.read_text().replace("run: 'rm ./src/web/.env.local && azd env set POSTDEPLOY_RAN true'",
                                               "run: 'az ad app create --display-name todo-$AZURE_ENV_NAME'"))
    items = plan_teardown(load_project(project), "dev", _values(project), None).not_touched
    assert any("app registrations the hooks create" in i for i in items) and not any("EasyAuth" in i for i in items)


def test_preflight_after_deploy_reads_an_env_without_a_resource_group_output(tmp_path: Path) -> None:
    # the todo templates output no AZURE_RESOURCE_GROUP: after a whole deploy preflight still said
    # "not provisioned yet" for the placeholder and phone checks; a todo app has no phone at all
    project = ready(tmp_path, "avm-todo")
    assert azd(project, "provision").returncode == 0
    assert "AZURE_RESOURCE_GROUP" not in _values(project)
    out = run_wizard("preflight", "--simulate", "-C", str(project), "-e", "dev", "--json")
    checks = {c["id"]: c for c in json.loads(out.stdout)["checks"]}
    assert checks["environment.placeholder"]["status"] == "warn", checks["environment.placeholder"]
    assert "placeholder" in checks["environment.placeholder"]["detail"]
    phone = checks["environment.phone"]
    assert phone["status"] == "skip" and phone["detail"] == "the project has no telephony"
    fresh = run_wizard("preflight", "--simulate", "-C", str(ready(tmp_path / "x", "avm-todo")), "-e", "dev", "--json")
    fresh_checks = {c["id"]: c for c in json.loads(fresh.stdout)["checks"]}
    assert fresh_checks["environment.placeholder"]["detail"] == "not provisioned yet"


def test_deploy_runs_the_templates_deploy_hooks_in_the_sandbox(tmp_path: Path) -> None:
    # the simulated deploy ran no hook at all: a template's predeploy/postdeploy and its services'
    # prepackage (todo-*: writing .env.local for the frontend build) were silently left out
    project = ready(tmp_path, "avm-todo")
    assert azd(project, "provision").returncode == 0
    out = azd(project, "deploy", "--all")
    assert out.returncode == 0, out.stdout[-2000:]
    values = _values(project)
    assert values["PREDEPLOY_SAW"] == values["API_BASE_URL"]
    assert values["WEB_PACKAGED_IN"] == "web"  # a service hook runs in the service's folder
    assert values["POSTDEPLOY_RAN"] == "true"
    # predeploy wrote src/web/.env.local, the web service's prepackage saw it and postdeploy removed it:
    # one folder for the command's hooks (todo-*: a sandbox per hook made that `rm` fail), never the user's
    assert not (project / "src/web/.env.local").exists()
    assert azd(project, "down", "--force", "--purge").returncode == 0
    assert _values(project)["POSTDOWN_RAN"] == "true"


def test_a_failing_service_hook_fails_that_service_with_azds_chain(tmp_path: Path) -> None:
    project = ready(tmp_path, "avm-todo")
    yaml = project / "azure.yaml"
    yaml.write_text(yaml.read_text().replace("test -f .env.local &&", "exit 3 &&"))
    assert azd(project, "provision").returncode == 0
    out = azd(project, "deploy", "--all")
    lines = strip_ansi(out.stdout).splitlines()
    assert out.returncode == 1
    assert any(ln.startswith("  web: Failed (packaging service web: failed running pre hooks: 'prepackage' hook "
                             "failed with exit code: '3'") for ln in lines), lines
    assert "  api: Done" in [ln.split(" [")[0] for ln in lines]
    assert "POSTDEPLOY_RAN" not in _values(project)


def test_the_wizard_runs_preup_and_postup_around_its_provision_and_deploy(tmp_path: Path) -> None:
    # get-started-with-ai-chat validates its variables in `preup`: `azd up` runs it, and the
    # wizard, which runs provision and deploy as steps of their own, never did
    project = tmp_path / "avm-todo"
    shutil.copytree(PROJECTS / "avm-todo", project)
    out = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--create",
                     "--location", "eastus2", "--yes", "--skip", "verify")
    assert out.returncode == 0, out.stdout[-3000:]
    values = _values(project)
    assert values["PREUP_RAN"] == "true" and values["POSTUP_RAN"] == "true"
    raw = next((project / ".azure/dev/wizard/runs").glob("*/raw.log")).read_text()
    assert raw.index("azd hooks run preup") < raw.index("azd provision") < raw.index("azd deploy") < raw.index(
        "azd hooks run postup")

    yaml = project / "azure.yaml"
    yaml.write_text(yaml.read_text().replace("run: azd env set PREUP_RAN true", "run: exit 4"))
    failed = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--steps", "provision")
    assert failed.returncode == 1
    assert last_line(failed.stdout).startswith("provision failed: hook preup"), failed.stdout[-2000:]


def test_verify_waits_for_a_health_path_only_where_the_backend_serves_one(tmp_path: Path) -> None:
    # verify polled /api/v1/health on any Container App named like an API (the accelerator's path):
    # on a todo API that 404s for two minutes and fails; the simulator answered 200 for every app
    project = tmp_path / "avm-todo"
    shutil.copytree(PROJECTS / "avm-todo", project)
    assert not serves_health_path(load_project(project), "api")
    out = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--create",
                     "--location", "eastus2", "--yes")
    assert out.returncode == 0, out.stdout[-3000:]
    assert "/api/v1/health" not in out.stdout
    assert "service api: api: answers" in out.stdout and "service web: web: answers" in out.stdout
    ports = simulated_ports(project, "dev")
    api = next(a for a in ports.container_apps.list_apps("rg-dev") if a.service_name == "api")
    assert ports.http.get(f"https://{api.fqdn}/api/v1/health").status == 404

    server = project / "src/api/server.js"  # a backend that serves it gets the wait
    server.write_text(server.read_text().replace('req.url.startsWith("/lists")', 'req.url === "/api/v1/health" || req.url.startsWith("/lists")'))
    assert serves_health_path(load_project(project), "api")
    again = run_wizard("verify", "--simulate", "-C", str(project), "-e", "dev")
    assert "health endpoint answers 200" in again.stdout, again.stdout[-2000:]


def test_a_killed_command_removes_its_hook_sandbox_and_still_dies_by_the_signal(tmp_path: Path) -> None:
    project = ready(tmp_path, "avm-todo")
    assert azd(project, "provision").returncode == 0
    yaml = project / "azure.yaml"
    yaml.write_text(yaml.read_text().replace("azd env set PREDEPLOY_SAW", "touch started && sleep 60 && azd env set PREDEPLOY_SAW"))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    child = dict(os.environ, TMPDIR=str(scratch), DEPLOY_WIZARD_SIM_SPEED="0")
    child.pop("AZURE_ENV_NAME", None)
    proc = subprocess.Popen([*SIM, "deploy", "--all", "--cwd", str(project), "--no-prompt", "-e", "dev"], env=child,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not list(scratch.glob("deploy-wizard-hook-*/project/started")) and time.monotonic() < deadline:
            time.sleep(0.05)  # waiting for the hook to start, not for a UI
        assert list(scratch.glob("deploy-wizard-hook-*/project/started")), "the hook never started"
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=30) == -signal.SIGINT
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert not list(scratch.glob("deploy-wizard-hook-*"))


def test_a_hook_runs_no_program_of_this_machine_but_the_shells_file_tools(tmp_path: Path) -> None:
    # contoso-chat's postdeploy runs `ipython kernel install` and `jupyter nbconvert --execute` on
    # notebooks that write to Cosmos DB and AI Search: in a simulation ipython really ran here
    tools = tmp_path / "machine-bin"
    tools.mkdir()
    marker = tmp_path / "it-ran"
    for name in ("ipython", "mvn"):  # programs this machine has, that a simulation must not run
        (tools / name).write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
        (tools / name).chmod(0o755)
    project = ready(tmp_path, "avm-todo")
    yaml = project / "azure.yaml"
    yaml.write_text(yaml.read_text().replace(
        "run: 'rm ./src/web/.env.local && azd env set POSTDEPLOY_RAN true'",
        "run: 'ipython kernel install --user && mvn package && bash -c \"no-such-tool-here --run\" && rm ./src/web/.env.local && "
        "azd env set POSTDEPLOY_RAN \"$(printf %s done | tr a-z A-Z)\"'"))
    assert azd(project, "provision").returncode == 0
    child = dict(os.environ, PATH=f"{tools}{os.pathsep}{os.environ['PATH']}", DEPLOY_WIZARD_SIM_SPEED="0")
    child.pop("AZURE_ENV_NAME", None)
    out = subprocess.run([*SIM, "deploy", "--all", "--cwd", str(project), "--no-prompt", "-e", "dev"], env=child,
                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stdout[-2000:]
    assert not marker.exists(), "a program of this machine ran from a template's hook"
    assert _values(project)["POSTDEPLOY_RAN"] == "DONE"  # the shell's own tools did run
    # a program this machine lacks (contoso-chat's jupyter, which the not-run pip would have brought)
    # is "not run" in a bash script, not "command not found"


def test_outputs_the_read_cannot_compute_get_values_of_their_kind(tmp_path: Path) -> None:
    # contoso-chat's AZURE_OPENAI_RESOURCE_GROUP_LOCATION was an account name, its
    # APPINSIGHTS_CONNECTIONSTRING a slug, todo-nodejs-mongo-aks's AZURE_AKS_IDENTITY_CLIENT_ID an ARM id
    project = ready(tmp_path, "avm-todo")
    assert azd(project, "provision").returncode == 0
    values = _values(project)
    assert values["AZURE_VAULT_LOCATION"] == "eastus2"
    assert values["APPINSIGHTS_CONNECTIONSTRING"].startswith("InstrumentationKey=")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", values["AZURE_API_IDENTITY_CLIENT_ID"])
    assert azd(project, "deploy", "--all").returncode == 0
    registry = next(r["name"] for r in Cloud(cloud_dir(project, "dev"), "dev").read()["resource_groups"]["rg-dev"]["resources"]
                    if r["type"] == "Microsoft.ContainerRegistry/registries")
    assert _values(project)["SERVICE_API_IMAGE_NAME"].startswith(f"{registry}.azurecr.io/avm-todo/api-dev:")


def test_model_deployments_read_from_a_yaml_file_are_quota_checked_and_created(tmp_path: Path) -> None:
    # contoso-chat lists its models in ai.yaml (loadYamlContent): the loop over them was "a value the
    # read cannot compute", so quota went unchecked and the simulated provision made no deployment
    project = ready(tmp_path, "ai-yaml")
    model = read_infra(load_project(project), {"AZURE_ENV_NAME": "dev", "AZURE_LOCATION": "eastus2"})
    assert not model.unmodelled
    assert [(m.name, m.sku_name, m.capacity) for m in model.models] == [
        ("gpt-4o-mini", "GlobalStandard", 25), ("text-embedding-3-small", "Standard", 15)]
    out = strip_ansi(azd(project, "provision").stdout).splitlines()
    assert [ln.split(": ")[2].split(" (")[0] for ln in out if ln.startswith("  (✓) Done: Azure AI Services Model Deployment")] == [
        "chat", "embeddings"]


def test_an_acs_resource_that_sends_email_gets_no_phone_step(tmp_path: Path) -> None:
    # "Microsoft.Communication" anywhere in the infra counted as telephony: an ACS resource linked to
    # an email service got the phone step, a telephony warning and "phone numbers" at teardown
    project = tmp_path / "acs-email"
    shutil.copytree(PROJECTS / "acs-email", project)
    assert not has_telephony(load_project(project), {"ACS_ENDPOINT": "https://x.communication.azure.com"})
    out = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--create",
                     "--location", "eastus2", "--yes")
    assert out.returncode == 0, out.stdout[-3000:]
    assert "plan: environment → preflight → provision → deploy → verify\n" in out.stdout
    assert "Telephony" not in out.stdout and "phone number" not in out.stdout
    assert not any("phone" in item for item in plan_teardown(load_project(project), "dev", _values(project), None).not_touched)
    accelerator = copy_sample(tmp_path / "sample")  # ACS and email too, and its hooks read the number
    assert has_telephony(load_project(accelerator), {})


def test_the_phone_step_is_in_the_plan_only_where_there_is_telephony(tmp_path: Path) -> None:
    # every todo app's plan, stepper and summary had a Phone step (then "skipped: not applicable")
    todo = load_project(PROJECTS / "avm-todo")
    assert not has_telephony(todo, {})
    assert StepId.PHONE not in Plan().for_project(False).steps
    assert StepId.PHONE in Plan().for_project(False, phone="+14165551234").steps  # asked for: kept
    assert Plan(steps=(StepId.ENVIRONMENT, StepId.PHONE)).for_project(False).steps == (StepId.ENVIRONMENT, StepId.PHONE)
    assert StepId.PHONE in Plan().for_project(True).steps
    project = tmp_path / "avm-todo"
    shutil.copytree(PROJECTS / "avm-todo", project)
    out = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--create",
                     "--location", "eastus2", "--yes", "--steps", "environment")
    assert "plan: environment\n" in out.stdout
    full = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--skip", "provision,deploy,verify")
    assert "plan: environment → preflight → provision → deploy → verify\n" in full.stdout and "Phone" not in full.stdout
    summary = json.loads(sorted((project / ".azure/dev/wizard/runs").glob("*/summary.json"))[-1].read_text())
    assert "phone" not in [s["id"] for s in summary["steps"]]


def test_the_summary_of_a_project_without_telephony_says_nothing_of_calls(tmp_path: Path) -> None:
    # a todo app's summary said "talk to the agent", "voice calls: deploy-wizard phone …" and
    # "Telephony disabled"
    from wizard.tui.screens.summary import next_text

    project = tmp_path / "avm-todo"
    shutil.copytree(PROJECTS / "avm-todo", project)
    out = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--create",
                     "--location", "eastus2", "--yes")
    assert out.returncode == 0, out.stdout[-2000:]
    summary = json.loads(sorted((project / ".azure/dev/wizard/runs").glob("*/summary.json"))[-1].read_text())
    assert summary["telephony"]["applies"] is False
    text = next_text(summary, True).plain
    assert "agent" not in text and "voice calls" not in text and "open the endpoints above" in text
    accelerator = next_text({"env": "dev", "telephony": {"enabled": False, "applies": True}}, True).plain
    assert "talk to the agent" in accelerator and "voice calls: deploy-wizard phone" in accelerator


def test_terraform_teardown_says_what_its_provider_leaves_soft_deleted(tmp_path: Path) -> None:
    # azd passes no --purge to terraform destroy: todo-nodejs-mongo-terraform's provider keeps its
    # vault soft-deleted (name held), yet the plan said "purged permanently" and the simulated
    # teardown "Nothing left behind"
    project = tmp_path / "tf-keep-vault"
    shutil.copytree(PROJECTS / "tf-keep-vault", project)
    assert destroy_purges(project / "infra")["Microsoft.KeyVault/vaults"] is False
    assert destroy_purges(project / "infra")["Microsoft.CognitiveServices/accounts"] is True  # azurerm's default
    up = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--create",
                    "--location", "eastus2", "--yes", "--steps", "environment,provision")
    assert up.returncode == 0, up.stdout[-2000:]
    down = run_wizard("teardown", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--confirm", "dev")
    assert down.returncode == 0, down.stdout[-2000:]
    plan = down.stdout[: down.stdout.index("not touched:")]
    purged = plan[plan.index("purged permanently"):plan.index("left soft-deleted")]
    assert "Cognitive Services / AI Foundry: cog-" in purged and "Key Vault" not in purged
    assert "Key Vault: kv-" in plan[plan.index("left soft-deleted"):]
    assert "left behind: kv-" in down.stdout and "Nothing left behind" not in down.stdout


def test_preflight_on_an_environment_not_created_yet_says_what_to_do(tmp_path: Path) -> None:
    # a first-time user's `deploy-wizard preflight -e dev` on a fresh checkout only heard "does not exist"
    project = tmp_path / "avm-todo"
    shutil.copytree(PROJECTS / "avm-todo", project)
    out = run_wizard("preflight", "--simulate", "-C", str(project), "-e", "dev")
    assert out.returncode == 2
    assert "Run it without -e" in out.stderr and "azd env new dev" in out.stderr, out.stderr
    assert run_wizard("preflight", "--simulate", "-C", str(project)).returncode == 0
