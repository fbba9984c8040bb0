"""The rule set and its gate: every planted kind is masked, needles are sound, batches equal lines."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.planted_secrets import env_secrets, planted, process_env_secret
from wizard.core import redact
from wizard.core.redact import MASK, Redactor, encodings
from wizard.core.regex_gate import required_needles
from wizard.core.secret_rules import all_rules, is_secret_key

PLANTED = planted()
ENV_VALUES = {s.name: s.value for s in (*env_secrets(), process_env_secret())}


def test_at_least_thirty_kinds_including_the_issue_s() -> None:
    kinds = {p.kind for p in PLANTED}
    assert len(kinds) >= 30
    assert {
        "github-classic-pat", "aws-secret-access-key", "pem-rsa-private-key", "openai-key", "azure-openai-api-key",
        "slack-bot-token", "client-secret-flag", "cosmos-db-key", "storage-connection-string", "sas-url", "jwt",
        "env-value:EASYAUTH_CLIENT_SECRET",
    } <= kinds


@pytest.mark.parametrize("item", PLANTED, ids=[p.kind for p in PLANTED])
def test_every_planted_kind_is_masked(item) -> None:  # type: ignore[no-untyped-def]
    redactor = Redactor.from_env_values(ENV_VALUES)
    out = redactor.mask("\n".join(item.lines))
    for secret in item.secrets:
        assert secret not in out
    assert MASK in out


def test_pattern_rules_alone_mask_every_named_kind() -> None:
    """Without the environment's values, only the kinds that are nothing but a value survive."""
    redactor = Redactor()
    shown = {p.kind for p in PLANTED if any(s in redactor.mask("\n".join(p.lines)) for s in p.secrets)}
    assert all(kind.startswith(("env-value", "process-env")) for kind in shown), shown


