"""Secret masking, applied before anything is shown or written (screen, logs, records, reports)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MASK = "****"

# Secrets inside connection strings, SAS tokens, headers and JSON, each with its trigger words:
# a pattern runs only when one of its (lower-case) trigger words is in the text, so floods of
# ordinary lines cost one `lower()` and a few substring tests instead of six regex scans.
_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (
        re.compile(r"(?i)((?:AccountKey|SharedAccessKey|SharedAccessSignature|InstrumentationKey|Password|Pwd|AccessKey|ClientSecret)\s*=\s*)([^;\s\"']+)"),
        ("key", "signature", "password", "pwd", "secret"),
    ),
    (re.compile(r"(?i)((?:[?&;]|\b)sig=)([^&\s\"']+)"), ("sig=",)),
    (re.compile(r"(?i)(\bBearer\s+)([A-Za-z0-9\-_.~+/]+=*)"), ("bearer",)),
    (
        re.compile(r"(?i)(\"(?:accessToken|access_token|refresh_token|client_secret|password)\"\s*:\s*\")([^\"]+)"),
        ("token", "secret", "password"),
    ),
    (re.compile(r"(mongodb(?:\+srv)?://[^:/\s]+:)([^@\s]+)(@)"), ("mongodb",)),
    # bare JWTs (access tokens printed without a `Bearer ` prefix)
    (re.compile(r"(\b)(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"), ("eyj",)),
)
_TRIGGER_WORDS = frozenset(word for _, words in _PATTERNS for word in words)

# env keys whose values are secrets wherever they appear.
SECRET_KEY_RE = re.compile(r"(?i)(_KEY|_SECRET|_CONNECTION_STRING|_PASSWORD|_TOKEN|_SAS)$|^(.*CONNECTION_STRING.*)$")

_MIN_SECRET_LEN = 6


def is_secret_key(key: str) -> bool:
    return bool(SECRET_KEY_RE.search(key))


class Redactor:
    """Masks known patterns and literal secret values (e.g. from the env file)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._literals: set[str] = set()
        self._literal_re: re.Pattern[str] | None = None
        self.add(secrets)

    @classmethod
    def from_env_values(cls, values: Mapping[str, str]) -> Redactor:
        return cls(v for k, v in values.items() if is_secret_key(k))

    def add(self, secrets: Iterable[str]) -> None:
        new = {s for s in secrets if s and len(s) >= _MIN_SECRET_LEN and s not in self._literals}
        if not new:
            return
        self._literals |= new
        ordered = sorted(self._literals, key=len, reverse=True)
        self._literal_re = re.compile("|".join(re.escape(s) for s in ordered))

    def mask(self, text: str) -> str:
        if self._literal_re is not None:
            text = self._literal_re.sub(MASK, text)
        lower = text.lower()
        present = {word for word in _TRIGGER_WORDS if word in lower}
        if not present:
            return text
        for pattern, triggers in _PATTERNS:
            if present.isdisjoint(triggers):
                continue
            if pattern.groups == 3:
                text = pattern.sub(lambda m: m.group(1) + MASK + m.group(3), text)
            else:
                text = pattern.sub(lambda m: m.group(1) + MASK, text)
        return text
