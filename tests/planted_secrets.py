"""Planted secrets: one line (or block) per kind of secret a hook might print, with the parts that
must never reach an output.

Every token is assembled at run time from short parts and random characters, so this file holds
no literal that a push-protection scanner would flag as a live credential; the random parts come
from a seeded generator, so a failure reproduces.
"""

from __future__ import annotations

import base64
import random
import string
import urllib.parse
from dataclasses import dataclass

ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"


@dataclass(frozen=True)
class Planted:
    kind: str
    lines: tuple[str, ...]  # what a hook prints
    secrets: tuple[str, ...]  # none of these may appear in any output


@dataclass(frozen=True)
class EnvSecret:
    """A value the azd environment holds under a name that marks it secret."""

    name: str
    value: str


def _j(*parts: str) -> str:
    return "".join(parts)


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def b64key(self, nbytes: int = 64) -> str:
        return base64.b64encode(self.rng.randbytes(nbytes)).decode()


def env_secrets(seed: int = 17) -> tuple[EnvSecret, ...]:
    """Secret values kept in the azd environment (`.azure/<env>/.env`)."""
    g = _Gen(seed)
    return (
        EnvSecret("EASYAUTH_CLIENT_SECRET", _j(g.pick(ALNUM, 3), "8Q", "~", g.pick(ALNUM + "_~.-", 34))),
        EnvSecret("AZURE_SPEECH_KEY", g.pick(HEX, 32)),
        EnvSecret("REDIS_PASSWORD", g.pick(ALNUM, 24)),
        EnvSecret("BACKEND_API_TOKEN", _j("tk", g.pick(ALNUM, 30))),
        EnvSecret("AZURE_STORAGE_SAS", _j("sv=2022-11-02&ss=b&sp=r&s", "ig=", urllib.parse.quote(g.b64key(32), safe=""))),
        EnvSecret("SQL_ADMIN_PWD", _j(g.pick(ALNUM, 10), "!#", g.pick(ALNUM, 6))),
        EnvSecret("ARM_CLIENT_CREDENTIAL", _j(g.pick(ALNUM, 1), g.pick(ALNUM + "-_", 39))),
    )


def process_env_secret(seed: int = 23) -> EnvSecret:
    """A credential in the wizard's own process environment (a CI's), inherited by azd and hooks."""
    g = _Gen(seed)
    return EnvSecret("ARM_CLIENT_SECRET", _j(g.pick(ALNUM, 4), "~", g.pick(ALNUM + "_.", 30)))


def fresh_env_secret(seed: int = 29) -> EnvSecret:
    """A secret a hook adds to the environment mid-run (`azd env set`) and then echoes."""
    g = _Gen(seed)
    return EnvSecret("FRESH_SERVICE_API_KEY", g.pick(ALNUM, 28))


