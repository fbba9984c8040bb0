"""Diagnosis from structure: azd's error chain, Azure's errors, the run's history, the formatter."""

from __future__ import annotations

import pytest

from wizard.cli.failure_text import annotation, failure_lines
from wizard.core.azd_chain import read_chain, read_chains
from wizard.core.azure_errors import parse_azure_errors, resource_in, root_error
from wizard.core.diagnose import diagnose
from wizard.core.events import Failure, Line


@pytest.mark.parametrize(
    ("message", "step", "target"),
    [
        ("error executing step command 'deploy --all': deploying service api: packaging service api: building container image: exit status 1", "deploy", "service:api"),
        ("failed deploying service 'web': failed invoking event handlers for 'predeploy', 'predeploy' hook failed with exit code: '1', Path: 'x.ps1'", "deploy", "hook:web/predeploy"),
        ("error executing step command 'provision': failed running pre hooks: 'preprovision' hook failed with exit code: '2', Path: 'a.sh'", "provision", "hook:preprovision"),
        ('step "publish-api" failed: getting target resource: resource not found', "deploy", "service:api"),
        ('step "cmdhook-postprovision" failed: \'postprovision\' hook failed with exit code: \'126\'', "provision", "hook:postprovision"),
        ("deleting infrastructure: error deleting Azure resources: deleting resource groups", "teardown", None),
        ("parsing project file: unable to parse azure.yaml file. File is empty.", "environment", "file:azure.yaml"),
        ("error executing step command 'provision': AADSTS50076: Due to a configuration change…", "preflight", "auth:azd"),
        ("initializing provisioning manager: failed to compile bicep template: failed running bicep build", "provision", None),
        ("failed publishing service 'api': getting target resource: x", "deploy", "service:api"),
    ],
)
def test_chain_names_step_and_target(message: str, step: str, target: str | None) -> None:
    chain = read_chain(message)
    assert (chain.step, chain.target) == (step, target)


def test_outer_and_inner_chains_combine() -> None:
    chain = read_chains(
        [
            "failed running post hooks: 'postdeploy' hook failed with exit code: '1'",
            "error executing step command 'deploy --all': failed running post hooks: …",
        ]
    )
    assert (chain.step, chain.target) == ("deploy", "hook:postdeploy")


def test_deployment_error_details_root_is_the_inner_error() -> None:
    errors = parse_azure_errors(
        [
            "Deployment Error Details:",
            "InvalidTemplateDeployment: The template deployment 'ai' is not valid. See inner errors for details.",
            "InsufficientQuota: Insufficient quota. Cannot create/update/move resource 'cog-x1'.",
        ]
    )
    root = root_error(errors)
    assert root is not None and root.code == "InsufficientQuota" and root.resource == "cog-x1"


def test_response_error_block_takes_resource_from_url_and_words_from_body() -> None:
    lines = [
        "ERROR: deploying service api: POST https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/cr1/scheduleRun",
        "-" * 80,
        "RESPONSE 400: 400 Bad Request",
        "ERROR CODE: TasksOperationsNotAllowed",
        "-" * 80,
        "{",
        '  "error": {"code": "TasksOperationsNotAllowed", "message": "ACR Tasks requests are not permitted."}',
        "}",
    ]
    root = root_error(parse_azure_errors(lines))
    assert root is not None
    assert (root.code, root.message, root.resource) == (
        "TasksOperationsNotAllowed",
        "ACR Tasks requests are not permitted.",
        "Microsoft.ContainerRegistry/registries/cr1",
    )


@pytest.mark.parametrize(
    ("text", "resource"),
    [
        ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a1/deployments/gpt", "Microsoft.CognitiveServices/accounts/deployments/a1/gpt"),
        ("Resource group 'rg-x' could not be found.", "Microsoft.Resources/resourceGroups/rg-x"),
        ("Authorization failed for template resource 'ra1' of type 'Microsoft.Authorization/roleAssignments'.", "Microsoft.Authorization/roleAssignments/ra1"),
        ("Failed to provision revision for container app 'redis'.", "redis"),
    ],
)
def test_resource_at_fault(text: str, resource: str) -> None:
    assert resource_in(text) == resource


def test_bicep_diagnostic_gives_code_file_and_line() -> None:
    failure = diagnose(
        "provision",
        [
            Line(
                r"ERROR: initializing provisioning manager: failed to compile bicep template: failed running bicep build: exit code: 1, stdout: , stderr: C:\src\app\infra\core\host\apps.bicep(26,10) : Error BCP420: The scope could not be resolved at compile time. [https://aka.ms/bicep/core-diagnostics#BCP420]"
            )
        ],
        exit_code=1,
    )
    assert (failure.kb_id, failure.code, failure.target) == ("bicep-error", "BCP420", "file:infra/core/host/apps.bicep")
    assert failure.location == "infra/core/host/apps.bicep:26"
    assert failure.doc_url == "https://aka.ms/bicep/core-diagnostics#BCP420"


