"""OutputParser: attribution of azd / terraform / hook lines to targets, and target updates."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from wizard.core.ansi import clean_line
from wizard.core.parse import Attribution, OutputParser, TargetUpdate, chain_target, tf_target
from wizard.core.project import Hook, Infra, Project, Service

SAMPLES = Path("/work/shared/reference/terraform-samples")


def project(hooks: tuple[str, ...] = ("preprovision", "postprovision")) -> Project:
    return Project(
        root=Path("/tmp/p"),
        azure_yaml=Path("/tmp/p/azure.yaml"),
        name="art-voice-agent-accelerator",
        services=(
            Service("rtaudio-client", host="containerapp"),
            Service("rtaudio-server", host="containerapp"),
            Service("webchat-demo", host="containerapp"),
        ),
        infra=Infra(provider="terraform", path="infra/terraform"),
        hooks=tuple(Hook(h, f"devops/scripts/azd/{h}.sh") for h in hooks),
    )


def feed_all(parser: OutputParser, lines: list[str]) -> list[Attribution]:
    return [parser.feed(line) for line in lines]


def updates_of(attrs: list[Attribution]) -> list[TargetUpdate]:
    return [u for a in attrs for u in a.updates]


def final_status(attrs: list[Attribution]) -> dict[str, str]:
    out: dict[str, str] = {}
    for u in updates_of(attrs):
        out[u.target] = u.status
    return out


def sample(name: str) -> list[str]:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("reference samples not available")
    return [clean_line(x) for x in path.read_text(encoding="utf-8").split("\n")]


# -- terraform --------------------------------------------------------------------------------


def test_tf_target_names() -> None:
    assert tf_target("azurerm_container_app.backend") == "resource:azurerm_container_app/backend"
    assert (
        tf_target('module.ai.azurerm_cognitive_deployment.model["gpt-4o"]')
        == 'resource:azurerm_cognitive_deployment/module.ai.model["gpt-4o"]'
    )
    assert (
        tf_target("data.azurerm_client_config.current")
        == "resource:data.azurerm_client_config/current"
    )
    assert tf_target("module.a[0].module.b.x_y.z[1]") == "resource:x_y/module.a[0].module.b.z[1]"


@pytest.mark.parametrize("name", ["apply-failure-colour.txt", "apply-failure-no-color.txt"])
def test_apply_failure_sample(name: str) -> None:
    parser = OutputParser("provision")
    attrs = feed_all(parser, sample(name))
    status = final_status(attrs)
    assert status["resource:terraform_data/rg"] == "done"
    assert status["resource:terraform_data/backend"] == "done"
    assert status["resource:terraform_data/frontend"] == "failed"
    errors = [m for m in parser.marks if m.kind == "tf-error"]
    assert len(errors) == 1
    error = errors[0]
    assert error.text == "Error: local-exec provisioner error"
    assert error.target == "resource:terraform_data/frontend"
    assert (error.file, error.line) == ("main.tf", 14)
    assert error.block == 'resource "terraform_data" "frontend"'
    assert parser.current_target == "resource:terraform_data/frontend"
    # phases along the way
    phases = [(u.target, u.phase, u.detail) for u in updates_of(attrs)]
    assert ("resource:terraform_data/rg", "Created", "after 0s") in phases
    assert ("resource:terraform_data/backend", "Plan: create", "") in phases
    # local-exec output lines belong to their resource
    lines = sample(name)
    i = next(
        i
        for i, x in enumerate(lines)
        if x.startswith("terraform_data.frontend (local-exec): building")
    )
    assert attrs[i].target == "resource:terraform_data/frontend"


def test_apply_failure_colour_still_creating_detail() -> None:
    attrs = feed_all(OutputParser("provision"), sample("apply-failure-colour.txt"))
    assert TargetUpdate(
        "resource:terraform_data/backend", "running", "Creating", "10s elapsed"
    ) in updates_of(attrs)


def test_apply_success_sample() -> None:
    parser = OutputParser("provision")
    attrs = feed_all(parser, sample("apply-success-colour.txt"))
    status = final_status(attrs)
    assert set(status.values()) == {"done"}
    assert len(status) == 3
    assert not [m for m in parser.marks if m.kind != "arm-detail"]


def test_destroy_sample() -> None:
    parser = OutputParser("teardown")
    attrs = feed_all(parser, sample("destroy-colour.txt"))
    ups = updates_of(attrs)
    assert TargetUpdate("resource:terraform_data/backend", "done", "Refreshed", "") in ups
    assert TargetUpdate("resource:terraform_data/backend", "pending", "Plan: destroy", "") in ups
    assert any(u.phase == "Destroying" and u.status == "running" for u in ups)
    assert final_status(attrs) == {
        f"resource:terraform_data/{n}": "done" for n in ("rg", "backend", "frontend")
    }
    assert [u.phase for u in ups if u.target == "resource:terraform_data/rg"][-1] == "Destroyed"
    assert parser.activity == "teardown"


def test_modify_and_read_lines() -> None:
    parser = OutputParser("provision")
    ups = updates_of(
        feed_all(
            parser,
            [
                "data.azurerm_client_config.current: Reading...",
                "data.azurerm_client_config.current: Read complete after 0s [id=x]",
                "azurerm_container_app.backend: Modifying... [id=/subscriptions/x]",
                "azurerm_container_app.backend: Still modifying... [id=/subscriptions/x, 10s elapsed]",
                "azurerm_container_app.backend: Modifications complete after 12s [id=/subscriptions/x]",
            ],
        )
    )
    assert [(u.status, u.phase) for u in ups] == [
        ("running", "Reading"),
        ("done", "Read"),
        ("running", "Modifying"),
        ("running", "Modifying"),
        ("done", "Modified"),
    ]
    assert ups[0].target == "resource:data.azurerm_client_config/current"
    assert ups[3].detail == "10s elapsed"


def test_warning_box_is_not_a_failure() -> None:
    parser = OutputParser("provision")
    attrs = feed_all(
        parser,
        [
            "╷",
            "│ Warning: Argument is deprecated",
            "│ ",
            "│   with azurerm_key_vault.main,",
            "│   on kv.tf line 3:",
            "╵",
        ],
    )
    assert not updates_of(attrs)
    assert not parser.marks


def test_no_colour_error_without_box_and_multiple_errors() -> None:
    parser = OutputParser("provision")
    feed_all(
        parser,
        [
            "Error: first problem",
            "",
            "  with azurerm_key_vault.main,",
            '  on keyvault.tf line 1, in resource "azurerm_key_vault" "main":',
            "",
            "Error: second problem",
            "",
            "  with module.net.azurerm_subnet.apps,",
            '  on modules/net/main.tf line 20, in resource "azurerm_subnet" "apps":',
        ],
    )
    errors = [m for m in parser.marks if m.kind == "tf-error"]
    assert [e.target for e in errors] == [
        "resource:azurerm_key_vault/main",
        "resource:azurerm_subnet/module.net.apps",
    ]
    assert errors[1].file == "modules/net/main.tf" and errors[1].line == 20


def test_windows_paths_in_terraform_error() -> None:
    parser = OutputParser("provision")
    feed_all(
        parser,
        [
            "│ Error: bad",
            "│   with azurerm_x.y,",
            '│   on C:\\src\\infra\\terraform\\main.tf line 7, in resource "azurerm_x" "y":',
        ],
    )
    error = parser.marks[-1]
    assert error.file == "C:\\src\\infra\\terraform\\main.tf" and error.line == 7


# -- azd provision / down (Bicep display lines) ----------------------------------------------


def test_bicep_resource_lines_and_arm_details() -> None:
    parser = OutputParser("provision")
    attrs = feed_all(
        parser,
        [
            "",
            "Provisioning Azure resources (azd provision)",
            "Provisioning Azure resources can take some time.",
            "",
            "Subscription: Contoso Dev (00000000-0000-0000-0000-000000000000)",
            "Location: East US 2",
            "  (✓) Done: Resource group: rg-dev (1.521s)",
            "  (✓) Done: Log Analytics workspace: log-abc123 (21.904s)",
            "  (x) Failed: Container Apps Environment: cae-abc123 (45.2s)",
            "",
            "ERROR: deployment failed: error deploying infrastructure: deploying to subscription:",
            "",
            "Deployment Error Details:",
            "InsufficientQuota: not enough cores",
        ],
    )
    status = final_status(attrs)
    assert status == {
        "resource:Resource group/rg-dev": "done",
        "resource:Log Analytics workspace/log-abc123": "done",
        "resource:Container Apps Environment/cae-abc123": "failed",
    }
    kinds = [m.kind for m in parser.marks]
    assert kinds == ["resource-failed", "azd-error", "arm-detail"]
    assert parser.marks[-1].block == "InsufficientQuota"
    assert parser.marks[1].step_hint == "provision"
    assert parser.current_target == "resource:Container Apps Environment/cae-abc123"


def test_down_lines() -> None:
    parser = OutputParser("teardown")
    status = final_status(
        feed_all(
            parser,
            [
                "Deleting resource group rg-dev",
                "  (✓) Done: Deleted resource group rg-dev",
                "Purging Key Vault: kv-abc123",
                "  (✓) Done: Purging Key Vault: kv-abc123",
                "  (-) Skipped: Purging Cognitive Services account: cog-1",
            ],
        )
    )
    assert status == {
        "resource:Resource group/rg-dev": "done",
        "resource:Key Vault/kv-abc123": "done",
        "resource:Cognitive Services account/cog-1": "skipped",
    }


def test_non_resource_done_lines_have_no_target() -> None:
    parser = OutputParser("provision")
    attrs = feed_all(
        parser, ["  (✓) Done: Downloading Bicep", "  (-) Skipped: Didn't find new changes."]
    )
    assert not updates_of(attrs)


# -- azd deploy --------------------------------------------------------------------------------


def test_deploy_current_format() -> None:
    parser = OutputParser("deploy", project())
    lines = [
        "",
        "Deploying services (azd deploy)",
        "",
        "  rtaudio-client: Packaging",
        "  rtaudio-server: Packaging",
        "  rtaudio-client: Publishing (Pushing container image) [12s]",
        "  rtaudio-server: Deploying (Updating container app revision) [1m5s]",
        "  rtaudio-client: Done [45s]",
        "  rtaudio-server: Failed (deployment of service 'rtaudio-server' timed out after 1200 seconds.) [20m1s]",
        "  webchat-demo: Skipped (canceled)",
        "  - Endpoint: https://artagent-frontend-x.eastus2.azurecontainerapps.io/ ",
    ]
    attrs = feed_all(parser, lines)
    assert attrs[3].target == "service:rtaudio-client"
    assert attrs[5].updates == [
        TargetUpdate(
            "service:rtaudio-client", "running", "Publishing", "Pushing container image [12s]"
        )
    ]
    assert final_status(attrs) == {
        "service:rtaudio-client": "done",
        "service:rtaudio-server": "failed",
        "service:webchat-demo": "skipped",
    }
    assert (
        attrs[-1].updates[0].detail
        == "Endpoint: https://artagent-frontend-x.eastus2.azurecontainerapps.io/"
    )
    assert parser.marks[-1].kind == "service-failed"


def test_deploy_current_format_ignores_unknown_names_with_project() -> None:
    parser = OutputParser("deploy", project())
    assert parser.feed("  note: Done").target is None
    assert OutputParser("deploy").feed("  api: Done [3s]").target == "service:api"


def test_deploy_legacy_format() -> None:
    parser = OutputParser("deploy")
    lines = [
        "Deploying services (azd deploy)",
        "",
        "Deploying service api",
        "Packaging service api (Building Docker image)",
        "some docker output",
        "Publishing service api (Pushing container image)",
        "  (✓) Done: Deploying service api",
        "  - Endpoint: https://api.example.azurecontainerapps.io/ ",
        "",
        "Deploying service web",
        "  (x) Failed: Deploying service web",
    ]
    attrs = feed_all(parser, lines)
    assert attrs[4].target == "service:api"  # plain output during a legacy service section
    assert attrs[3].updates == [
        TargetUpdate("service:api", "running", "Packaging", "Building Docker image")
    ]
    assert attrs[7].updates[0].target == "service:api"
    assert final_status(attrs) == {"service:api": "done", "service:web": "failed"}
    assert parser.current_target == "service:web"


def test_endpoints_in_head_order() -> None:
    parser = OutputParser("deploy")
    attrs = feed_all(
        parser,
        [
            "  api: Done [10s]",
            "  web: Done [12s]",
            "  - Endpoint: https://one/ ",
            "  - Endpoint: https://two/ ",
        ],
    )
    assert attrs[2].updates[0].target == "service:api"
    assert attrs[3].updates[0].target == "service:web"


# -- hooks -------------------------------------------------------------------------------------


def test_accelerator_hook_banners() -> None:
    parser = OutputParser("provision")
    lines = [
        "╭─────────────────────",
        "│ 🚀 Terraform Pre-Provisioning",
        "├─────────────────────",
        "│ ℹ️  Environment: dev",
        "╰─────────────────────",
        "[INFO] something",
        "✅ Pre-provisioning complete!",
        "Provisioning Azure resources (azd provision)",
        "azurerm_resource_group.main: Creating...",
        "azurerm_resource_group.main: Creation complete after 2s [id=x]",
        "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.",
        "╭─────────────────────",
        "│ 📋 Post-Provisioning",
        "│ Task 2: Phone Number Configuration",
        "╰─────────────────────",
        "✅ Post-provisioning complete!",
        "SUCCESS: Your application was provisioned in Azure in 3 minutes.",
    ]
    attrs = feed_all(parser, lines)
    assert attrs[3].target == "hook:preprovision"
    assert attrs[5].target == "hook:preprovision"
    assert attrs[8].target == "resource:azurerm_resource_group/main"
    assert attrs[13].target == "hook:postprovision"
    ups = updates_of(attrs)
    assert [(u.target, u.status) for u in ups if u.target.startswith("hook:")] == [
        ("hook:preprovision", "running"),
        ("hook:preprovision", "done"),
        ("hook:postprovision", "running"),
        ("hook:postprovision", "done"),
    ]
    assert parser.succeeded


def test_hook_from_project_before_title_and_after_apply() -> None:
    parser = OutputParser("provision", project())
    attrs = feed_all(
        parser,
        [
            "checking tools...",
            "all good",
            "",
            "Provisioning Azure resources (azd provision)",
            "terraform_data.rg: Creating...",
            "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.",
            "",
            "Outputs:",
            "",
            'AZURE_LOCATION = "eastus2"',
            "syncing app config",
            "SUCCESS: Your application was provisioned in Azure in 1 minute.",
        ],
    )
    assert attrs[0].target == "hook:preprovision"
    assert attrs[1].target == "hook:preprovision"
    assert attrs[3].updates == [TargetUpdate("hook:preprovision", "done")]
    assert attrs[9].target is None
    assert attrs[10].target == "hook:postprovision"
    assert final_status(attrs)["hook:postprovision"] == "done"


def test_legacy_executing_hook_line() -> None:
    parser = OutputParser("provision")
    attrs = feed_all(
        parser, ["Executing postprovision hook => /tmp/azd-postprovision-1.sh", "hello from hook"]
    )
    assert attrs[1].target == "hook:postprovision"


def test_hook_failure_chain_with_captured_output() -> None:
    parser = OutputParser("provision", project())
    attrs = feed_all(
        parser,
        [
            "ERROR: failed running pre hooks: 'preprovision' hook failed with exit code: '1', Path: 'C:\\Users\\me\\AppData\\Local\\Temp\\azd-preprovision-1.ps1'. : exit code: 1, stdout: line one",
            "line two",
            ", stderr: oops",
        ],
    )
    assert attrs[0].updates == [
        TargetUpdate("hook:preprovision", "failed", "Failed", "exit code 1")
    ]
    assert attrs[1].target == "hook:preprovision"
    assert parser.current_target == "hook:preprovision"
    assert {m.kind for m in parser.marks} == {"azd-error", "hook-failed"}


def test_continue_on_error_warning() -> None:
    parser = OutputParser("provision")
    attr = parser.feed(
        "WARNING: 'postprovision' hook failed with exit code: '2', Path: '/tmp/x.sh'. : exit code: 2"
    )
    assert attr.updates == [
        TargetUpdate("hook:postprovision", "warning", "Failed (continued)", "exit code 2")
    ]


# -- error chains --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "target", "step"),
    [
        (
            "publishing service api: getting target resource: resource not found",
            "service:api",
            "deploy",
        ),
        ("failed publishing service 'api': getting target resource", "service:api", "deploy"),
        ("failed deploying service 'web-app': boom", "service:web-app", "deploy"),
        ('step "publish-api" failed: publishing service api: x', "service:api", "deploy"),
        (
            "error executing step command 'provision': failed running pre hooks: 'preprovision' hook failed with exit code: '1'",
            "hook:preprovision",
            "provision",
        ),
        (
            "failed deploying service 'api': failed running pre hooks: 'predeploy' hook failed with exit code: '2'",
            "hook:api/predeploy",
            "deploy",
        ),
        ('step "cmdhook-preprovision" failed: exit 1', "hook:preprovision", "provision"),
        ("deployment of service 'api' timed out after 1200 seconds.", "service:api", "deploy"),
        (
            "error executing step command 'deploy --all': getting target resource: resource not found: unable to find a resource tagged with 'azd-service-name: svc1'.",
            "service:svc1",
            "deploy",
        ),
        (
            "deployment failed: error deploying infrastructure: deploying to subscription:",
            None,
            "provision",
        ),
        ("not logged in, run `azd auth login` to login", None, None),
    ],
)
def test_chain_target(message: str, target: str | None, step: str | None) -> None:
    assert chain_target(message) == (target, step)


def test_json_envelopes() -> None:
    parser = OutputParser("provision")
    attrs = feed_all(
        parser,
        [
            '{"type":"consoleMessage","timestamp":"2026-08-21T13:09:04.1-07:00","data":{"message":"Succeeded: Creating Resource group: rg-dev\\n"}}',
            '{"type":"consoleMessage","timestamp":"2026-08-21T13:09:05.1-07:00","data":{"message":"Failed: Creating Key Vault: kv-1\\n"}}',
            '{"type":"consoleMessage","timestamp":"x","data":{"message":"\\nERROR: deployment failed: error deploying infrastructure\\n"}}',
            '{"code":"promptRequired","message":"This command cannot continue (interactive prompts disabled)"}',
            "{not json",
        ],
    )
    assert final_status(attrs) == {
        "resource:Resource group/rg-dev": "done",
        "resource:Key Vault/kv-1": "failed",
    }
    assert {"azd-error", "prompt-required", "resource-failed"} <= {m.kind for m in parser.marks}


def test_prompt_required_block() -> None:
    parser = OutputParser("provision")
    feed_all(
        parser,
        [
            "ERROR: initializing provisioning manager: prompt required",
            "",
            "This command cannot continue (interactive prompts disabled)",
        ],
    )
    assert [m.kind for m in parser.marks].count("prompt-required") == 2


def test_ansi_and_crlf_are_tolerated_by_feed() -> None:
    parser = OutputParser("provision")
    attr = parser.feed("\x1b[0m\x1b[1mazurerm_x.y: Creating...\x1b[0m\r\n")
    assert attr.target == "resource:azurerm_x/y"
    assert (
        parser.feed("  (\u2713) Done: Resource group: rg (1s)\r").target
        == "resource:Resource group/rg"
    )


def test_unrelated_lines_have_no_target() -> None:
    parser = OutputParser("provision")
    for line in [
        "hello",
        "  indented: text here",
        "key: value",
        "# comment",
        "- item",
        "│ box",
        "{}",
        "(aside)",
        "Error",
    ]:
        assert parser.feed(line).target is None, line


# -- speed -------------------------------------------------------------------------------------


def test_throughput_on_plain_lines() -> None:
    lines = [f"flood line {i} lorem ipsum dolor sit amet consectetur" for i in range(100_000)]
    parser = OutputParser("provision", project())
    parser.feed("Provisioning Azure resources (azd provision)")
    start = time.perf_counter()
    for line in lines:
        parser.feed(line)
    rate = len(lines) / (time.perf_counter() - start)
    # ~600k lines/s on a developer machine; keep a wide margin for slow CI runners
    assert rate > 100_000, f"{rate:.0f} lines/s"


def test_no_changes_is_what_azd_said_not_an_empty_step() -> None:
    said = OutputParser("provision")
    for line in ("  (-) Skipped: Didn't find new changes.", "",
                 "SUCCESS: There are no changes to provision for your application."):
        said.feed(line)
    assert said.no_changes
    provisioned = OutputParser("provision")
    for line in ("Creating/Updating resources", "", "SUCCESS: Your application was provisioned in Azure in 2 seconds."):
        provisioned.feed(line)
    assert not provisioned.no_changes