def planted(seed: int = 7) -> tuple[Planted, ...]:
    """At least 30 kinds, every one the issue lists among them."""
    g = _Gen(seed)
    out: list[Planted] = []

    def add(kind: str, line: str | tuple[str, ...], *secrets: str) -> None:
        lines = (line,) if isinstance(line, str) else line
        out.append(Planted(kind, lines, secrets))

    ghp = _j("gh", "p_", g.pick(ALNUM, 36))
    add("github-classic-pat", f"cloning with token {ghp}", ghp)
    fine = _j("github", "_pat_", g.pick(ALNUM, 22), "_", g.pick(ALNUM, 59))
    add("github-fine-grained-pat", f"GH_TOKEN={fine}", fine)
    gho = _j("gh", "o_", g.pick(ALNUM, 36))
    add("github-oauth-token", f'{{"token": "{gho}"}}', gho)
    ghs = _j("gh", "s_", g.pick(ALNUM, 36))
    add("github-app-token", f"x-access-token:{ghs}@github.com", ghs)

    akid = _j("AK", "IA", g.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16))
    add("aws-access-key-id", f"aws configure set aws_access_key_id {akid}", akid)
    aws_secret = g.pick(B64, 40)
    add("aws-secret-access-key", f"aws_secret_access_key = {aws_secret}", aws_secret)

    body = [g.pick(B64, 64) for _ in range(6)] + [g.pick(B64, 20) + "=="]
    rsa = ("-----BEGIN RSA " + "PRIVATE KEY-----", *body, "-----END RSA " + "PRIVATE KEY-----")
    add("pem-rsa-private-key", rsa, *body)
    ossh_body = [g.pick(B64, 70) for _ in range(4)]
    ossh = ("-----BEGIN OPENSSH " + "PRIVATE KEY-----", *ossh_body, "-----END OPENSSH " + "PRIVATE KEY-----")
    add("openssh-private-key", ossh, *ossh_body)

    openai_legacy = _j("sk-", g.pick(ALNUM, 20), "T3Blbk", "FJ", g.pick(ALNUM, 20))
    add("openai-key", f"OpenAI key: {openai_legacy}", openai_legacy)
    openai_proj = _j("sk-", "proj-", g.pick(ALNUM + "_-", 58), "T3Blbk", "FJ", g.pick(ALNUM + "_-", 58))
    add("openai-project-key", f"export OPENAI_API_KEY='{openai_proj}'", openai_proj)
    aoai = g.pick(HEX, 32)
    add("azure-openai-api-key", f"AZURE_OPENAI_API_KEY={aoai}", aoai)

    xoxb = _j("xo", "xb-", g.pick(string.digits, 12), "-", g.pick(string.digits, 13), "-", g.pick(ALNUM, 24))
    add("slack-bot-token", f"slack: posting with {xoxb}", xoxb)
    hook_path = _j("T", g.pick(UPPER_DIGITS, 10), "/B", g.pick(UPPER_DIGITS, 10), "/", g.pick(ALNUM, 24))
    add("slack-webhook", _j("notify https://hooks.", "slack.com/services/", hook_path), hook_path)

    client_secret = _j(g.pick(ALNUM, 3), "7Q", "~", g.pick(ALNUM + "_~.-", 34))
    add(
        "client-secret-flag",
        f"+ az login --service-principal --username 11111111-2222-3333-4444-555555555555 --client-secret {client_secret} --tenant contoso",
        client_secret,
    )
    sp_pw = g.pick(ALNUM + "~_", 40)
    add("sp-login-password-flag", f"+ az login --service-principal -u app-id -p {sp_pw} --tenant t1", sp_pw)
    entra = _j(g.pick(ALNUM, 3), "8Q", "~", g.pick(ALNUM + "_~.-", 34))
    add("entra-client-secret", f"created secret value {entra} (copy it now)", entra)
    sp_json = g.pick(ALNUM + "~_.-", 40)
    add("sp-json-password", f'  "password": "{sp_json}",', sp_json)

    cosmos_key = g.b64key(64)
    add("cosmos-db-key", f'  "primaryMasterKey": "{cosmos_key}",', cosmos_key)
    cosmos_cs_key = g.b64key(64)
    add(
        "cosmos-connection-string",
        f"AccountEndpoint=https://cosmos-x.documents.azure.com:443/;AccountKey={cosmos_cs_key};",
        cosmos_cs_key,
    )
    storage_key = g.b64key(64)
    add(
        "storage-connection-string",
        f"DefaultEndpointsProtocol=https;AccountName=stx;AccountKey={storage_key};EndpointSuffix=core.windows.net",
        storage_key,
    )
    storage_json_key = g.b64key(64)
    add("storage-account-keys-json", f'    "value": "{storage_json_key}"', storage_json_key)
    sig = urllib.parse.quote(g.b64key(32), safe="")
    add("sas-url", _j("https://stx.blob.core.windows.net/c/b.zip?sv=2022-11-02&se=2030-01-01&sp=r&s", "ig=", sig), sig)
    sb_key = g.b64key(32)
    add(
        "servicebus-connection-string",
        f"Endpoint=sb://ns-x.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={sb_key}",
        sb_key,
    )
    acs_key = g.b64key(64)
    add("acs-connection-string", f"endpoint=https://acs-x.communication.azure.com/;accesskey={acs_key}", acs_key)
    redis_pw = g.b64key(32)
    add("redis-connection-string", f"redis-x.redis.cache.windows.net:6380,password={redis_pw},ssl=True", redis_pw)
    pg_pw = g.pick(ALNUM, 18)
    add("postgres-url", f"DATABASE_URL=postgresql://admin:{pg_pw}@pg-x.postgres.database.azure.com:5432/app", pg_pw)
    mongo_pw = g.pick(ALNUM, 20)
    add("mongodb-url", f"mongodb+srv://app:{mongo_pw}@cosmos-x.mongocluster.cosmos.azure.com/", mongo_pw)

    def seg(n: int) -> str:
        return g.pick(ALNUM + "-_", n)

    jwt = _j("ey", "J", seg(30), ".", "ey", "J", seg(60), ".", seg(43))
    add("jwt", f"id_token {jwt}", jwt)
    bearer = _j("ey", "J", seg(24), ".", "ey", "J", seg(48), ".", seg(40))
    add("bearer-header", f"curl -H 'Authorization: Bearer {bearer}' https://x", bearer)
    stripe = _j("sk", "_live_", g.pick(ALNUM, 24))
    add("stripe-secret-key", f"stripe key {stripe}", stripe)
    google = _j("AI", "za", "Sy", g.pick(ALNUM + "-_", 33))
    add("google-api-key", f"maps key: {google}", google)
    npm = _j("np", "m_", g.pick(ALNUM, 36))
    add("npm-token", f"//registry.npmjs.org/:_authToken={npm}", npm)
    sendgrid = _j("S", "G.", g.pick(ALNUM + "-_", 22), ".", g.pick(ALNUM + "-_", 43))
    add("sendgrid-key", f"SENDGRID {sendgrid}", sendgrid)
    hf = _j("h", "f_", g.pick(string.ascii_letters, 34))
    add("huggingface-token", f"huggingface-cli login --token {hf}", hf)
    glpat = _j("gl", "pat-", g.pick(ALNUM + "-_", 20))
    add("gitlab-pat", f"remote: https://oauth2:{glpat}@gitlab.com/x.git", glpat)
    anthropic = _j("sk-", "ant-", "api03-", g.pick(ALNUM + "-_", 93), "AA")
    add("anthropic-key", f"key={anthropic}", anthropic)
    docker_pw = g.pick(ALNUM, 32)
    add("docker-login-password", f"+ docker login acrx.azurecr.io -u acrx -p {docker_pw}", docker_pw)
    basic_pw = g.pick(ALNUM, 16)
    add("url-userinfo-password", f"fetching https://deploy:{basic_pw}@example.scm.azurewebsites.net/x.git", basic_pw)
    appi = f"{g.pick(HEX, 8)}-{g.pick(HEX, 4)}-{g.pick(HEX, 4)}-{g.pick(HEX, 4)}-{g.pick(HEX, 12)}"
    add(
        "appinsights-connection-string",
        f"InstrumentationKey={appi};IngestionEndpoint=https://eastus2-0.in.applicationinsights.azure.com/",
        appi,
    )
    tf_out = g.b64key(64)
    add("terraform-output-sensitive", f'acs_primary_key = "{tf_out}"', tf_out)
    exported = g.pick(ALNUM + "~_", 36)
    add("exported-secret-var", f'export AZURE_CLIENT_SECRET="{exported}"', exported)

    for secret in env_secrets():
        add(f"env-value:{secret.name}", f"value is {secret.value} (no name)", secret.value)
    value = env_secrets()[0].value
    add("env-value-urlencoded", f"encoded {urllib.parse.quote(value, safe='')}", urllib.parse.quote(value, safe=""))
    b64 = base64.b64encode(value.encode()).decode()
    add("env-value-base64", f"b64 {b64}", b64)
    ci = process_env_secret()
    add("process-env-value", f"ci says {ci.value}", ci.value)
    return tuple(out)


def all_secret_parts() -> tuple[str, ...]:
    return tuple(s for p in planted() for s in p.secrets)
