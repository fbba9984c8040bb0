"""SubscriptionsPort on azure-mgmt-resource-subscriptions (SubscriptionClient)."""

from __future__ import annotations

from typing import Any

from wizard.azure.credentials import enum_text
from wizard.core.ports import Location, Subscription

_UNUSABLE_STATES = {"disabled", "deleted"}


class SubscriptionsAdapter:
    def __init__(
        self,
        credential: Any,
        *,
        default_subscription: str | None = None,
        client: Any | None = None,
        **client_kwargs: Any,
    ) -> None:
        self._credential = credential
        self._default = default_subscription
        self._client = client
        self._client_kwargs = client_kwargs

    @property
    def client(self) -> Any:
        if self._client is None:
            from azure.mgmt.resource.subscriptions import SubscriptionClient

            self._client = SubscriptionClient(self._credential, **self._client_kwargs)
        return self._client

    def list_subscriptions(self) -> list[Subscription]:
        found = []
        for sub in self.client.subscriptions.list():
            if enum_text(sub.state).lower() in _UNUSABLE_STATES:
                continue
            found.append(
                Subscription(
                    id=sub.subscription_id or "",
                    name=sub.display_name or sub.subscription_id or "",
                    tenant_id=sub.tenant_id or "",
                    is_default=bool(self._default) and sub.subscription_id == self._default,
                )
            )
        return sorted(found, key=lambda s: (not s.is_default, s.name.lower()))

    def list_locations(self, subscription_id: str) -> list[Location]:
        found = []
        for loc in self.client.subscriptions.list_locations(subscription_id):
            if enum_text(loc.type) and enum_text(loc.type).lower() != "region":
                continue  # edge zones
            metadata = loc.metadata
            if metadata is not None and enum_text(metadata.region_type).lower() == "logical":
                continue  # "United States", "Europe": not deployable
            found.append(Location(name=loc.name or "", display_name=loc.display_name or loc.name or ""))
        return sorted(found, key=lambda x: x.display_name.lower())
