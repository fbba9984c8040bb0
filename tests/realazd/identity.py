"""Sign-in without Azure: azd's remote credential protocol, answered with an unsigned JWT.

azd (1.25.1+) takes its tokens from `AZD_AUTH_ENDPOINT` when `AZD_AUTH_KEY` is set too
(`pkg/auth/remote_credential.go`): it POSTs `{"scopes": [...], "tenantId": "..."}` to
`<endpoint>/token?api-version=...` with `Authorization: Bearer <key>` and expects
`{"status": "success", "token": <JWT>, "expiresOn": "YYYY-MM-DDTHH:MM:SSZ"}` (or
`{"status": "error", "code": ..., "message": ...}`). The token is never verified, but azd reads its
claims: `oid` is the signed-in principal, `tid` the tenant. Putting the principal that recorded
the cassette there makes azd's role-assignment pre-check ask for exactly the recorded URL.
"""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass

from tests.realazd.cassette import Cassette

_OPERATION_IDENTIFIER = re.compile(r"tenantId=([0-9a-f-]{36}),objectId=([0-9a-f-]{36})")
_ASSIGNED_TO = re.compile(r"assignedTo\('([0-9a-f-]{36})'\)")
ANONYMOUS = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class Identity:
    """The principal the cassette was recorded as."""

    principal_id: str
    tenant_id: str
    user: str = "replay-user@example.com"

    @classmethod
    def of(cls, cassette: Cassette) -> Identity:
        """Read from ARM's `X-Ms-Operation-Identifier` header or an `assignedTo('<oid>')` filter."""
        for interaction in cassette.interactions:
            for value in interaction.response.get("headers", {}).get("X-Ms-Operation-Identifier", []):
                found = _OPERATION_IDENTIFIER.search(value)
                if found:
                    return cls(principal_id=found.group(2), tenant_id=found.group(1))
        for interaction in cassette.interactions:
            found = _ASSIGNED_TO.search(interaction.key.query)
            if found:
                return cls(principal_id=found.group(1), tenant_id=ANONYMOUS)
        return cls(principal_id=ANONYMOUS, tenant_id=ANONYMOUS)


def _b64(data: dict[str, object] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsigned_jwt(identity: Identity, tenant_id: str | None, *, now: float, lifetime_s: int) -> str:
    tenant = tenant_id or identity.tenant_id
    issued = int(now)
    claims = {
        "aud": "https://management.azure.com/",
        "iss": f"https://sts.windows.net/{tenant}/",
        "iat": issued,
        "nbf": issued,
        "exp": issued + lifetime_s,
        "sub": identity.principal_id,
        "oid": identity.principal_id,
        "tid": tenant,
        "preferred_username": identity.user,
        "unique_name": identity.user,
        "upn": identity.user,
        "email": identity.user,
        "name": "Replay User",
    }
    header = {"typ": "JWT", "alg": "RS256", "kid": "replay-unsigned"}
    return f"{_b64(header)}.{_b64(claims)}.{_b64(b'unsigned')}"


@dataclass(frozen=True)
class TokenRefusal:
    """What the token endpoint answers instead of a token (a sign-in that has expired, by default)."""

    code: str = "AADSTS700082"
    message: str = (
        "AADSTS700082: The refresh token has expired due to inactivity. The token was issued on "
        "2026-01-01T00:00:00Z and was inactive for 90.00:00:00."
    )


def token_answer(identity: Identity, request_body: bytes, refusal: TokenRefusal | None,
                 lifetime_s: int = 3600) -> tuple[int, dict[str, object]]:
    """(HTTP status, JSON body) for one POST /token."""
    try:
        request = json.loads(request_body or b"{}")
    except json.JSONDecodeError:
        return 400, {"status": "error", "code": "BadRequest", "message": "token request is not JSON"}
    if refusal is not None:
        return 200, {"status": "error", "code": refusal.code, "message": refusal.message}
    now = time.time()
    token = unsigned_jwt(identity, request.get("tenantId") or None, now=now, lifetime_s=lifetime_s)
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + lifetime_s))
    return 200, {"status": "success", "token": token, "expiresOn": expires}
