"""The credential chain and `real_ports`: built without touching the network, SDKs loaded lazily."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError

from wizard.azure import real_ports
from wizard.azure.arm import ProvidersAdapter, ResourcesAdapter
from wizard.azure.container_apps import ContainerAppsAdapter
from wizard.azure.credentials import make_credential
from wizard.azure.http import HttpAdapter
from wizard.azure.phone_numbers import PhoneNumbersAdapter
from wizard.azure.subscriptions import SubscriptionsAdapter

TENANT = "11111111-1111-1111-1111-111111111111"


def test_chain_is_azd_first_then_default() -> None:
    from azure.identity import (
        AzureDeveloperCliCredential,
        ChainedTokenCredential,
        DefaultAzureCredential,
    )

    cred = make_credential({"AZURE_TENANT_ID": TENANT})
    assert isinstance(cred, ChainedTokenCredential)
    first, second = cred.credentials
    assert isinstance(first, AzureDeveloperCliCredential) and first.tenant_id == TENANT
    assert isinstance(second, DefaultAzureCredential)
    inner = [type(c).__name__ for c in second.credentials]
    assert "AzureDeveloperCliCredential" not in inner  # already tried first
    assert "InteractiveBrowserCredential" not in inner


def test_chain_falls_back_when_azd_is_not_signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    from azure.identity import (
        AzureDeveloperCliCredential,
        CredentialUnavailableError,
        DefaultAzureCredential,
    )

    def azd_unavailable(self: Any, *scopes: str, **kwargs: Any) -> AccessToken:
        raise CredentialUnavailableError("Please run 'azd auth login' from a command prompt to authenticate")

    def default_token(self: Any, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("from-default-chain", 4102444800)

    monkeypatch.setattr(AzureDeveloperCliCredential, "get_token", azd_unavailable)
    monkeypatch.setattr(DefaultAzureCredential, "get_token", default_token)
    assert make_credential({}).get_token("https://management.azure.com/.default").token == "from-default-chain"

    def default_fails(self: Any, *scopes: str, **kwargs: Any) -> AccessToken:
        raise ClientAuthenticationError("DefaultAzureCredential failed to retrieve a token")

    monkeypatch.setattr(DefaultAzureCredential, "get_token", default_fails)
    with pytest.raises(ClientAuthenticationError, match="azd auth login"):
        make_credential({}).get_token("https://management.azure.com/.default")


def test_real_ports_wires_every_adapter_without_connecting() -> None:
    sentinel = object()
    ports = real_ports({"AZURE_SUBSCRIPTION_ID": "sub-1"}, credential=sentinel)
    assert isinstance(ports.container_apps, ContainerAppsAdapter)
    assert isinstance(ports.http, HttpAdapter)
    assert isinstance(ports.subscriptions, SubscriptionsAdapter)
    assert isinstance(ports.providers, ProvidersAdapter)
    assert isinstance(ports.resources, ResourcesAdapter)
    phones = ports.phone_numbers_for("https://acs-x.communication.azure.com")  # type: ignore[operator]
    assert isinstance(phones, PhoneNumbersAdapter)
    assert ports.phone_numbers_for("https://acs-x.communication.azure.com") is phones  # type: ignore[operator]
    assert phones.endpoint == "https://acs-x.communication.azure.com"


def test_real_ports_default_credential_is_the_chain() -> None:
    ports = real_ports({})
    assert type(ports.container_apps._credential).__name__ == "ChainedTokenCredential"  # type: ignore[attr-defined]


def test_importing_the_adapters_loads_no_sdk() -> None:
    code = (
        "import sys\nimport wizard.azure, wizard.azure.container_apps, wizard.azure.phone_numbers, "
        "wizard.azure.subscriptions, wizard.azure.http, wizard.azure.arm, wizard.azure.credentials\n"
        "print([m for m in sys.modules if m == 'azure' or m.startswith('azure.')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
