"""Facts the checks use, as data: minimum versions, install commands, provider namespaces, the
values that keep the accelerator's hooks from prompting. Change these, not the check code."""

from __future__ import annotations

MIN_TERRAFORM = (1, 1, 7)
MIN_PYTHON_DEFAULT = (3, 11)  # the TypeAlias lesson: system Python 3.9 breaks the accelerator's tests
PLACEHOLDER_IMAGES = ("containerapps-helloworld", "azuredocs/aci-helloworld", "k8se/quickstart")
VOICE_LIVE_REGIONS = ("eastus2", "swedencentral", "westus2", "southeastasia")

# tool -> platform -> install command (platform keys: linux, darwin, win32; "*" = fallback)
INSTALL: dict[str, dict[str, str]] = {
    "azd": {
        "linux": "curl -fsSL https://aka.ms/install-azd.sh | bash",
        "darwin": "brew install azd",
        "win32": "winget install microsoft.azd",
    },
    "terraform": {
        "linux": "sudo apt-get install terraform  (HashiCorp apt repo: https://developer.hashicorp.com/terraform/install)",
        "darwin": "brew install hashicorp/tap/terraform",
        "win32": "winget install Hashicorp.Terraform",
    },
    "az": {
        "linux": "curl -sL https://aka.ms/InstallAzureCLIDeb | sudo bash",
        "darwin": "brew install azure-cli",
        "win32": "winget install Microsoft.AzureCLI",
    },
    "jq": {"linux": "sudo apt-get install -y jq", "darwin": "brew install jq", "win32": "winget install jqlang.jq"},
    "bash": {"linux": "sudo apt-get install -y bash", "darwin": "brew install bash", "win32": "install Git for Windows (Git Bash) or use WSL"},
    "docker": {
        "linux": "curl -fsSL https://get.docker.com | sh  (then start it: sudo systemctl start docker)",
        "darwin": "brew install --cask docker  (then start Docker Desktop)",
        "win32": "winget install Docker.DockerDesktop  (then start Docker Desktop)",
    },
    "python": {
        "linux": "sudo apt-get install -y python3.11 python3.11-venv  (or: uv python install 3.11)",
        "darwin": "brew install python@3.11  (or: uv python install 3.11)",
        "win32": "winget install Python.Python.3.11",
    },
}


def install_command(tool: str, platform: str) -> str:
    table = INSTALL.get(tool, {})
    key = "darwin" if platform == "darwin" else "win32" if platform.startswith("win") else "linux"
    return table.get(key) or table.get("linux") or f"install {tool}"


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
UNATTENDED: tuple[dict[str, object], ...] = (
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
