"""Terraform's own output as azd passes it through: coloured, as in terraform-samples/*.txt.

azd runs terraform init/plan/apply/destroy interactively, so terraform writes straight to azd's
stdout with its colours even when azd's own lines are plain (azd-behaviour.md §2.9).
"""

from __future__ import annotations

from collections.abc import Iterable

B = "\x1b[1m"
R = "\x1b[0m"
GREEN = "\x1b[32m"
RED = "\x1b[31m"
GRAY = "\x1b[90m"


def init_lines() -> list[str]:
    return [
        f"{B}Initializing the backend...{R}",
        f"{B}Initializing provider plugins...{R}",
        "- Reusing previous version of hashicorp/azurerm from the dependency lock file",
        "- Using previously-installed hashicorp/azurerm v4.14.0",
        "",
        f"{B}{GREEN}Terraform has been successfully initialized!{R}{GREEN}{R}",
    ]


def plan_lines(addresses: Iterable[tuple[str, str]], outputs: Iterable[str], *, destroy: bool = False) -> list[str]:
    """`addresses` are (address, resource name) pairs."""
    items = list(addresses)
    sign, colour, verb = ("-", RED, f"{B}{RED}destroyed{R}") if destroy else ("+", GREEN, "created")
    lines = [
        "Terraform used the selected providers to generate the following execution",
        "plan. Resource actions are indicated with the following symbols:",
        f"  {colour}{sign}{R} {'destroy' if destroy else 'create'}{R}",
        "",
        "Terraform will perform the following actions:",
        "",
    ]
    for address, name in items:
        tf_type, _, tf_name = address.partition(".")
        value = f'"{name}" {GRAY}-> null{R}{R}' if destroy else f'"{name}"'
        lines += [
            f"{B}  # {address}{R} will be {verb}",
            f"{R}  {colour}{sign}{R}{R} resource \"{tf_type}\" \"{tf_name}\" {{",
            f"      {colour}{sign}{R}{R} id   = {'(known after apply)' if not destroy else value}",
            f"      {colour}{sign}{R}{R} name = {value}",
            "    }",
            "",
        ]
    counts = f"0 to add, 0 to change, {len(items)} to destroy." if destroy else f"{len(items)} to add, 0 to change, 0 to destroy."
    lines.append(f"{B}Plan:{R} {counts}")
    names = list(outputs)
    if names:
        lines += [R, "Changes to Outputs:"]
        for name in names:
            lines.append(f"  {colour}{sign}{R}{R} {name} = {'(known after apply)' if not destroy else GRAY + '-> null' + R}")
    return lines


def creating(address: str) -> str:
    return f"{R}{B}{address}: Creating...{R}{R}"


def still_creating(address: str, elapsed: int) -> str:
    return f"{R}{B}{address}: Still creating... [{elapsed}s elapsed]{R}{R}"


def created(address: str, seconds: int, resource_id: str) -> str:
    return f"{R}{B}{address}: Creation complete after {seconds}s [id={resource_id}]{R}"


def destroying(address: str, resource_id: str) -> str:
    return f"{R}{B}{address}: Destroying... [id={resource_id}]{R}{R}"


def destroyed(address: str, seconds: int) -> str:
    return f"{R}{B}{address}: Destruction complete after {seconds}s{R}"


def apply_complete(added: int, outputs: dict[str, str]) -> list[str]:
    lines = [f"{R}{B}{GREEN}", f"Apply complete! Resources: {added} added, 0 changed, 0 destroyed."]
    if outputs:
        lines += [f"{R}{R}{B}{GREEN}", "Outputs:", ""]
        first = True
        for name, value in sorted(outputs.items()):
            lines.append(f"{R if first else ''}{name} = \"{value}\"")
            first = False
    else:
        lines.append(R)
    return lines


def no_changes() -> list[str]:
    return [
        "",
        f"{B}{GREEN}No changes.{R}{B} Your infrastructure matches the configuration.{R}",
        "",
        "Terraform has compared your real infrastructure against your configuration",
        "and found no differences, so no changes are needed.",
    ]


def destroy_complete(count: int) -> list[str]:
    return [f"{R}{B}{GREEN}", f"Destroy complete! Resources: {count} destroyed.", R]


def error_block(title: str, body: Iterable[str]) -> list[str]:
    bar = f"{RED}│{R} {R}"
    lines = [f"{RED}╷{R}{R}", f"{bar}{B}{RED}Error: {R}{R}{B}{title}{R}", bar]
    lines += [f"{bar}{text}" for text in body]
    lines += [bar, f"{RED}╵{R}{R}"]
    return lines
