"""Facts the checks use, as data: placeholder images, provider namespaces, the values that keep the
accelerator's hooks from prompting (tools and their install commands: toolbox.yaml). Change these,
not the check code."""

from __future__ import annotations

from typing import Any

PLACEHOLDER_IMAGES = ("containerapps-helloworld", "azuredocs/aci-helloworld", "k8se/quickstart")
VOICE_LIVE_REGIONS = ("eastus2", "swedencentral", "westus2", "southeastasia")
# Tools, their minimum versions and install commands: toolbox.yaml (read by toolbox.py).

# The accelerator's own list (preflight-checks.sh) is the floor; the infra adds the rest.
PROVIDER_FLOOR = (
    "Microsoft.Communication",
    "Microsoft.App",
    "Microsoft.CognitiveServices",
    "Microsoft.DocumentDB",
    "Microsoft.Cache",
    "Microsoft.ContainerRegistry",
    "Microsoft.Storage",
    "Microsoft.KeyVault",
    "Microsoft.ManagedIdentity",
    "Microsoft.OperationalInsights",
)
# The floor applies when the infra looks like the accelerator (it creates one of these namespaces).
FLOOR_WHEN_ANY = ("Microsoft.Communication",)

# Values the accelerator's hooks read from the terminal when unset (accelerator-facts §3.4).
# Each group applies only when the hook scripts mention one of its keys.
# severity: fail = the hook dies on closed stdin; warn = it asks (EOF answers no); timed = a menu that
# skips itself on a closed stdin after its timeout: nothing to pre-answer, so no fix sets anything for it.
UNATTENDED: tuple[dict[str, Any], ...] = (
    {
        "id": "location",
        "any_of": (("AZURE_LOCATION",),),
        "mentions": ("AZURE_LOCATION",),
        "severity": "fail",
        "why": "preprovision asks `Enter Azure location` when AZURE_LOCATION is unset",
        "inputs": (("AZURE_LOCATION", "Azure region for the deployment", "@location"),),
    },
    {
        "id": "state",
        "any_of": (
            ("TF_INIT_SKIP_INTERACTIVE",),
            ("LOCAL_STATE",),
            ("RS_RESOURCE_GROUP", "RS_STORAGE_ACCOUNT", "RS_CONTAINER_NAME", "RS_STATE_KEY"),
        ),
        "mentions": ("TF_INIT_SKIP_INTERACTIVE", "LOCAL_STATE"),
        "severity": "fail",
        "why": "initialize-terraform asks `Use these values? [Y]es / [n]o / [e]xisting` and exits on closed stdin",
        "inputs": (("STATE_MODE", "Terraform state: remote (a storage account is created for it) or local", "remote"),),
    },
    {
        "id": "live_checks",
        "any_of": (("PREFLIGHT_LIVE_CHECKS",),),
        "mentions": ("PREFLIGHT_LIVE_CHECKS",),
        "severity": "warn",
        "why": "the hook's preflight asks `Run Azure preflight checks now? [y/N]`",
        "inputs": (("PREFLIGHT_LIVE_CHECKS", "Let the hook repeat the Azure checks (true/false; the wizard already ran them)", "false"),),
    },
    {
        # EASYAUTH_ENABLED=true would not skip a menu: it tells the hook (and teardown, and verify)
        # that EasyAuth IS on. The menu skips itself; never pre-answer it.
        "id": "easyauth",
        "any_of": (("EASYAUTH_ENABLED",),),
        "mentions": ("EASYAUTH_ENABLED",),
        "severity": "timed",
        "why": "postprovision shows an EasyAuth menu that skips itself after 15 s",
        "inputs": (),
    },
    {
        "id": "phone",
        "any_of": (("ACS_SOURCE_PHONE_NUMBER",),),
        "mentions": ("ACS_SOURCE_PHONE_NUMBER",),
        "severity": "timed",
        "why": "postprovision shows a phone-number menu that skips itself after 10 s (the Phone step sets a number)",
        "inputs": (),
    },
)
