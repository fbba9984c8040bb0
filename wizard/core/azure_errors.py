"""Azure's own errors in azd output -> `AzureError(code, message, resource)`, root cause first.

azd relays Azure's answer in several shapes, all read here:

- `Deployment Error Details:` / `Validation Error Details:` blocks: one `Code: message` per line,
  the ARM error tree flattened (the `InvalidTemplateDeployment` wrapper first, its inner errors after);
- ARM JSON error bodies (`{"error": {"code": …, "message": …, "details": […]}}`, also escaped
  inside another message, and the portal's `{"code": …, "details": […]}`);
- azure-sdk-for-go's ResponseError text: `METHOD URL` / `RESPONSE 409: 409 Conflict` /
  `ERROR CODE: ResourceGroupDeletionBlocked` / the JSON body;
- autorest's `Code="X" Message="…"`, az CLI's `(Code) message`, the portal's `(Code: X, Target: Y)`;
- Microsoft Entra `AADSTSnnnnn: …` and Bicep `file(line,col) : Error BCPnnn: …` diagnostics.

The root cause is the first error that is not a wrapper (`InvalidTemplateDeployment`,
`DeploymentFailed`, …). The resource at fault comes from the error's own words: an ARM resource id
(`/subscriptions/…/providers/Microsoft.X/type/name` -> `Microsoft.X/type/name`), `resource 'x'`,
`template resource 'x' of type 'T'`, `container app 'x'`, a JSON `target`, and last the nested
deployment (`Microsoft.Resources/deployments/<module>`) when nothing more precise is named.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Codes that only wrap the real errors: never the root cause while an inner error exists.
WRAPPER_CODES = frozenset(
    {
        "InvalidTemplateDeployment",
        "DeploymentFailed",
        "ResourceDeploymentFailure",
        "PreflightValidationCheckFailed",
        "MultipleErrorsOccurred",
        "DeploymentFailedCleanUp",
    }
)
# Codes that say little on their own: a more specific inner code wins over them.
GENERIC_CODES = frozenset({"BadRequest", "Conflict", "Forbidden", "InternalServerError", "UserError"})

_NOT_CODES = frozenset(
    {
        "ERROR", "Error", "WARNING", "Warning", "SUCCESS", "Suggestion", "TraceID", "Message",
        "Code", "Location", "Subscription", "Line", "Status", "Target", "Path", "Note", "Output",
        "Details", "Deployment", "Validation", "Exception", "Cause", "Fix", "File", "Trace",
        "Correlation", "Timestamp", "Response", "Request", "Inner", "Stack", "Run", "Action",
        "Version", "Product", "Resource", "Environment", "Service", "Endpoint", "Panic", "Goroutine",
    }
)
_CODE = r"[A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*"
_LINE_CODE_RE = re.compile(rf"^\s*(?:[-*]\s*)?(?P<code>{_CODE}): (?P<msg>\S.*)$")
_SHAPED_CODE_RE = re.compile(
    r"^(?:Invalid|Missing|Insufficient|Cannot|Unsupported)\w*$"
    r"|^\w+(?:NotFound|Failed|Exceeded|Conflict|NotAvailable|NotSupported|Disallowed|Deprecated|"
    r"AlreadyExists|AlreadyTaken|Blocked|NotAllowed|NotRegistered|Registration|Expired|Error|"
    r"Quota|Active|Restore|InProgress|Locked|Unauthorized)$"
)
_DETAILS_HEAD_RE = re.compile(r"(?:Deployment|Validation) Error Details:?")
_ERROR_CODE_RE = re.compile(rf"\bERROR CODE: (?P<code>{_CODE})")
_RESPONSE_RE = re.compile(r"\bRESPONSE (?:\S*?)(?P<status>\d{3})?: (?P<text>\d{3} .*)$")
_METHOD_URL_RE = re.compile(r"\b(?:GET|PUT|POST|PATCH|DELETE|HEAD) (?P<url>https://\S+)")
_JSON_CODE_RE = re.compile(r'"code"\s*:\s*"(?P<code>[\w.]+)"')
_JSON_FIELD_RE = {
    key: re.compile(rf'"{key}"\s*:\s*"(?P<v>(?:[^"\\]|\\.)*)"') for key in ("message", "target")
}
_AUTOREST_RE = re.compile(r'\bCode="(?P<code>[\w.]+)"(?:\s+Message="(?P<msg>(?:[^"\\]|\\.)*)")?')
_AZCLI_RE = re.compile(rf"(?:^\s*|ERROR: )\((?P<code>{_CODE})\) (?P<msg>.+)$")
_CODE_FIELD_RE = re.compile(rf'^Code:\s*"?(?P<code>{_CODE})"?\s*$')
_MESSAGE_FIELD_RE = re.compile(r'^Message:\s*"?(?P<msg>.*?)"?\s*$')
_PORTAL_RE = re.compile(rf"\(Code: (?P<code>{_CODE})(?:, Target: (?P<target>[^)]+))?\)")
_AADSTS_RE = re.compile(r"\b(?P<code>AADSTS\d{4,})(?::\s*(?P<msg>[^\\\"]*?))?(?=(?:\s*Trace ID:|\\r|\\n|\"|$))")
_BICEP_RE = re.compile(
    r"(?P<file>[^\s:\"'][^\"'\n]{0,300}?\.(?:bicep|bicepparam|json))\((?P<line>\d+),(?P<col>\d+)\)\s*:\s*Error "
    r"(?P<code>BCP\d{3})\s*:\s*(?P<msg>.*?)(?:\s*\[https?://[^\]]*\])?\s*$"
)
_ARM_ID_RE = re.compile(
    r"/subscriptions/[^/\s'\"]+/resource[Gg]roups/(?P<rg>[^/\s'\"]+)"
    r"(?:/providers/(?P<ns>Microsoft\.[A-Za-z]+)/(?P<rest>[^\s'\"?,)]+))?"
)
_TYPED_NAME_RE = re.compile(r"'(?P<ns>Microsoft\.[A-Za-z]+)/(?P<rest>[\w./-]+?)(?<!/write)(?<!/read)(?<!/action)(?<!/delete)'")
_NAMED_RESOURCE_RES = (
    re.compile(r"template resource '(?P<name>[^']+)' (?:of|for) type '(?P<type>[^']+)'"),
    re.compile(r"\b[A-Z][a-z]+ (?P<name>[a-z][\w.-]*-[\w.-]+) already exists?\b"),
    re.compile(r"(?i)\bresource group '(?P<rg>[^']+)' (?:could not be found|was not found|not found)"),
    re.compile(r"(?i)\bresource '(?P<name>[^'/]+)'"),
    re.compile(r"(?i)\bcontainer app '(?P<name>[^']+)'"),
    re.compile(r"(?i)\bstorage account named (?P<name>[\w-]+)"),
)
_NESTED_DEPLOYMENT_RE = re.compile(r"template deployment '(?P<name>[^']+)'")


@dataclass(frozen=True)
class AzureError:
    """One error Azure (or Entra, or Bicep) reported."""

    code: str
    message: str = ""
    resource: str | None = None  # `<type>/<name>` or `<name>`, never the `resource:` prefix
    file: str | None = None  # Bicep diagnostics: the file and line at fault
    line: int | None = None
    index: int | None = None  # the output line it was read from


def _unescape(text: str) -> str:
    previous = None
    while previous != text and "\\" in text:
        previous = text
        text = text.replace('\\\\"', '"').replace('\\"', '"').replace("\\r\\n", " ").replace("\\n", " ")
    return text


def _arm_resource(rg: str, ns: str | None, rest: str | None) -> str:
    """`…/resourceGroups/rg/providers/Microsoft.X/a/n1/b/n2` -> `Microsoft.X/a/b/n1/n2`."""
    if not ns or not rest:
        return f"Microsoft.Resources/resourceGroups/{rg}"
    parts = [p for p in rest.strip("/").split("/") if p]
    if len(parts) % 2 == 1 and len(parts) > 1:
        parts = parts[:-1]  # a trailing action (`/scheduleRun`, `/listBuildSourceUploadUrl`)
    if len(parts) < 2:
        return f"{ns}/{parts[0]}" if parts else f"Microsoft.Resources/resourceGroups/{rg}"
    types = parts[0::2]
    names = parts[1::2]
    return f"{ns}/{'/'.join(types)}/{'/'.join(names)}"


def resource_in(text: str) -> str | None:
    """The resource an error message names, most precise form first (see the module docstring)."""
    text = _unescape(text)
    m = _NAMED_RESOURCE_RES[0].search(text)
    if m:
        return f"{m['type']}/{m['name']}"
    m = _NAMED_RESOURCE_RES[1].search(text)
    if m:
        return m["name"]
    m = _NAMED_RESOURCE_RES[2].search(text)
    if m:
        return f"Microsoft.Resources/resourceGroups/{m['rg']}"
    m = _ARM_ID_RE.search(text)
    if m and m["ns"] != "Microsoft.Authorization":
        return _arm_resource(m["rg"], m["ns"], m["rest"])
    m = _TYPED_NAME_RE.search(text)
    if m and "/" in m["rest"]:
        return f"{m['ns']}/{m['rest']}"
    for pattern in _NAMED_RESOURCE_RES[3:]:
        m = pattern.search(text)
        if m:
            return m["name"]
    if m := _ARM_ID_RE.search(text):
        return _arm_resource(m["rg"], m["ns"], m["rest"])
    return None


def _is_code(code: str, known: frozenset[str]) -> bool:
    if code in _NOT_CODES or len(code) < 4:
        return False
    return code in known or bool(_SHAPED_CODE_RE.match(code))


def _json_errors(text: str, index: int) -> list[AzureError]:
    """Every `{"code": …}` object in `text` (nested, escaped or not), outermost first."""
    text = _unescape(text)
    out = []
    for m in _JSON_CODE_RE.finditer(text):
        # the object's own fields: look from the enclosing brace to the next brace
        start = text.rfind("{", 0, m.start())
        end = text.find("{", m.end())
        chunk = text[max(0, start) : end if end != -1 else len(text)]
        msg = _JSON_FIELD_RE["message"].search(chunk)
        target = _JSON_FIELD_RE["target"].search(chunk)
        message = msg["v"] if msg else ""
        resource = resource_in(message)
        if resource is None and target and target["v"] not in ("request",):
            resource = resource_in(target["v"]) or target["v"]
        out.append(AzureError(m["code"], message, resource, index=index))
    return out


def _json_block(lines: Sequence[str], start: int) -> tuple[str, int]:
    """The JSON body that starts at `lines[start]` (a `{`), as one string, and the line after it."""
    depth = 0
    parts = []
    for i in range(start, min(len(lines), start + 400)):
        line = lines[i].strip().lstrip("│> ").replace("***", "{")
        parts.append(line)
        depth += line.count("{") - line.count("}")
        if depth <= 0 and i > start:
            return " ".join(parts), i + 1
    return " ".join(parts), min(len(lines), start + 400)


def parse_azure_errors(lines: Sequence[str], known_codes: frozenset[str] = frozenset()) -> list[AzureError]:
    """Every Azure / Entra / Bicep error in these output lines, in the order they appear."""
    errors: list[AzureError] = []
    seen: set[tuple[str, str]] = set()

    def add(error: AzureError) -> None:
        key = (error.code, error.message[:120])
        if key in seen:
            return
        seen.add(key)
        for n, known in enumerate(errors):
            # `ERROR CODE: X` and then X's JSON body: one error, with the body's words
            if known.code == error.code and not known.message and error.message:
                errors[n] = AzureError(
                    error.code, error.message, error.resource or known.resource, index=known.index
                )
                return
        errors.append(error)

    in_details = False
    response_url: str | None = None
    i = 0
    while i < len(lines):
        raw = lines[i]
        text = raw.strip().lstrip("│").strip()
        if not text:
            in_details = in_details and bool(errors) is False
            i += 1
            continue
        if _DETAILS_HEAD_RE.search(text):
            in_details = True
        m = _METHOD_URL_RE.search(text)
        if m:
            response_url = m["url"]
        m = _ERROR_CODE_RE.search(text)
        if m:
            resource = resource_in(response_url) if response_url else None
            add(AzureError(m["code"], "", resource, index=i))
        for m in _BICEP_RE.finditer(text) if "BCP" in text else ():  # the gate keeps long lines linear
            add(AzureError(m["code"], m["msg"], None, m["file"], int(m["line"]), index=i))
        for m in _AADSTS_RE.finditer(_unescape(text)) if "AADSTS" in text else ():
            add(AzureError(m["code"], (m["msg"] or "").strip(), None, index=i))
        if text.startswith("{") or text in ("***",):
            block, after = _json_block(lines, i)
            for error in _json_errors(block, i):
                if error.resource is None and response_url:
                    error = AzureError(error.code, error.message, resource_in(response_url), index=i)
                add(error)
            i = max(after, i + 1)
            continue
        if '"code"' in text:
            for error in _json_errors(text, i):
                add(error)
        for m in _AUTOREST_RE.finditer(text):
            message = _unescape(m["msg"] or "")
            add(AzureError(m["code"], message, resource_in(message), index=i))
        m = _AZCLI_RE.search(text)
        if m and m["code"] not in _NOT_CODES:
            add(AzureError(m["code"], m["msg"], resource_in(m["msg"]), index=i))
        m = _CODE_FIELD_RE.match(text)
        if m:  # az CLI / terraform's `Code: "X"` then `Message: "…"`
            nxt = lines[i + 1].strip().lstrip("│").strip() if i + 1 < len(lines) else ""
            mm = _MESSAGE_FIELD_RE.match(nxt)
            message = mm["msg"] if mm else ""
            add(AzureError(m["code"], message, resource_in(message), index=i))
        for m in _PORTAL_RE.finditer(text):
            resource = m["target"] or resource_in(text[: m.start()])
            add(AzureError(m["code"], text[: m.start()].strip(), resource, index=i))
        m = _LINE_CODE_RE.match(text)
        if m and (in_details or _is_code(m["code"], known_codes)) and m["code"] not in _NOT_CODES:
            add(AzureError(m["code"], m["msg"], resource_in(m["msg"]), index=i))
        i += 1
    return errors


def root_error(errors: Sequence[AzureError]) -> AzureError | None:
    """The error that explains the failure: the first that is neither a wrapper nor (while a
    more specific one exists) a generic code."""
    if not errors:
        return None
    specific = [e for e in errors if e.code not in WRAPPER_CODES and e.code not in GENERIC_CODES]
    if specific:
        return specific[0]
    plain = [e for e in errors if e.code not in WRAPPER_CODES]
    return plain[0] if plain else errors[0]


def fault_resource(errors: Sequence[AzureError], root: AzureError | None) -> str | None:
    """The resource at fault: the root error's, else the first error's that names one, else the
    nested deployment a wrapper names."""
    if root is not None and root.resource:
        return root.resource
    for error in errors:
        if error.resource and error.code not in WRAPPER_CODES:
            return error.resource
    for error in errors:
        m = _NESTED_DEPLOYMENT_RE.search(error.message)
        if m:
            return f"Microsoft.Resources/deployments/{m['name']}"
    return None

