"""The rules that say what a secret looks like: by name, and by pattern.

By name: `is_secret_key(name)` decides which environment values are secrets (masked by value
wherever they appear) and which assignments (`NAME=value`, `"name": "value"`, `--name value`)
hide a secret. One rule for both.

By pattern: the maintained rule set is detect-secrets' plugins (a dependency: their regexes,
kept up to date upstream), after our own rules for what it does not know (`secret_rules.yaml`:
Azure connection strings, SAS, 64-byte keys, Entra client secrets, newer token formats, flags).
Every rule carries needles (lower-case substrings its matches cannot lack) so it only runs where
it could match; detect-secrets' regexes get theirs derived by `regex_gate.required_needles`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from wizard.core.regex_gate import required_needles

# A name is secret when its last word is one of these (`AZURE_OPENAI_API_KEY`, `clientSecret`,
# `--sas-token`, `accountkey` glued) ...
_SECRET_WORDS = frozenset(
    {
        "key", "keys", "secret", "secrets", "password", "passwords", "passwd", "pwd", "pass", "passphrase",
        "token", "tokens", "sas", "credential", "credentials", "signature", "connstr", "pat",
    }
)
_GLUED_SUFFIXES = ("key", "secret", "password", "passwd", "token")  # accountkey, apikey, clientsecret
# ... or a word saying "the value of" follows one (`SECRET_KEY_BASE`, `TOKEN_VALUE`), or the name
# ends in CONNECTION_STRING.
_VALUE_SUFFIXES = frozenset({"value", "b64", "base64", "base", "hex", "pem"})
# Names that look secret and are not: the shell's working directories.
_NOT_SECRET_NAMES = frozenset({"pwd", "oldpwd"})
_SEGMENT_RE = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def name_words(name: str) -> list[str]:
    """`primaryMasterKey` -> [primary, master, key]; `AZURE_OPENAI_API_KEY` -> [azure, openai, api, key]."""
    return [w.lower() for w in _SEGMENT_RE.findall(name)]


def _secret_word(word: str) -> bool:
    return word in _SECRET_WORDS or (len(word) > 4 and word.endswith(_GLUED_SUFFIXES))


def is_secret_key(name: str) -> bool:
    """Whether a value stored or assigned under `name` is a secret (decided by its last word)."""
    words = name_words(name)
    if not words or name.lower() in _NOT_SECRET_NAMES:
        return False
    last = words[-1]
    if _secret_word(last):
        return True
    if last == "string":
        return len(words) > 1 and words[-2] == "connection"
    return last in _VALUE_SUFFIXES and any(_secret_word(w) for w in words[:-1])


def secret_name_needles(ends: tuple[str, ...]) -> frozenset[str]:
    """Needles for a rule whose match counts only under a secret name: every such name ends in one
    of these words, followed by one of `ends` (what the rule allows right after a name)."""
    words = _SECRET_WORDS | _VALUE_SUFFIXES | {"string"}
    return frozenset(word + end for word in words for end in ends)


@dataclass(frozen=True)
class Rule:
    """One secret pattern. `needles` None: the rule has no useful literal (see `Redactor`)."""

    id: str
    pattern: re.Pattern[str]
    needles: frozenset[str] | None
    secret_groups: tuple[int, ...] = ()  # () = the whole match, trimmed of delimiters
    name_group: int | None = None
    source: str = "wizard"


_FLAGS = re.MULTILINE  # `^`/`$` at line ends: a batch masks exactly like its lines one by one


def _own_rules() -> list[Rule]:
    data = yaml.safe_load(resources.files("wizard.core").joinpath("secret_rules.yaml").read_text(encoding="utf-8"))
    rules = []
    for item in data["rules"]:
        pattern = re.compile(item["regex"], _FLAGS)
        keywords = item.get("keywords")
        if "name_ends" in item:
            needles: frozenset[str] | None = secret_name_needles(tuple(item["name_ends"]))
        elif keywords:
            needles = frozenset(k.lower() for k in keywords)
        else:
            needles = required_needles(pattern)
        rules.append(
            Rule(
                id=item["id"],
                pattern=pattern,
                needles=needles,
                secret_groups=tuple(item.get("secret", ())),
                name_group=item.get("name"),
            )
        )
    return rules


# detect-secrets plugins left out: public IPs are not secrets; Cloudant's patterns have no literal
# to gate them and lookbehinds no single-pass matcher takes, and no Azure deployment prints them;
# private keys span lines, which the redactor handles itself (it masks the block, not the marker);
# IBM Cloud's and SoftLayer's keyword patterns open on every line that says `key` or `token` (a
# terraform flood of Key Vault secrets) and cost tens of microseconds a line there, for services an
# Azure deployment does not print (our secret-assignment rule masks `ibm_api_key=...` anyway).
_SKIPPED_PLUGINS = frozenset(
    {"IPPublicDetector", "CloudantDetector", "PrivateKeyDetector", "IbmCloudIamDetector", "IbmCosHmacDetector", "SoftlayerDetector"}
)


def _detect_secrets_rules() -> list[Rule]:
    try:
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
        from detect_secrets.plugins.base import RegexBasedDetector
    except ImportError:  # pragma: no cover - a dependency; our own rules still apply
        return []
    rules = []
    plugin: Any
    for secret_type, plugin in sorted(get_mapping_from_secret_type_to_class().items()):
        if not issubclass(plugin, RegexBasedDetector) or plugin.__name__ in _SKIPPED_PLUGINS:
            continue
        for index, regex in enumerate(plugin().denylist):
            pattern = re.compile(regex.pattern, regex.flags | _FLAGS)
            rules.append(
                Rule(id=f"{plugin.__name__}#{index}", pattern=pattern, needles=required_needles(pattern), source=f"detect-secrets: {secret_type}")
            )
    return rules


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    """Our rules first (they keep a connection string's labels), then detect-secrets'."""
    return (*_own_rules(), *_detect_secrets_rules())


def describe(rules: tuple[Rule, ...] | None = None) -> list[dict[str, Any]]:
    """The rule set as data (for tests and `make bench`'s notes)."""
    return [
        {"id": r.id, "source": r.source, "needles": sorted(r.needles) if r.needles else None}
        for r in (rules if rules is not None else all_rules())
    ]
