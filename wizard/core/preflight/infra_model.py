"""What the infra readers (terraform.py, bicep.py) report: resources, their service tags, namespaces."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

TAG = "azd-service-name"
# `"azd-service-name" = "web"`, `'azd-service-name': 'web'`, `azd-service-name = var.x`
_TAG_RE = re.compile(r"""["']?azd-service-name["']?\s*[=:]\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z_][\w.\[\]'"()-]*))""")


@dataclass(frozen=True)
class TaggedResource:
    file: Path
    line: int
    address: str  # azurerm_container_app.backend / resource symbol in Bicep
    service: str | None  # literal tag value; None = set through an expression
    expression: str = ""  # the expression when `service` is None


@dataclass
class InfraFacts:
    provider: str
    root: Path
    files: list[Path] = field(default_factory=list)
    tagged: list[TaggedResource] = field(default_factory=list)
    hosts: list[TaggedResource] = field(default_factory=list)  # app resources azd could deploy to
    opaque: list[TaggedResource] = field(default_factory=list)  # tags whose keys a static read cannot see
    namespaces: dict[str, list[str]] = field(default_factory=dict)  # namespace -> resource types (evidence)
    models: list[dict[str, object]] = field(default_factory=list)  # model deployments (name, sku_name, capacity)
    errors: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)  # root module variable/param names

    def add_namespace(self, namespace: str, rtype: str) -> None:
        seen = self.namespaces.setdefault(namespace, [])
        if rtype not in seen:
            seen.append(rtype)

    def tags_for(self, service: str) -> list[TaggedResource]:
        return [t for t in self.tagged if t.service == service]

    @property
    def unverifiable(self) -> list[TaggedResource]:
        """Tags set through an expression, and app resources whose whole tag map is one."""
        hosts = {h.address for h in self.hosts}
        return [t for t in self.tagged if t.service is None] + [o for o in self.opaque if o.address in hosts]


HOST_TYPES = (
    "azurerm_container_app",
    "azurerm_linux_web_app",
    "azurerm_windows_web_app",
    "azurerm_linux_function_app",
    "azurerm_windows_function_app",
    "azurerm_static_web_app",
    "azurerm_kubernetes_cluster",
    "Microsoft.App/containerApps",
    "Microsoft.Web/sites",
    "Microsoft.Web/staticSites",
    "Microsoft.ContainerService/managedClusters",
)


def find_tag(text: str) -> tuple[bool, str | None, str]:
    """(found, literal value or None, expression) for the first azd-service-name in `text`."""
    match = _TAG_RE.search(text)
    if not match:
        return False, None, ""
    literal = match.group(1) if match.group(1) is not None else match.group(2)
    if literal is not None and "${" not in literal and "$(" not in literal:
        return True, literal, ""
    expr = literal if literal is not None else (match.group(3) or "")
    return True, None, expr


def line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def block_end(text: str, start: int) -> int:
    """Index just past the `}` closing the `{` at `start` (end of text when unbalanced or start < 0)."""
    if start < 0:
        return len(text)
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)
