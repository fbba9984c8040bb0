"""The one model of a project's infrastructure that preflight and the simulator both read.

A reader (bicep.py, terraform.py) turns the template into `Resource`s (ARM type, where it was
declared, its name and tags where they can be evaluated, its condition), outputs, model
deployments, the resource providers it needs, and the constructs it could not model, each with
file and line. Nothing here guesses: a value that cannot be evaluated stays an expression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.core.infra.types import arm_type_facts

TAG = "azd-service-name"
ENV_TAG = "azd-env-name"


@dataclass(frozen=True)
class Where:
    file: Path
    line: int


@dataclass
class Resource:
    arm_type: str | None  # Microsoft.App/containerApps; None for non-ARM (random_string, null_resource)
    symbol: str  # Bicep symbolic name, Terraform address (module.web.azurerm_linux_web_app.web)
    where: Where
    name: str | None = None  # evaluated name, None when it depends on something unknown
    name_expr: str = ""  # the name as written, when it could not be evaluated
    tags: dict[str, str] = field(default_factory=dict)  # tags whose values could be evaluated
    tags_known: bool = True  # False: part of the tag map could not be evaluated (an opaque `var.tags`)
    tags_expr: str = ""  # the unevaluated part of the tag map, as written
    service_tag: str | None = None  # literal azd-service-name
    service_expr: str = ""  # the azd-service-name value as written, when it could not be evaluated
    tag_where: Where | None = None  # where the azd-service-name tag is written (maybe a module call site)
    condition: str = ""  # `if (...)` / `count = ...` as written; "" = unconditional
    active: bool | None = True  # the condition evaluated (None = cannot tell)
    module: tuple[str, ...] = ()  # module symbols from the root down to this resource
    source_type: str = ""  # terraform type (azurerm_container_app) or the registry module path
    kind: str = ""  # ARM kind (functionapp, app,linux, OpenAI)
    target_port: int | None = None
    image: str | None = None
    parent: str = ""  # the parent's name for child types (deployments of an account), `a/b` below a child
    group: str | None = None  # the resource group it lands in, when known

    @property
    def display(self) -> str:
        """azd's display name for the type (`Container App`), "" when azd does not name it."""
        facts = arm_type_facts(self.arm_type)
        if self.arm_type == "Microsoft.Web/sites":
            if "functionapp" in self.kind:
                return "Function App"
            if "app" in self.kind:
                return "App Service"
        if self.arm_type == "Microsoft.CognitiveServices/accounts":  # azd names these by kind
            for word, name in (("OpenAI", "Azure OpenAI"), ("FormRecognizer", "Document Intelligence"),
                               ("AIHub", "Foundry"), ("AIServices", "Foundry")):
                if word in self.kind:
                    return name
        return str(facts.get("display", "")) if facts else ""

    @property
    def is_host(self) -> bool:
        return bool(arm_type_facts(self.arm_type).get("host"))

    @property
    def address(self) -> str:
        return self.symbol


@dataclass(frozen=True)
class ModelDeployment:
    name: str
    sku_name: str
    capacity: int | None
    where: Where

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name, "sku_name": self.sku_name}
        if self.capacity is not None:
            out["capacity"] = self.capacity
        return out


@dataclass(frozen=True)
class Unmodelled:
    """A construct the reader could not model; `what` says what it is and what is lost."""

    where: Where
    what: str

    def text(self, root: Path) -> str:
        try:
            path = self.where.file.resolve().relative_to(root.resolve())
        except ValueError:
            path = self.where.file
        return f"{path}:{self.where.line}: {self.what}"


@dataclass
class InfraModel:
    provider: str  # bicep | terraform
    root: Path  # the infra folder
    resources: list[Resource] = field(default_factory=list)
    outputs: dict[str, object] = field(default_factory=dict)  # name -> value (str) or None when unknown
    models: list[ModelDeployment] = field(default_factory=list)
    namespaces: dict[str, list[str]] = field(default_factory=dict)  # provider namespace -> types (evidence)
    providers_complete: bool = True  # False: a module the reader cannot resolve may need more
    unmodelled: list[Unmodelled] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)  # root params / variables
    errors: list[str] = field(default_factory=list)  # syntax errors (the template would not deploy)
    scope: str = "subscription"  # Bicep targetScope

    def add_namespace(self, arm_type: str) -> None:
        namespace = arm_type.split("/", 1)[0]
        if not namespace.startswith("Microsoft.") or namespace in ("Microsoft.Resources", "Microsoft.Authorization"):
            return
        seen = self.namespaces.setdefault(namespace, [])
        if arm_type not in seen:
            seen.append(arm_type)

    def add_model_deployment(self, name: object, sku: dict[str, Any], where: Where) -> None:
        """A model deployment (Bicep's or terraform's): its model name, SKU (default Standard) and
        capacity; a name the read cannot compute is noted instead."""
        if not isinstance(name, str) or not name:
            self.note(where.file, where.line, "a model deployment whose model name the read cannot compute")
            return
        capacity, sku_name = sku.get("capacity"), sku.get("name")
        self.models.append(ModelDeployment(name, sku_name if isinstance(sku_name, str) else "Standard",
                                           capacity if isinstance(capacity, int) else None, where))

    def note(self, file: Path, line: int, what: str) -> None:
        entry = Unmodelled(Where(file, line), what)
        if entry not in self.unmodelled:
            self.unmodelled.append(entry)

    # -- views -----------------------------------------------------------------------------------
    @property
    def active(self) -> list[Resource]:
        """Resources the template creates with the values at hand (cannot-tell counts as created)."""
        return [r for r in self.resources if r.active is not False]

    def tagged(self, service: str) -> list[Resource]:
        """Host resources tagged for `service` that may be created (alternatives included)."""
        return [r for r in self.resources if r.service_tag == service and r.active is not False]

    def by_type(self, arm_type: str) -> list[Resource]:
        return [r for r in self.active if r.arm_type == arm_type]

    @property
    def hosts(self) -> list[Resource]:
        return [r for r in self.resources if r.is_host]

    @property
    def unverifiable(self) -> list[Resource]:
        """Host resources whose service tag is an expression, or whose whole tag map is."""
        return [r for r in self.hosts if r.active is not False and r.service_tag is None
                and (r.service_expr or not r.tags_known)]

    def unmodelled_text(self, root: Path | None = None) -> list[str]:
        """`file:line: what` per construct, paths relative to `root` (default: the infra folder)."""
        return [u.text(root or self.root) for u in self.unmodelled]
