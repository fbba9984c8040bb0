"""explain(): whole pasted transcripts -> failures with steps and 1-based evidence line numbers."""

from __future__ import annotations

import json
from pathlib import Path

from wizard.core.explain import explain, explain_json

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"

UP_OK_THEN_DEPLOY_FAIL = """\
$ azd up --no-prompt

Provisioning and deploying (azd up)
Packaging overlaps with provisioning for faster execution.

  api: Packaging
azurerm_resource_group.main: Creating...
azurerm_resource_group.main: Creation complete after 2s [id=x]
Apply complete! Resources: 1 added, 0 changed, 0 destroyed.
  api: Publishing (Pushing container image) [3s]
  api: Failed (publishing service api: getting target resource: resource not found: unable to find a resource tagged with 'azd-service-name: api'. Ensure the service resource is correctly tagged in your infrastructure configuration, and rerun provision) [4s]

ERROR: step "publish-api" failed: publishing service api: getting target resource: resource not found: unable to find a resource tagged with 'azd-service-name: api'. Ensure the service resource is correctly tagged in your infrastructure configuration, and rerun provision
"""

TWO_COMMANDS = """\
$ azd provision
╭──────────
│ 🚀 Terraform Pre-Provisioning
╰──────────
❌ Could not resolve AZURE_LOCATION. Set it via 'azd env set AZURE_LOCATION <region>' or add to tfvars.

ERROR: failed running pre hooks: 'preprovision' hook failed with exit code: '1', Path: '/tmp/azd-preprovision-1.sh'. : exit code: 1
$ azd deploy

Deploying services (azd deploy)

ERROR: infrastructure has not been provisioned
"""

SUCCESS = """\

Provisioning Azure resources (azd provision)
Provisioning Azure resources can take some time.

  (✓) Done: Resource group: rg-dev (1.521s)

SUCCESS: Your application was provisioned in Azure in 3 minutes 12 seconds.
No phone configured (set ACS_SOURCE_PHONE_NUMBER env var)
"""


def test_up_head_failure_is_a_deploy_failure() -> None:
    (failure,) = explain(UP_OK_THEN_DEPLOY_FAIL)
    assert (failure.step, failure.target, failure.kb_id) == (
        "deploy",
        "service:api",
        "missing-service-tag",
    )
    lines = UP_OK_THEN_DEPLOY_FAIL.split("\n")
    assert lines[failure.evidence_lines[-1] - 1].startswith('ERROR: step "publish-api" failed')


def test_two_commands_two_failures() -> None:
    failures = explain(TWO_COMMANDS)
    assert [(f.step, f.target, f.kb_id) for f in failures] == [
        ("provision", "hook:preprovision", "location-unresolved"),
        ("deploy", None, "not-provisioned"),
    ]
    assert failures[1].evidence_lines == (12,)


def test_success_has_no_failures() -> None:
    assert explain(SUCCESS) == []
    assert explain("") == []
    assert explain("just some text\nnothing wrong") == []
    assert explain_json([]) == {"ok": True, "failures": []}


def test_ansi_and_crlf_transcript_keeps_line_numbers() -> None:
    text = "\r\n".join(
        [
            "",
            "Provisioning Azure resources (azd provision)",
            "\x1b[0m\x1b[1mazurerm_key_vault.main: Creating...\x1b[0m",
            "\x1b[31m╷\x1b[0m",
            "\x1b[31m│\x1b[0m \x1b[1m\x1b[31mError: \x1b[0m\x1b[1mcreating Key Vault: vault name is already in use and in a deleted but recoverable state\x1b[0m",
            "\x1b[31m│\x1b[0m ",
            "\x1b[31m│\x1b[0m   with azurerm_key_vault.main,",
            '\x1b[31m│\x1b[0m   on keyvault.tf line 1, in resource "azurerm_key_vault" "main":',
            "\x1b[31m╵\x1b[0m",
            "\x1b[31mERROR: deployment failed: error deploying infrastructure: template Deploy failed: exit status 1\x1b[0m",
        ]
    )
    (failure,) = explain(text)
    assert (failure.step, failure.target, failure.kb_id) == (
        "provision",
        "resource:azurerm_key_vault/main",
        "soft-deleted-conflict",
    )
    assert (
        5 in failure.evidence_lines and 7 in failure.evidence_lines and 10 in failure.evidence_lines
    )
    assert all("\x1b" not in e for e in failure.evidence)


def test_wrapped_error_line_still_recognised() -> None:
    text = (
        "Deploying services (azd deploy)\n\nERROR: publishing service web: getting target resource: resource not found: unable to find a\n"
        "resource tagged with 'azd-service-name: web'. Ensure the service resource is correctly tagged\n"
    )
    (failure,) = explain(text)
    assert failure.kb_id == "missing-service-tag" and failure.target == "service:web"


def test_json_schema() -> None:
    failures = explain((FIXTURES / "tf-state-lock.txt").read_text(encoding="utf-8"))
    data = explain_json(failures)
    json.dumps(data)  # serialisable
    assert data["ok"] is False
    (item,) = data["failures"]
    assert set(item) >= {
        "step",
        "target",
        "cause",
        "fix",
        "evidence",
        "evidence_lines",
        "id",
        "title",
        "link",
        "recognised",
    }
    assert item["id"] == "tf-state-lock" and item["recognised"] is True
    assert item["fix_commands"] == [
        "terraform force-unlock -force 2613d196-c1b7-001e-2cfc-d838f97a2e1a"
    ]
    assert len(item["evidence"]) == len(item["evidence_lines"])


def test_unrecognised_failure_in_transcript() -> None:
    text = "Deploying services (azd deploy)\n\n  api: Failed (exploded) [2s]\n\nERROR: publishing service api: exploded in a new way\n"
    (failure,) = explain(text)
    assert failure.kb_id is None
    assert (
        failure.cause
        == "Not a known failure; azd says: publishing service api: exploded in a new way"
    )
    assert failure.step == "deploy" and failure.target == "service:api"
    assert explain_json([failure])["failures"][0]["recognised"] is False


def test_findings_in_a_plain_log() -> None:
    (failure,) = explain("2026-02-11 startup probe failed: connection refused\n")
    assert (failure.step, failure.kb_id, failure.evidence_lines) == (
        "verify",
        "startup-probe-failed",
        (1,),
    )


def test_flood_with_early_failure_is_explained_quickly() -> None:
    import time

    lines = [f"flood line {i} lorem ipsum: dolor" for i in range(100_000)]
    lines[500:503] = [
        "╷",
        "│ Error: Error acquiring the state lock",
        "│   ID:        2613d196-c1b7-001e-2cfc-d838f97a2e1a",
    ]
    lines.append(
        "ERROR: deployment failed: error deploying infrastructure: template Deploy failed: exit status 1"
    )
    text = "Provisioning Azure resources (azd provision)\n" + "\n".join(lines)
    start = time.perf_counter()
    (failure,) = explain(text)
    assert time.perf_counter() - start < 10
    assert failure.kb_id == "tf-state-lock"
    assert failure.evidence_lines == (503, 504, 100_002)
