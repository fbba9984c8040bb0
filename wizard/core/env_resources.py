"""Where an azd environment's resources are: found the way azd finds them.

azd tags every resource group it provisions with `azd-env-name: <env>` and finds them again by
that tag (`GET /subscriptions/{s}/resourcegroups?$filter=tagName eq 'azd-env-name' and tagValue eq
'<env>'`); most templates never output `AZURE_RESOURCE_GROUP`. Teardown (what will be deleted, what
is left behind), verify and the phone step's restart all use this one lookup.
"""

from __future__ import annotations

from collections.abc import Mapping

from wizard.core.ports import AzurePorts

ENV_TAG = "azd-env-name"


def provisioned(values: Mapping[str, str]) -> bool:
    """Whether azd may have created something for this environment (it needs a subscription to)."""
    return bool(values.get("AZURE_SUBSCRIPTION_ID"))


def env_resource_groups(env: str, values: Mapping[str, str], ports: AzurePorts | None) -> list[str]:
    """The resource groups of `env`: tagged `azd-env-name=<env>`, and `AZURE_RESOURCE_GROUP` if it exists.

    Without Azure access only `AZURE_RESOURCE_GROUP` can be named (unverified).
    """
    named = values.get("AZURE_RESOURCE_GROUP") or None
    if ports is None:
        return [named] if named else []
    groups = list(ports.resources.resource_groups_tagged(ENV_TAG, env))
    if named and named not in groups and ports.resources.resource_group_exists(named):
        groups.append(named)
    return groups
