"""diagnose(): knowledge-base loading, selection, targets, evidence, unknown failures, masking."""

from __future__ import annotations

import re

import pytest

from wizard.core.diagnose import (
    KnowledgeError,
    best_match,
    diagnose,
    entry_by_id,
    fill,
    load_knowledge,
    match_text,
    parse_entries,
)
from wizard.core.events import Line
from wizard.core.redact import Redactor

REQUIRED_IDS = {
    # lessons-learned "Common Issues & Fixes" and lessons
    "health-timeout",
    "startup-probe-failed",
    "placeholder-image",
    "target-port-mismatch",
    "phone-number-missing",
    "acs-telephony-disabled",
    "missing-service-tag",
    "easyauth-401",
    "python-typealias",
    "python-too-old",
    "provision-without-deploy",
    # azd / Azure / terraform / hooks
    "not-logged-in",
    "wrong-tenant",
    "missing-location",
    "missing-subscription",
    "insufficient-quota",
    "provider-not-registered",
    "policy-disallowed",
    "soft-deleted-conflict",
    "hook-failed",
    "bad-interpreter-crlf",
    "command-not-found",
    "jq-missing",
    "terraform-missing",
    "terraform-too-old",
    "tf-state-lock",
    "rbac-not-propagated",
    "deploy-timeout",
    "image-push-failed",
    "remote-state-incomplete",
    "location-unresolved",
    "not-provisioned",
    "rg-already-exists",
}


def lines(*texts: str) -> list[Line]:
    return [Line(t) for t in texts]


def test_knowledge_base_is_valid_and_complete() -> None:
    entries = load_knowledge()
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    assert REQUIRED_IDS <= set(ids), REQUIRED_IDS - set(ids)
    for entry in entries:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", entry.id), entry.id
        assert entry.title and entry.cause and entry.fix
        assert entry.match or entry.match_all or entry.codes or entry.code_families
        for command in entry.fix_commands:
            assert "\n" not in command
    assert load_knowledge() == entries  # cached, same content
    assert entry_by_id("tf-state-lock") is not None and entry_by_id("nope") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "t", "cause": "c", "fix": "f", "match": ["x"]}, "needs an `id`"),
        ({"id": "a", "cause": "c", "fix": "f", "match": ["x"]}, "`title` is required"),
        ({"id": "a", "title": "t", "cause": "c", "fix": "f"}, "needs `match`"),
        ({"id": "a", "title": "t", "cause": "c", "fix": "f", "match": ["("]}, "bad regex"),
        (
            {
                "id": "a",
                "title": "t",
                "cause": "c",
                "fix": "f",
                "match": ["x"],
                "steps": ["nowhere"],
            },
            "unknown steps",
        ),
    ],
)
def test_bad_entries_are_rejected(data: dict, message: str) -> None:
    with pytest.raises(KnowledgeError, match=re.escape(message)):
        parse_entries([data], "test.yaml")


def test_fill() -> None:
    assert fill("azd deploy {service|--all}", {}) == "azd deploy --all"
    assert fill("azd deploy {service|--all}", {"service": "api"}) == "azd deploy api"
    assert fill("x {missing}", {}) == "x <missing>"
    assert fill(None, {}) is None


def test_unknown_failure_keeps_step_target_and_error_line() -> None:
    failure = diagnose(
        "deploy",
        lines(
            "  api: Publishing",
            "ERROR: publishing service api: something nobody has seen before",
            "",
        ),
        exit_code=1,
    )
    assert failure.kb_id is None and not failure.recognised
    assert failure.step == "deploy"
    assert failure.target == "service:api"
    assert (
        failure.cause
        == "Not a known failure; azd says: publishing service api: something nobody has seen before"
    )
    assert failure.evidence == ("ERROR: publishing service api: something nobody has seen before",)
    assert failure.fix and "azd deploy" in failure.fix
    assert failure.fix_commands == ("azd deploy --debug",)  # a next action, even for the unknown


def test_unknown_failure_without_error_line_uses_exit_code_and_given_target() -> None:
    failure = diagnose(
        "provision", lines("doing things", "still doing"), target="hook:preprovision", exit_code=2
    )
    assert failure.target == "hook:preprovision"
    assert failure.cause.startswith("Not a known failure; azd says: exit code 2")
    assert failure.evidence == ("doing things", "still doing")


def test_target_falls_back_to_parser_running_target() -> None:
    failure = diagnose(
        "provision", lines("azurerm_container_app.backend: Creating...", "weird crash"), exit_code=1
    )
    assert failure.target == "resource:azurerm_container_app/backend"


