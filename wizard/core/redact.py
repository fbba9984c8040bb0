"""Secret masking, applied before anything is shown or written (screen, logs, records, reports)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MASK = "****"

# Secrets inside connection strings, SAS tokens, headers and JSON. Each pattern comes with its gate:
# substrings that must all be in the text (case-sensitive) and trigger words of which one must be in
# the lower-cased text. A pattern runs only when its gate opens, so a flood of ordinary lines costs
# a few substring scans instead of six regex passes. Patterns never cross a line (no `\s`, which
# would match a newline): the engine masks a whole batch of lines at once.
_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        re.compile(r"(?i)((?:AccountKey|SharedAccessKey|SharedAccessSignature|InstrumentationKey|Password|Pwd|AccessKey|ClientSecret)[ \t]*=[ \t]*)([^;\s\"']+)"),
        ("=",),
        ("key", "signature", "password", "pwd", "secret"),
    ),
    (re.compile(r"(?i)((?:[?&;]|\b)sig=)([^&\s\"']+)"), ("=",), ("sig=",)),
    (re.compile(r"(?i)(\bBearer[ \t]+)([A-Za-z0-9\-_.~+/]+=*)"), (), ("bearer",)),
    (
        re.compile(r"(?i)(\"(?:accessToken|access_token|refresh_token|client_secret|password)\"[ \t]*:[ \t]*\")([^\"\n]+)"),
        ('"', ":"),
        ("token", "secret", "password"),
    ),
    (re.compile(r"(mongodb(?:\+srv)?://[^:/\s]+:)([^@\s]+)(@)"), ("mongodb", "@"), ()),
    # bare JWTs (access tokens printed without a `Bearer ` prefix)
    (re.compile(r"(\b)(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"), ("eyJ",), ()),
)

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
        """`text` (one line or a batch of lines joined by newlines) with every secret masked."""
        if self._literal_re is not None and any(secret in text for secret in self._literals):
            text = self._literal_re.sub(MASK, text)
        lower: str | None = None
        for pattern, must_have, words in _PATTERNS:
            if must_have and not all(part in text for part in must_have):
                continue
            if words:
                if lower is None:
                    lower = text.lower()
                if not any(word in lower for word in words):
                    continue
                masked = _sub_where(pattern, text, lower, words)
            else:
                masked = _sub_where(pattern, text, text, must_have[:1])
            if masked != text:
                text, lower = masked, None
        return text


_MAX_LOCAL_LINES = 64


def _sub_where(pattern: re.Pattern[str], text: str, hay: str, needles: tuple[str, ...]) -> str:
    """`pattern` applied to the lines of `text` that hold a needle (found in `hay`, which has the
    same offsets): every match holds one, and none crosses a line. In a 5000-line batch with one
    such line this is one short regex pass instead of a pass over the whole batch."""
    repl = _keep_groups_around_secret if pattern.groups == 3 else _keep_prefix
    if "\n" not in text or len(hay) != len(text):
        return pattern.sub(repl, text)
    spans: set[tuple[int, int]] = set()
    for needle in needles:
        at = hay.find(needle)
        while at != -1:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end == -1 else end
            spans.add((start, end))
            if len(spans) > _MAX_LOCAL_LINES:
                return pattern.sub(repl, text)
            at = hay.find(needle, end)
    pieces, last = [], 0
    for start, end in sorted(spans):
        pieces += [text[last:start], pattern.sub(repl, text[start:end])]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _keep_prefix(match: re.Match[str]) -> str:
    return match.group(1) + MASK


def _keep_groups_around_secret(match: re.Match[str]) -> str:
    return match.group(1) + MASK + match.group(3)
