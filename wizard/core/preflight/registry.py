"""Every check, as data: stable id → title and function. Order is the report order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from wizard.core.preflight import (
    environment,
    project_checks,
    signin,
    subscription,
    tests_check,
    tools,
    unattended,
)
from wizard.core.preflight.model import Outcome, PreflightContext

CheckFunc = Callable[[PreflightContext], Awaitable[Outcome]]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    title: str
    func: CheckFunc
    family: str


CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("tools.azd", "Azure Developer CLI (azd)", tools.check_azd, "tools"),
    CheckSpec("tools.terraform", "Terraform >= 1.1.7", tools.check_terraform, "tools"),
    CheckSpec("tools.az", "Azure CLI (az)", tools.check_az, "tools"),
    CheckSpec("tools.jq", "jq for the hooks", tools.check_jq, "tools"),
    CheckSpec("tools.bash", "bash for the hooks", tools.check_bash, "tools"),
    CheckSpec("tools.node", "Node.js (node, npm)", tools.check_node, "tools"),
    CheckSpec("tools.docker", "Docker", tools.check_docker, "tools"),
    CheckSpec("tools.python", "Python version", tools.check_python, "tools"),
    CheckSpec("signin.azd", "azd signed in", signin.check_azd_login, "signin"),
    CheckSpec("signin.az", "az CLI signed in", signin.check_az_login, "signin"),
    CheckSpec("signin.match", "Same tenant and subscription", signin.check_same_account, "signin"),
    CheckSpec("project.azure_yaml", "azure.yaml valid", project_checks.check_azure_yaml, "project"),
    CheckSpec("project.infra_read", "Infrastructure read", project_checks.check_infra_read, "project"),
    CheckSpec("project.service_tags", "Service tags in the infra", project_checks.check_service_tags, "project"),
    CheckSpec("project.hook_scripts", "Hook scripts runnable", project_checks.check_hook_scripts, "project"),
    CheckSpec("hooks.unattended", "Hooks can run unattended", unattended.check_unattended, "hooks"),
    CheckSpec("subscription.providers", "Resource providers registered", subscription.check_providers, "subscription"),
    CheckSpec("subscription.region", "Region availability", subscription.check_region, "subscription"),
    CheckSpec("subscription.quota", "Model quota", subscription.check_quota, "subscription"),
    CheckSpec("environment.placeholder", "Apps deployed (not placeholder)", environment.check_placeholder, "environment"),
    CheckSpec("environment.phone", "Phone number", environment.check_phone, "environment"),
    CheckSpec("tests.project", "Project tests", tests_check.check_tests, "tests"),
)
BY_ID = {c.id: c for c in CHECKS}