def test_unknown_terraform_error_points_at_file_and_line() -> None:
    failure = diagnose(
        "provision",
        lines(
            "azurerm_x.y: Creating...",
            "╷",
            "│ Error: something new",
            "│ ",
            "│   with azurerm_x.y,",
            '│   on main.tf line 3, in resource "azurerm_x" "y":',
            '│    3: resource "azurerm_x" "y" {',
            "│ ",
            "│ the explanation",
            "╵",
            "ERROR: deployment failed: error deploying infrastructure: template Deploy failed: exit status 1",
        ),
    )
    assert failure.kb_id is None
    assert failure.target == "resource:azurerm_x/y"
    assert "main.tf line 3" in (failure.fix or "")
    assert "│ the explanation" in failure.evidence
    assert "│ Error: something new" in failure.evidence


def test_recognised_terraform_error_fix_mentions_location() -> None:
    failure = diagnose(
        "provision",
        lines(
            '│ Error: A resource with the ID "/subscriptions/s/resourceGroups/rg-x" already exists - to be managed via Terraform this resource needs to be imported into the State.',
            "│   with azurerm_resource_group.main,",
            '│   on main.tf line 52, in resource "azurerm_resource_group" "main":',
        ),
    )
    assert failure.kb_id == "rg-already-exists"
    assert "az group delete -n rg-x" in failure.fix_commands
    assert "main.tf line 52" in (failure.fix or "")


def test_step_specific_entry_wins() -> None:
    text = ["health check timed out after 30 seconds"]
    assert diagnose("verify", lines(*text)).kb_id == "health-timeout"
    assert diagnose("deploy", lines(*text)).kb_id == "deploy-timeout"


def test_specific_beats_generic_hook_failure() -> None:
    failure = diagnose(
        "provision",
        lines(
            "helpers/preflight-checks.sh: line 4: jq: command not found",
            "ERROR: failed running pre hooks: 'preprovision' hook failed with exit code: '127', Path: '/tmp/x.sh'. : exit code: 127",
        ),
    )
    assert failure.kb_id == "jq-missing"
    assert failure.target == "hook:preprovision"
    assert failure.evidence[0].endswith("jq: command not found")


def test_hook_failure_evidence_includes_hook_output() -> None:
    failure = diagnose(
        "provision",
        lines(
            "╭──────",
            "│ 🚀 Terraform Pre-Provisioning",
            "╰──────",
            "contacting the model catalogue",
            "model gpt-4o is not enabled for this tenant",
            "ERROR: failed running pre hooks: 'preprovision' hook failed with exit code: '3', Path: '/tmp/x.sh'. : exit code: 3",
        ),
    )
    assert failure.kb_id == "hook-failed"
    assert "model gpt-4o is not enabled for this tenant" in failure.evidence
    assert failure.cause.startswith("The preprovision hook script exited with code 3")


def test_evidence_is_capped() -> None:
    many = [f"│ Error: problem {i}" for i in range(30)] + ["ERROR: deployment failed"]
    failure = diagnose("provision", lines(*many))
    assert len(failure.evidence) <= 8


def test_evidence_is_the_masked_text_as_given() -> None:
    redactor = Redactor(["sk-super-secret-123"])
    raw = [
        "Publishing service api (Pushing container image)",
        "ERROR: failed deploying service 'api': failed pushing image: docker login -p sk-super-secret-123 denied: requested access to the resource is denied; AccountKey=abcdef123456==",
    ]
    masked = [Line(redactor.mask(t)) for t in raw]
    failure = diagnose("deploy", masked)
    assert failure.kb_id == "image-push-failed"
    joined = "\n".join(failure.evidence)
    assert "sk-super-secret-123" not in joined and "abcdef123456" not in joined
    assert "****" in joined


def test_lines_with_targets_from_the_engine_are_used_last() -> None:
    failure = diagnose("deploy", [Line("boom", "service:web"), Line("exit", None)], exit_code=1)
    assert failure.target == "service:web"


def test_match_text() -> None:
    assert (
        match_text("startup probe failed: connection refused", "verify").id
        == "startup-probe-failed"
    )
    assert match_text("all good, nothing to see") is None
    assert (
        match_text("⚠️  ACS TELEPHONY DISABLED: Missing required environment variables").id
        == "acs-telephony-disabled"
    )
    assert (
        match_text(
            "image: mcr.microsoft.com/azuredocs/containerapps-helloworld:latest", "verify"
        ).id
        == "placeholder-image"
    )


def test_best_match_reports_groups() -> None:
    found = best_match(
        ["The subscription is not registered to use namespace 'Microsoft.App'."], "provision"
    )
    assert found is not None and found.entry.id == "provider-not-registered"
    assert found.groups["namespace"] == "Microsoft.App"
    failure = diagnose(
        "provision", lines("The subscription is not registered to use namespace 'Microsoft.App'.")
    )
    assert failure.fix_commands[0] == "az provider register --namespace Microsoft.App --wait"


def test_diagnose_never_raises_on_odd_input() -> None:
    failure = diagnose(
        "provision", [Line("\x00" * 10), Line("ERROR: \x1b[31m")], target=None, exit_code=None
    )
    assert failure.step == "provision"
