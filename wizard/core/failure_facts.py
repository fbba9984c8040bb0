"""What a failed step's output says by its structure: azd's error chain, Azure's error codes, the
resource at fault, the source file and line. `diagnose` combines these facts with the knowledge
base; they come first because they hold on failures nobody has written an entry for.

- the chain (`wizard.core.azd_chain`) gives the step and a service / hook / project-file / sign-in
  target;
- Azure's errors (`wizard.core.azure_errors`) give the root code, Azure's message and the resource;
- terraform error boxes (the parser's `tf-error` marks) give the resource address and file/line;
- Bicep diagnostics give the file and line.

`FailureFacts.target(step)` picks the target by one precedence for every front end: sign-in,
project file and hooks as the chain names them; a service in a deploy; a terraform address; the
Azure resource; the Bicep file; a service named anywhere in the chain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from wizard.core.azd_chain import Chain, read_chains
from wizard.core.azure_errors import AzureError, fault_resource, parse_azure_errors, root_error
from wizard.core.parse import Mark

_CHAIN_LINE_RE = re.compile(
    r"^(?:ERROR:|Error:|failed |error executing step|step \"|panic:|Suggestion:)"
    r"|hook failed with exit code|failed invoking event handlers|\(azd [a-z]+\)$"
    r"|^(?:.{0,80}?[$>#%] ?)?azd [a-z]"
    r"|^(?:GET|PUT|POST|PATCH|DELETE) https://"
)
_PATH_FILE_RE = re.compile(r"(?:'|\")(?P<path>[^'\"]+\.(?:bicep|bicepparam|tf))(?:'|\")")
_INFRA_CUT_RE = re.compile(r"(?:^|[\\/])(?P<rel>infra[\\/].*)$", re.IGNORECASE)
_GO_TRACE_RE = re.compile(r"^\s*(?:github\.com/|goroutine \d+|\[signal )")

ARM_DOCS = "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors"
ENTRA_CODE_DOCS = "https://login.microsoftonline.com/error?code={number}"
BICEP_CODE_DOCS = "https://aka.ms/bicep/core-diagnostics#{code}"
TERRAFORM_DOCS = "https://registry.terraform.io/providers/hashicorp/{provider}/latest/docs/resources/{type}"


def doc_url_for(code: str | None, tf_address: str | None = None) -> str | None:
    """The documentation page of an error code (or of the terraform resource type at fault)."""
    if code:
        if code.startswith("AADSTS"):
            return ENTRA_CODE_DOCS.format(number=code[6:])
        if re.fullmatch(r"BCP\d{3}", code):
            return BICEP_CODE_DOCS.format(code=code)
        return ARM_DOCS
    if tf_address:
        kind = tf_address.split(":", 1)[-1].split("/", 1)[0].removeprefix("data.")
        provider, _, rest = kind.partition("_")
        if provider in ("azurerm", "azapi", "azuread") and rest:
            return TERRAFORM_DOCS.format(provider=provider, type=rest)
    return None


def short_path(path: str) -> str:
    """A project file's path as the user knows it: from `infra/` on when it has one."""
    path = path.strip().strip("'\"")
    m = _INFRA_CUT_RE.search(path)
    return (m["rel"] if m else path).replace("\\", "/")


def chain_lines(texts: Sequence[str], marks: Sequence[Mark]) -> list[str]:
    """The lines that carry azd's error chain (ERROR lines, quoted chains, a Go panic's trace)."""
    out = []
    indices = {m.index for m in marks if m.kind in ("azd-error", "hook-failed", "tf-error")}
    panic_left = 0
    for i, text in enumerate(texts):
        stripped = text.strip()
        if not stripped:
            continue
        if stripped.startswith("panic:"):
            panic_left = 12
        if panic_left and (stripped.startswith("panic:") or _GO_TRACE_RE.match(text) or text.startswith("\t")):
            out.append(stripped)
            panic_left -= 1
            continue
        if i in indices or _CHAIN_LINE_RE.search(stripped[:400]):
            out.append(stripped)
    return out


@dataclass
class FailureFacts:
    """The structural facts of one failure (see the module docstring)."""

    chain: Chain
    errors: list[AzureError] = field(default_factory=list)
    root: AzureError | None = None
    resource: str | None = None  # `<type>/<name>` or `<name>`
    tf_target: str | None = None  # `resource:<tf type>/<name>` of the first terraform error box
    tf_file: str | None = None
    tf_line: int | None = None
    bicep_file: str | None = None
    bicep_line: int | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """Every error code, root cause first, each once."""
        seen: list[str] = []
        ordered = ([self.root] if self.root else []) + list(self.errors)
        for error in ordered:
            if error.code not in seen:
                seen.append(error.code)
        return tuple(seen)

    @property
    def location(self) -> str | None:
        if self.bicep_file:
            return f"{self.bicep_file}:{self.bicep_line}" if self.bicep_line else self.bicep_file
        if self.tf_file:
            return f"{self.tf_file}:{self.tf_line}" if self.tf_line else self.tf_file
        return None

    def target(self, step: str | None) -> str | None:
        """The target by the one precedence of the module docstring (None: nothing structural)."""
        chain = self.chain
        if chain.kind in ("auth", "project", "hook"):
            return chain.target
        if chain.kind == "service" and step == "deploy":
            return chain.target
        if self.tf_target:
            return self.tf_target
        if self.resource:
            return f"resource:{self.resource}"
        if self.bicep_file:
            return f"file:{self.bicep_file}"
        return chain.target


def gather_facts(texts: Sequence[str], marks: Sequence[Mark], known_codes: frozenset[str]) -> FailureFacts:
    """Read the chain, Azure's errors, terraform boxes and Bicep diagnostics of one failure."""
    lines = chain_lines(texts, marks)
    chain = read_chains(lines)
    errors = parse_azure_errors(texts, known_codes)
    root = root_error(errors)
    facts = FailureFacts(chain, errors, root, fault_resource(errors, root))
    tf = next((m for m in marks if m.kind == "tf-error" and m.target), None)
    if tf is not None:
        facts.tf_target = tf.target
    tf_file = next((m for m in marks if m.kind == "tf-error" and m.file), None)
    if tf_file is not None:
        facts.tf_file, facts.tf_line = tf_file.file, tf_file.line
    bicep = next((e for e in errors if e.file), None)
    if bicep is not None:
        facts.bicep_file, facts.bicep_line = short_path(bicep.file or ""), bicep.line
    elif any("bicep" in line.lower() for line in lines):
        m = next((m for line in lines for m in [_PATH_FILE_RE.search(line)] if m), None)
        if m is not None:
            facts.bicep_file = short_path(m["path"])
    return facts
