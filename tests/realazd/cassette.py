"""A go-vcr cassette (format 2) as azd's functional tests record it, and go-vcr's way to match it.

A cassette file holds two YAML documents: `{version: 2, interactions: [...]}` and the session's
variables (`env_name`, `subscription_id`, `time`). Each interaction has the request's method and
full URL (`https://host:443/path?query`) and the response's status, headers and body.

Matching follows go-vcr v3's `DefaultMatcher` (method + URL string) with the two rules azd's
recorder adds (`test/recording/recording.go`): the query of a Container Apps
`containerappOperationResults` URL is ignored, and so is the GUID of a `roleAssignments/<GUID>`
request (azd makes a new one each run). The proxy rebuilds the URL from the CONNECT host and the
path Go decoded, so paths are compared decoded; queries are compared as sent.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

ROLE_ASSIGNMENT_ID = re.compile(r"providers/Microsoft\.Authorization/roleAssignments/[^/]+\?api")

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class RequestKey:
    """What go-vcr compares: the method and the URL, split so the path can be compared decoded."""

    method: str
    origin: str  # scheme://host:port
    path: str  # percent-decoded
    query: str  # as sent

    @classmethod
    def of(cls, method: str, url: str) -> RequestKey:
        parts = urlsplit(url)
        return cls(method.upper(), f"{parts.scheme}://{parts.netloc}", unquote(parts.path), parts.query)

    @property
    def url(self) -> str:
        return f"{self.origin}{self.path}" + (f"?{self.query}" if self.query else "")

    def matches(self, recorded: RequestKey, *, reader: bool = False) -> bool:
        """go-vcr's match; `reader`: the relaxed match for the wizard's own clients, which were never
        recorded: the path compared without case (ARM's paths are case-insensitive), the query
        decoded and unordered."""
        if self.method != recorded.method or self.origin != recorded.origin:
            return False
        if reader:
            return self.path.lower() == recorded.path.lower() and _query_items(self.query) == _query_items(recorded.query)
        if "/providers/Microsoft.App/" in self.path and "/containerappOperationResults" in self.path:
            return self.path == recorded.path
        if "providers/Microsoft.Authorization/roleAssignments/" in self.path:
            return _without_role_id(self.url) == _without_role_id(recorded.url)
        return self.path == recorded.path and self.query == recorded.query


def _query_items(query: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(query, keep_blank_values=True))


def _without_role_id(url: str) -> str:
    return ROLE_ASSIGNMENT_ID.sub("providers/Microsoft.Authorization/roleAssignments/IGNORED?api", url)


@dataclass
class Interaction:
    """One recorded request/response pair (the raw YAML mapping stays available as `raw`)."""

    id: int
    raw: dict[str, Any]
    key: RequestKey = field(init=False)

    def __post_init__(self) -> None:
        self.key = RequestKey.of(self.raw["request"]["method"], self.raw["request"]["url"])

    @property
    def request(self) -> dict[str, Any]:
        return self.raw["request"]

    @property
    def response(self) -> dict[str, Any]:
        return self.raw["response"]

    def request_body(self) -> bytes:
        return _as_bytes(self.request.get("body"))

    def response_body(self) -> bytes:
        return _as_bytes(self.response.get("body"))


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    return str(body).encode("utf-8")


@dataclass
class Cassette:
    """The interactions in recorded order and the session variables."""

    path: Path
    interactions: list[Interaction]
    variables: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> Cassette:
        with path.open(encoding="utf-8") as stream:
            documents = list(yaml.load_all(stream, Loader=_Loader))
        body = documents[0] or {}
        if body.get("version") != 2:
            raise ValueError(f"{path.name}: not a go-vcr format 2 cassette")
        variables = {str(k): str(v) for k, v in (documents[1] if len(documents) > 1 else {}).items()}
        interactions = [Interaction(index, raw) for index, raw in enumerate(body.get("interactions") or [])]
        return cls(path=path, interactions=interactions, variables=variables)

    def copy(self) -> Cassette:
        """A deep copy, to mutate for one test without touching the loaded original."""
        return Cassette(self.path, [Interaction(i.id, copy.deepcopy(i.raw)) for i in self.interactions],
                        dict(self.variables))

    @property
    def env_name(self) -> str:
        return self.variables["env_name"]

    @property
    def subscription_id(self) -> str:
        return self.variables["subscription_id"]

    @property
    def clock(self) -> str:
        return self.variables["time"]

    def find(self, method: str, path_contains: str) -> list[Interaction]:
        """Interactions whose method is `method` and whose decoded path contains the text."""
        return [i for i in self.interactions if i.key.method == method and path_contains in i.key.path]

    def first(self, method: str, path_contains: str) -> Interaction:
        found = self.find(method, path_contains)
        if not found:
            raise LookupError(f"no {method} …{path_contains}… in {self.path.name}")
        return found[0]
