"""SubscriptionsPort on azure-mgmt-resource-subscriptions (SubscriptionClient)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from wizard.azure.credentials import enum_text
from wizard.core.ports import Location, NotSignedIn, Subscription, Tenant

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
        with signed_in():
            return self._list_subscriptions()

    def _list_subscriptions(self) -> list[Subscription]:
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
        with signed_in():
            return self._list_locations(subscription_id)

    def list_tenants(self) -> list[Tenant]:
        with signed_in():
            return [
                Tenant(id=t.tenant_id or "", name=getattr(t, "display_name", None) or "", domain=getattr(t, "default_domain", None) or "")
                for t in self.client.tenants.list()
                if t.tenant_id
            ]

    def _list_locations(self, subscription_id: str) -> list[Location]:
        found = []
        for loc in self.client.subscriptions.list_locations(subscription_id):
            if enum_text(loc.type) and enum_text(loc.type).lower() != "region":
                continue  # edge zones
            metadata = loc.metadata
            if metadata is not None and enum_text(metadata.region_type).lower() == "logical":
                continue  # "United States", "Europe": not deployable
            found.append(Location(name=loc.name or "", display_name=loc.display_name or loc.name or ""))
        return sorted(found, key=lambda x: x.display_name.lower())


@contextmanager
def signed_in() -> Iterator[None]:
    """The SDK's "no valid credential" errors become the port's `NotSignedIn`."""
    from azure.core.exceptions import ClientAuthenticationError

    try:
        yield
    except ClientAuthenticationError as exc:
        raise NotSignedIn(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__) from exc
