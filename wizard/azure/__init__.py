"""Real adapters on the Azure SDKs, implementing the Protocols of `wizard.core.ports`.

Nothing here imports an Azure SDK at module import time (so `deploy-wizard --help` stays fast):
every SDK import happens inside the function or method that needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.core.ports import AzurePorts


def real_ports(env_values: dict[str, str], *, credential: object | None = None) -> AzurePorts:
    """The ports of an azd environment, on the real Azure SDKs.

    Credentials: `AzureDeveloperCliCredential` (reuses `azd auth login`), then
    `DefaultAzureCredential`. Nothing connects until a port method is called.
    """
    from wizard.azure.arm import ProvidersAdapter, ResourcesAdapter
    from wizard.azure.container_apps import ContainerAppsAdapter
    from wizard.azure.credentials import make_credential
    from wizard.azure.http import HttpAdapter
    from wizard.azure.phone_numbers import PhoneNumbersAdapter
    from wizard.azure.subscriptions import SubscriptionsAdapter
    from wizard.core.ports import AzurePorts

    cred = credential if credential is not None else make_credential(env_values)
    subscription = env_values.get("AZURE_SUBSCRIPTION_ID") or None
    phone_ports: dict[str, PhoneNumbersAdapter] = {}

    def phone_numbers_for(endpoint: str) -> PhoneNumbersAdapter:
        if endpoint not in phone_ports:
            phone_ports[endpoint] = PhoneNumbersAdapter(endpoint, cred)
        return phone_ports[endpoint]

    return AzurePorts(
        container_apps=ContainerAppsAdapter(cred, subscription),
        http=HttpAdapter(),
        phone_numbers_for=phone_numbers_for,
        subscriptions=SubscriptionsAdapter(cred, default_subscription=subscription),
        providers=ProvidersAdapter(cred, subscription),
        resources=ResourcesAdapter(cred, subscription),
    )
