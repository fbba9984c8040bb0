"""The credential chain: `azd auth login` first, then the usual DefaultAzureCredential sources."""

from __future__ import annotations

from typing import Any

ARM_SCOPE = "https://management.azure.com/.default"


class AzureSetupError(RuntimeError):
    """A port cannot work with what the environment holds (no subscription id, bad endpoint)."""


def make_credential(env_values: dict[str, str] | None = None, *, process_timeout: int = 30) -> Any:
    """`ChainedTokenCredential(AzureDeveloperCliCredential, DefaultAzureCredential)`.

    The azd credential comes first so the wizard uses the account `azd` deploys with; the default
    chain (environment, managed identity, Azure CLI, ...) covers CI and `az login` users. The
    developer-CLI entry of the default chain is excluded (already tried first), and so is the
    interactive browser (the wizard must never pop a browser on its own).
    """
    from azure.identity import (
        AzureDeveloperCliCredential,
        ChainedTokenCredential,
        DefaultAzureCredential,
    )

    tenant = (env_values or {}).get("AZURE_TENANT_ID") or ""
    azd = AzureDeveloperCliCredential(tenant_id=tenant, process_timeout=process_timeout)
    default = DefaultAzureCredential(
        exclude_developer_cli_credential=True,
        exclude_interactive_browser_credential=True,
    )
    return ChainedTokenCredential(azd, default)


def enum_text(value: Any) -> str:
    """SDK enums are `str` enums; give their wire value ("Succeeded"), never "Enum.MEMBER"."""
    if value is None:
        return ""
    return str(getattr(value, "value", value))