def test_ordinary_lines_are_left_alone() -> None:
    lines = [
        "module.app.azurerm_key_vault_secret.acs_connection_string[0]: Still creating... [10s elapsed]",
        "azurerm_key_vault_key.cmk: Creation complete after 3s [id=https://kv-x.vault.azure.net/keys/cmk/1]",
        "SharedAccessKeyName=RootManageSharedAccessKey",
        "  + primary_access_key = (sensitive value)",
        "AZURE_KEY_VAULT_NAME=kv-demo-dev",
        "  (✓) Done: Key Vault: kv-demo-dev (12s)",
        '  "keyName": "key1",',
        "Apply complete! Resources: 12 added, 0 changed, 0 destroyed.",
        "sha256:3f786850e387550fdab836ed7e6dc881de23001b",
        "--key-vault-name kv-demo-dev --secret-name acs-connection-string",
    ]
    redactor = Redactor.from_env_values(ENV_VALUES)
    assert [redactor.mask(line) for line in lines] == lines


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("AZURE_OPENAI_API_KEY", True), ("EASYAUTH_CLIENT_SECRET", True), ("ACS_CONNECTION_STRING", True),
        ("REDIS_PASSWORD", True), ("SQL_ADMIN_PWD", True), ("AZURE_STORAGE_SAS", True), ("GITHUB_TOKEN", True),
        ("ARM_CLIENT_CREDENTIAL", True), ("primaryMasterKey", True), ("accountkey", True), ("client-secret", True),
        ("SECRET_KEY_BASE", True), ("TF_VAR_admin_password", True),
        ("AZURE_KEY_VAULT_NAME", False), ("AZURE_KEY_VAULT_ENDPOINT", False), ("AZURE_LOCATION", False),
        ("SharedAccessKeyName", False), ("keyName", False), ("TOKEN_URL", False), ("password-stdin", False),
        ("AZURE_SPEECH_KEY_ENABLED", False), ("key-vault-name", False), ("azurerm_key_vault_secret.acs", False), ("PWD", False), ("OLDPWD", False), ("GIT_ASKPASS", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert is_secret_key(name) is secret


def test_values_are_masked_in_other_encodings() -> None:
    value = "p@ss/word+with~chars=="
    redactor = Redactor([value])
    import base64
    import urllib.parse

    for shown in (
        urllib.parse.quote(value, safe=""),
        base64.b64encode(value.encode()).decode(),
        base64.b64encode(f"user:{value}".encode()).decode(),  # inside a longer blob (basic auth)
        base64.b64encode(f"x{value}yz".encode()).decode(),
    ):
        out = redactor.mask(f"echo {shown}")
        assert MASK in out, (shown, out)
    assert value in encodings(value)


def test_short_and_boring_values_are_not_masked_everywhere() -> None:
    redactor = Redactor.from_env_values({"AZURE_OPENAI_USE_KEY": "true", "X_TOKEN": "abc", "Y_KEY": "enabled"})
    assert redactor.mask("true abc enabled") == "true abc enabled"


def test_a_private_key_block_is_masked_across_calls() -> None:
    key = next(p for p in PLANTED if p.kind == "pem-rsa-private-key")
    redactor = Redactor()
    out = [redactor.mask(line) for line in key.lines] + [redactor.mask("after the key")]
    assert out[0].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert out[1:-2] == [MASK] * (len(key.lines) - 2)
    assert out[-2].startswith("-----END")
    assert out[-1] == "after the key"


# -- the gate -------------------------------------------------------------------------------------
RULES = [rule for rule in all_rules() if rule.needles]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_match_holds_a_needle(rule, data) -> None:  # type: ignore[no-untyped-def]
    """The gate is sound: whatever a rule matches holds one of its needles."""
    text = data.draw(st.from_regex(rule.pattern, fullmatch=False))
    for match in rule.pattern.finditer(text):
        if rule.name_group is not None and not is_secret_key(match.group(rule.name_group) or ""):
            continue  # the match does not count: nothing to gate
        assert any(needle in text.lower() for needle in rule.needles), match.group(0)


@pytest.mark.parametrize(
    ("pattern", "needles"),
    [
        (r"api_?key\s*=", {"api_key", "apikey"}),
        (r"(?:A3T[A-Z0-9]|ABIA|AKIA)[0-9A-Z]{16}", {"a3t", "abia", "akia"}),
        (r"(?i)(AccountKey|SharedAccessKey)=([^;]+)", {"accountkey=", "sharedaccesskey="}),
        (r"x(abc|[0-9]+)yz", None),  # no literal of 3 characters every match holds
        (r"[A-Z]{3}", None),
        (r"abc|de", None),
        (r"ab(c|d)+x", {"abc", "abd"}),
    ],
)
def test_required_needles(pattern: str, needles: set[str] | None) -> None:
    assert required_needles(re.compile(pattern)) == (frozenset(needles) if needles else None)


def test_the_gate_without_re2_masks_the_same() -> None:
    """RE2's set is case-insensitive throughout, so it may open more gates, never fewer."""
    with_re2 = Redactor.from_env_values(ENV_VALUES)
    without = Redactor.from_env_values(ENV_VALUES)
    without._gate._set = None  # the pure-Python fallback
    for item in PLANTED:
        text = "\n".join(item.lines)
        assert with_re2._gate.hits(text) >= without._gate.hits(text), item.kind
        assert with_re2.mask(text) == without.mask(text), item.kind


# -- batches equal lines --------------------------------------------------------------------------
ORDINARY = [
    "module.app.null_resource.build (local-exec): [build] step 000001: compiling module voice_01 ... ok",
    "azurerm_key_vault_secret.acs: Creating...",
    "  (✓) Done: Container App: ca-backend (45s)",
    "",
    "Key = value",
]
PLANTED_LINES = [line for p in PLANTED for line in p.lines]
line_st = st.one_of(st.sampled_from(ORDINARY), st.sampled_from(PLANTED_LINES), st.text(alphabet=st.characters(blacklist_characters="\n\r"), max_size=40))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(line_st, max_size=60), size=st.integers(1, 25))
def test_masking_a_batch_equals_masking_each_line(lines: list[str], size: int) -> None:
    by_line = Redactor.from_env_values(ENV_VALUES)
    by_batch = Redactor.from_env_values(ENV_VALUES)
    reference = [by_line.mask(line) for line in lines]
    got: list[str] = []
    for start in range(0, len(lines), size):
        got += by_batch.mask_lines(lines[start : start + size])
    assert got == reference


def test_many_lines_holding_a_needle_take_the_whole_batch_path() -> None:
    lines = [f"AZURE_OPENAI_API_KEY={'%032x' % (i * 7919)}" for i in range(redact._MAX_LOCAL_LINES + 10)]
    redactor = Redactor()
    assert redactor.mask_lines(lines) == [redactor.mask(line) for line in lines] == ["AZURE_OPENAI_API_KEY=****"] * len(lines)


def test_mask_value_walks_events_and_summaries() -> None:
    from wizard.core.events import Failure, StepFinished

    secret = ENV_VALUES["REDIS_PASSWORD"]
    redactor = Redactor.from_env_values(ENV_VALUES)
    event = StepFinished(
        step="provision", status="failed", started=0.0, finished=1.0,
        failure=Failure(step="provision", target=None, cause=f"bad {secret}", evidence=(f"e {secret}",)),
    )
    masked = redactor.mask_value(event)
    assert secret not in repr(masked) and masked.failure is not None and masked.failure.cause == f"bad {MASK}"
    summary = {"steps": [{"failure": {"cause": secret, "evidence": [secret]}}], "ok": False, "n": 3}
    assert secret not in repr(redactor.mask_value(summary))
    assert redactor.mask_value(event.__class__(step="x", status="done", started=0.0, finished=1.0)).step == "x"


def test_a_lone_surrogate_does_not_stop_the_masking() -> None:
    assert Redactor().mask("\ud800 API_TOKEN=abcdefgh12345") == f"\ud800 API_TOKEN={MASK}"
