"""Failures injected into a copy of a cassette: Azure answers differently, the real azd reacts.

Each helper edits responses of a `Cassette` (a session's private copy, see
`ReplaySession(mutate=...)`) so that real azd meets a real-shaped Azure error, and returns a
one-line description for the fixture header. Shapes follow what ARM answers: a deployment that
fails while running reports it through its async operation status (`status: Failed` with the
nested `DeploymentFailed` → `ResourceDeploymentFailure` → cause tree); a policy denial is caught
by ARM's preflight (`validate` answers 400 `InvalidTemplateDeployment`); refusals of a single
call answer that call with the ARM error envelope.

`quick_build_log` is not a failure: it drops the remote build's idle log polls (see there).
"""

from __future__ import annotations

import json
from urllib.parse import unquote

from tests.realazd.cassette import Cassette, Interaction

DEPLOYMENTS = "/providers/Microsoft.Resources/deployments/"


def _set_answer(interaction: Interaction, code: int, reason: str, body: object,
                drop: tuple[str, ...] = ("Azure-Asyncoperation", "Location", "Retry-After")) -> None:
    response = interaction.response
    response["code"] = code
    response["status"] = f"{code} {reason}"
    text = json.dumps(body, separators=(",", ":"))
    response["body"] = text
    response["content_length"] = len(text.encode())
    headers = {k: v for k, v in (response.get("headers") or {}).items() if k not in drop}
    headers["Content-Type"] = ["application/json; charset=utf-8"]
    response["headers"] = headers


def _deployment_name(cassette: Cassette) -> str:
    return f"{cassette.env_name}-{cassette.clock}"


def _deployment_path(cassette: Cassette) -> str:
    return f"/subscriptions/{cassette.subscription_id}{DEPLOYMENTS}{_deployment_name(cassette)}"


def resource_ids(cassette: Cassette) -> list[str]:
    """The resources the recorded deployment created (its `outputResources`)."""
    for interaction in cassette.find("GET", DEPLOYMENTS + _deployment_name(cassette)):
        body = json.loads(interaction.response_body() or b"{}")
        found = [r["id"] for r in (body.get("properties") or {}).get("outputResources") or []]
        if found:
            return found
    return []


def resource_name(cassette: Cassette, resource_type: str) -> str:
    """The name of the recorded resource of `resource_type` (e.g. `Microsoft.App/managedEnvironments`)."""
    for resource_id in resource_ids(cassette):
        if f"/providers/{resource_type}/" in resource_id:
            return resource_id.rsplit("/", 1)[1]
    raise LookupError(f"no {resource_type} among the recorded deployment's resources")


def _resource_group_id(cassette: Cassette) -> str:
    return f"/subscriptions/{cassette.subscription_id}/resourceGroups/rg-{cassette.env_name}"


def deployment_fails_insufficient_quota(cassette: Cassette) -> str:
    """The subscription deployment runs and fails: the Container Apps environment is over quota."""
    environment = resource_name(cassette, "Microsoft.App/managedEnvironments")
    rg = _resource_group_id(cassette)
    cause = {
        "code": "InsufficientQuota",
        "message": (
            f"The subscription '{cassette.subscription_id}' cannot have more than 1 environments in "
            f"East US 2: operation for managed environment '{environment}' would exceed the quota "
            "'ManagedEnvironmentCount' (limit 1, usage 1). Request a quota increase: "
            "https://aka.ms/containerapps/quota"
        ),
    }
    error = {
        "code": "DeploymentFailed",
        "target": _deployment_path(cassette),
        "message": (
            "At least one resource deployment operation failed. Please list deployment operations for "
            "details. Please see https://aka.ms/arm-deployment-operations for usage details."
        ),
        "details": [{
            "code": "ResourceDeploymentFailure",
            "target": f"{rg}/providers/Microsoft.App/managedEnvironments/{environment}",
            "message": "The resource write operation failed to complete successfully, because it "
                       "reached terminal provisioning state 'Failed'.",
            "details": [cause],
        }],
    }
    status = cassette.first("GET", f"{DEPLOYMENTS}{_deployment_name(cassette)}/operationStatuses/")
    _set_answer(status, 200, "OK", {"status": "Failed", "error": error}, drop=())
    for interaction in cassette.find("GET", DEPLOYMENTS + _deployment_name(cassette)):
        if "/operationStatuses/" in interaction.key.path:
            continue
        body = json.loads(interaction.response_body() or b"{}")
        properties = body.get("properties") or {}
        if properties.get("provisioningState") == "Succeeded" and properties.get("outputs"):
            properties.update(provisioningState="Failed", error=error)
            properties.pop("outputs", None)
            _set_answer(interaction, 200, "OK", body, drop=())
            break
    return f"ARM deployment {_deployment_name(cassette)} fails: InsufficientQuota on managed environment {environment}"