def test_unknown_code_shows_code_message_resource_and_doc_page() -> None:
    failure = diagnose(
        "provision",
        [
            Line("Deployment Error Details:"),
            Line("FrobnicationRefused: The frobnicator of account 'acc1' refused. Cannot create/update/move resource 'acc1'."),
        ],
        exit_code=1,
    )
    assert failure.kb_id == "azure-error-code" and failure.code == "FrobnicationRefused"
    assert "FrobnicationRefused" in failure.cause and "acc1" in failure.cause
    assert failure.target == "resource:acc1" and failure.doc_url and failure.fix_commands


def test_history_deploy_after_provision_is_not_called_unprovisioned() -> None:
    lines = [Line("ERROR: infrastructure has not been provisioned. Run `azd provision`")]
    assert diagnose("deploy", lines, exit_code=1).kb_id == "not-provisioned"
    after = diagnose("deploy", lines, exit_code=1, done=["environment", "preflight", "provision"])
    assert after.kb_id == "provisioned-env-not-seen"
    assert "provision" not in (after.title or "").split()[0]


def test_crlf_hook_exit_127_is_line_endings_not_a_missing_command() -> None:
    failure = diagnose(
        "provision",
        [Line("ERROR: failed running post hooks: 'postprovision' hook failed with exit code: '127', Path: '/tmp/azd-postprovision-1.sh'. : exit code: 127")],
        exit_code=1,
    )
    assert failure.kb_id == "bad-interpreter-crlf" and failure.target == "hook:postprovision"
    missing = diagnose(
        "provision",
        [Line("./x.sh: line 3: jq: command not found"), Line("ERROR: failed running post hooks: 'postprovision' hook failed with exit code: '127', Path: 'x.sh'. : exit code: 127")],
        exit_code=1,
    )
    assert missing.kb_id == "jq-missing"


def test_every_corpus_failure_has_a_next_action() -> None:
    from bench.diagnose_score import load_corpus, score

    result = score(load_corpus())
    assert all(o.next_action for o in result.outcomes), [o.name for o in result.outcomes if not o.next_action]


def test_one_formatter_names_code_and_resource_everywhere() -> None:
    failure = Failure(
        step="deploy",
        target="service:api",
        cause="ACR Tasks are not allowed",
        fix="Build locally.",
        code="TasksOperationsNotAllowed",
        code_message="ACR Tasks requests are not permitted.",
        resource="resource:Microsoft.ContainerRegistry/registries/cr1",
        kb_id="acr-tasks-not-allowed",
    )
    text = "\n".join(failure_lines(failure))
    assert "code:     TasksOperationsNotAllowed — ACR Tasks requests are not permitted." in text
    assert "resource: resource Microsoft.ContainerRegistry/registries/cr1" in text
    assert annotation(failure, "deploy") == "service:api: [TasksOperationsNotAllowed] ACR Tasks are not allowed"
    d = failure.to_dict()
    assert {"target", "cause", "fix", "evidence", "id"} <= d.keys()  # old keys kept
    assert d["code"] == "TasksOperationsNotAllowed" and d["resource"].endswith("/cr1")


LOCKED = [  # real azd 1.31.2's `azd down` on a locked group (tests/fixtures/real-azd/failures), shortened
    "Deleting resource group rg-demo",
    "  (x) Failed: Failed deleting resource group rg-demo",
    "",
    "ERROR: deleting infrastructure: error deleting Azure resources: deleting resource groups: beginning resource group "
    "deletion: DELETE https://management.azure.com/subscriptions/s/resourcegroups/rg-demo",
    "-" * 80,
    "RESPONSE 409: 409 Conflict",
    "ERROR CODE: ScopeLocked",
    "-" * 80,
    '{"error": {"code": "ScopeLocked", "message": "The scope \'/subscriptions/s/resourcegroups/rg-demo\' cannot perform '
    'delete operation because following scope(s) are locked."}}',
]


@pytest.mark.parametrize(("rows", "target"), [
    ((), "resource:Resource group/rg-demo"),  # azd's own failed line is the row
    (("resource:Resource group/rg-demo",), "resource:Resource group/rg-demo"),
    (("resource:rg-demo",), "resource:Resource group/rg-demo"),  # the failed line comes first
])
def test_a_failure_takes_the_id_of_the_row_naming_the_same_resource(rows: tuple[str, ...], target: str) -> None:
    """Azure's error names the group by its ARM type (Microsoft.Resources/resourceGroups), azd's line
    by its display name: one resource, one target id, the row's (so the UI marks that row)."""
    failure = diagnose("teardown", [Line(t) for t in LOCKED], exit_code=1, rows=rows)
    assert failure.kb_id == "resource-group-deletion-blocked" and failure.target == target


def test_a_row_of_another_type_with_the_same_name_is_not_the_failures() -> None:
    error_only = LOCKED[3:]  # no failed line of azd's: only the rows the step showed
    assert diagnose("teardown", [Line(t) for t in error_only], exit_code=1,
                    rows=("resource:Key Vault/rg-demo",)).target == "resource:Microsoft.Resources/resourceGroups/rg-demo"
    assert diagnose("teardown", [Line(t) for t in error_only], exit_code=1,
                    rows=("resource:Key Vault/rg-demo", "resource:Resource group/rg-demo")).target == "resource:Resource group/rg-demo"
