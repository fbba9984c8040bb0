"""What `terraform destroy` does with soft-deletable resources: the azurerm provider's `features` block.

`azd down --purge` purges for Bicep deployments only; for Terraform azd runs `terraform destroy` and
the purge flag is not passed on (terraform_provider.go), so whether a Key Vault, a Cognitive
Services account, an App Configuration store or an API Management service is purged or left
soft-deleted (its name held) is the provider's `features { key_vault { purge_soft_delete_on_destroy
= … } }`, with azurerm's defaults where the block says nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wizard.core.hcl import unquote

# ARM type -> (features block, its setting, azurerm's default: True = purged on destroy)
DESTROY_PURGE: dict[str, tuple[str, str, bool]] = {
    "Microsoft.KeyVault/vaults": ("key_vault", "purge_soft_delete_on_destroy", True),
    "Microsoft.CognitiveServices/accounts": ("cognitive_account", "purge_soft_delete_on_destroy", True),
    "Microsoft.AppConfiguration/configurationStores": ("app_configuration", "purge_soft_delete_on_destroy", True),
    "Microsoft.ApiManagement/service": ("api_management", "purge_soft_delete_on_destroy", True),
    "Microsoft.OperationalInsights/workspaces": ("log_analytics_workspace", "permanently_delete_on_destroy", False),
}


def destroy_purges(infra_dir: Path) -> dict[str, bool]:
    """ARM type -> whether `terraform destroy` purges it, from the root module's azurerm provider."""
    features: dict[str, Any] = {}
    for path in sorted(infra_dir.glob("*.tf")) if infra_dir.is_dir() else []:
        try:
            import hcl2

            doc = hcl2.loads(path.read_text(encoding="utf-8-sig"))
        except Exception:  # a file hcl2 cannot read: the defaults stand
            continue
        for block in doc.get("provider", []) or []:
            for name, body in (block or {}).items():
                if unquote(name) == "azurerm" and isinstance(body, dict) and not body.get("alias"):
                    for entry in body.get("features", []) or []:
                        if isinstance(entry, dict):
                            features.update(entry)
    out: dict[str, bool] = {}
    for arm_type, (block, setting, default) in DESTROY_PURGE.items():
        value: Any = default
        for entry in features.get(block, []) or []:
            if isinstance(entry, dict) and setting in entry:
                value = entry[setting]
        value = unquote(value)
        out[arm_type] = value if isinstance(value, bool) else str(value).lower() == "true"
    return out
