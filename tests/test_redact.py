"""Secret masking: connection strings, SAS, bearer tokens, env-file secrets."""

from __future__ import annotations

import pytest

from wizard.core.redact import MASK, Redactor, is_secret_key


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=abcDEF123+/==;EndpointSuffix=core.windows.net",
            "abcDEF123+/==",
        ),
        (
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=s3cr3tKey=",
            "s3cr3tKey=",
        ),
        (
            "InstrumentationKey=0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b;IngestionEndpoint=https://x",
            "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
        ),
        (
            "endpoint=https://acs-x.communication.azure.com/;accesskey=QUNTc2VjcmV0a2V5==",
            "QUNTc2VjcmV0a2V5==",
        ),
        (
            "https://st1.blob.core.windows.net/c/b?sv=2022-11-02&se=2026&sp=r&sig=AbC%2Fdef123%3D",
            "AbC%2Fdef123%3D",
        ),
        ("sv=2022-11-02&ss=b&srt=sco&sig=Zm9vYmFy", "Zm9vYmFy"),
        (
            "Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi.eyJhdWQiOiJodHRwczovL21h.c2lnbmF0dXJlLXBhcnQ",
            "eyJ0eXAiOiJKV1QiLCJhbGciOi",
        ),
        ('{"accessToken": "opaque-token-value-123"}', "opaque-token-value-123"),
        (
            "token eyJ0eXAiOiJKV1QiLCJhbGciOi.eyJhdWQiOiJodHRwczovL21h.c2lnbmF0dXJlLXBhcnQ in a log",
            "c2lnbmF0dXJlLXBhcnQ",
        ),
        (
            "mongodb+srv://admin:p4ssw0rd@cosmos-cluster-x.mongocluster.cosmos.azure.com/",
            "p4ssw0rd",
        ),
    ],
)
def test_patterns_mask(text: str, secret: str) -> None:
    masked = Redactor().mask(text)
    assert secret not in masked
    assert MASK in masked


def test_env_file_secrets_are_masked_anywhere() -> None:
    env = {
        "AZURE_LOCATION": "eastus2",
        "APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=abc123456;IngestionEndpoint=https://x/",
        "AZURE_OPENAI_KEY": "sk-very-secret-value",
        "EASYAUTH_CLIENT_SECRET": "client~secret~value",
        "AZURE_COSMOS_CONNECTION_STRING": "mongodb+srv://u:pw123456@host/",
    }
    redactor = Redactor.from_env_values(env)
    line = "echo sk-very-secret-value client~secret~value eastus2"
    out = redactor.mask(line)
    assert "sk-very-secret-value" not in out and "client~secret~value" not in out
    assert "eastus2" in out  # not a secret
    assert (
        is_secret_key("AZURE_OPENAI_KEY")
        and is_secret_key("X_SECRET")
        and is_secret_key("FOO_CONNECTION_STRING")
    )
    assert not is_secret_key("AZURE_LOCATION")


def test_add_and_short_values() -> None:
    redactor = Redactor()
    redactor.add(["abc"])  # too short to mask safely
    assert redactor.mask("abc") == "abc"
    redactor.add(["longer-secret"])
    assert redactor.mask("x longer-secret y") == f"x {MASK} y"


def test_names_are_not_masked() -> None:
    text = "SharedAccessKeyName=RootManageSharedAccessKey"
    assert Redactor().mask(text) == text