def validation_denied_by_policy(cassette: Cassette, resource_type: str = "Microsoft.ContainerRegistry/registries") -> str:
    """ARM's preflight (`validate`) rejects the deployment: a policy disallows one resource."""
    name = resource_name(cassette, resource_type)
    assignment = "/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policyAssignments/deny-public-registries"
    definition = "/providers/Microsoft.Authorization/policyDefinitions/0fdf0491-d080-4575-b627-ad0e843cba0f"
    body = {"error": {
        "code": "InvalidTemplateDeployment",
        "message": "The template deployment failed because of policy violation. Please see details for more information.",
        "details": [{
            "code": "RequestDisallowedByPolicy",
            "target": name,
            "message": (
                f"Resource '{name}' was disallowed by policy. Policy identifiers: "
                f"'[{{\"policyAssignment\":{{\"name\":\"Container registries should not allow unrestricted network access\","
                f"\"id\":\"{assignment}\"}},\"policyDefinition\":{{\"name\":\"Container registries should not allow "
                f"unrestricted network access\",\"id\":\"{definition}\"}}}}]'."
            ),
            "additionalInfo": [{"type": "PolicyViolation", "info": {
                "policyAssignmentId": assignment, "policyDefinitionId": definition, "evaluationDetails": {}}}],
        }],
    }}
    validate = cassette.first("POST", f"{DEPLOYMENTS}{_deployment_name(cassette)}/validate")
    _set_answer(validate, 400, "Bad Request", body)
    validate.response["headers"]["X-Ms-Failure-Cause"] = ["gateway"]
    return f"ARM validate of {_deployment_name(cassette)} answers 400: RequestDisallowedByPolicy on {resource_type} {name}"


def schedule_run_refused(cassette: Cassette) -> str:
    """ACR refuses the remote build (`scheduleRun`): ACR Tasks are not allowed for the registry."""
    call = cassette.first("POST", "/scheduleRun")
    registry = unquote(call.key.path).split("/registries/", 1)[1].split("/", 1)[0]
    _set_answer(call, 400, "Bad Request", {"error": {
        "code": "TasksOperationsNotAllowed",
        "message": f"ACR Tasks requests for the registry {registry} are not permitted. Please file an "
                   "Azure support request at http://aka.ms/azuresupport for assistance.",
    }})
    return f"ACR scheduleRun on {registry} answers 400 TasksOperationsNotAllowed"


def resource_group_delete_conflict(cassette: Cassette) -> str:
    """Deleting the resource group answers 409: a delete lock is on it."""
    group = f"rg-{cassette.env_name}"
    call = next(i for i in cassette.find("DELETE", f"/resourcegroups/{group}")
                if i.key.path.lower().endswith(f"/resourcegroups/{group}"))
    scope = f"/subscriptions/{cassette.subscription_id}/resourcegroups/{group}"
    _set_answer(call, 409, "Conflict", {"error": {
        "code": "ScopeLocked",
        "message": f"The scope '{scope}' cannot perform delete operation because following scope(s) are "
                   f"locked: '{scope}'. Please remove the lock and try again.",
    }})
    return f"DELETE resource group {group} answers 409 ScopeLocked"


def quick_build_log(cassette: Cassette) -> str:
    """Drop the remote build log's idle polls, so azd does not sleep between them.

    azd polls the log blob with HEAD, downloads what is new, and sleeps 1 s after a HEAD that
    shows nothing new (5 s after a 404, the log not being there yet). Dropping the 404s and every
    HEAD that repeats the previous length without the `Complete` mark leaves the same downloads of
    the same byte ranges in the same order: only the waiting between them goes.
    """
    dropped: set[int] = set()
    previous_length: int | None = None
    for interaction in cassette.interactions:
        if interaction.key.method != "HEAD" or "/logs/" not in interaction.key.path:
            continue
        response = interaction.response
        headers = response.get("headers") or {}
        length = response.get("content_length")
        complete = any(k.lower() == "x-ms-meta-complete" for k in headers)
        if response["code"] == 404 or (length == previous_length and not complete):
            dropped.add(interaction.id)
        if response["code"] != 404:
            previous_length = length
    cassette.interactions = [i for i in cassette.interactions if i.id not in dropped]
    return f"remote build log: {len(dropped)} idle polls dropped"
