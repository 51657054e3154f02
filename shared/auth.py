"""Bearer tokens (JWT signed with the portal's Ed25519 key) naming the user, the role and the unit,
and the scoping rules.

The portal issues short-lived tokens; the services verify them against the portal's public key
set (JWKS), fetched and cached by `kid` so a new key is picked up when it first signs. A token
whose lifetime exceeds `MAX_LIFETIME` is refused even if its signature is good. A service keeps
the tokens it verified for a while (`VerifiedTokens`): a client sends the same one with every request.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import time
import urllib.parse
import urllib.request
from pathlib import Path

import jwt
from flask import current_app, g, request

from shared.domain.errors import Bilingual, Forbidden, Unauthenticated, Unavailable
from shared.signing import ALGORITHM, SigningKey

ISSUER = "cqs"
AUDIENCE = "cqs-api"
DEFAULT_LIFETIME = dt.timedelta(minutes=10)
MAX_LIFETIME = dt.timedelta(hours=1)
KEY_SET_CACHE_S = 300  # how long a fetched key set (JWKS) is used before it is fetched again


class Role(enum.StrEnum):
    UNIT_REPORTER = enum.auto()
    UNIT_APPROVER = enum.auto()
    DISTRICT_REVIEWER = enum.auto()
    DEPARTMENT_REVIEWER = enum.auto()
    DATA_PROVIDER = enum.auto()
    ADMIN = enum.auto()
    AUDITOR = enum.auto()


REVIEWER_ROLES = frozenset({Role.DISTRICT_REVIEWER, Role.DEPARTMENT_REVIEWER})


@dataclasses.dataclass(frozen=True)
class Principal:
    user: str
    role: Role
    unit: str

    @property
    def is_reviewer(self) -> bool:
        return self.role in REVIEWER_ROLES


def issue_token(key: SigningKey, user: str, role: Role | str, unit: str, *, ttl: dt.timedelta = DEFAULT_LIFETIME,
                now: dt.datetime | None = None) -> str:
    moment = now or dt.datetime.now(dt.timezone.utc)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user,
        "role": Role(role).value,
        "unit": unit,
        "iat": int(moment.timestamp()),
        "exp": int((moment + ttl).timestamp()),
    }
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})


class PublicKeys:
    """The verification keys, from a JWKS URL: the portal's (http/https), or a file:// key set in embedded mode
    and tests. Cached, and fetched again when a token names a `kid` not seen yet (key rotation)."""

    def __init__(self, jwks_url: str, cache_s: int = KEY_SET_CACHE_S):
        self.url = jwks_url
        parsed = urllib.parse.urlparse(jwks_url)
        self._file = Path(urllib.request.url2pathname(parsed.path)) if parsed.scheme == "file" else None
        self._client = None if self._file else jwt.PyJWKClient(jwks_url, cache_jwk_set=True, lifespan=cache_s,
                                                               timeout=5)
        self._file_keys: jwt.PyJWKSet | None = None

    def key_for(self, token: str):
        if self._client is None:
            return self._key_from_file(jwt.get_unverified_header(token).get("kid"))
        try:
            return self._client.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as exc:
            raise Unavailable(Bilingual("Chưa lấy được khóa kiểm tra mã đăng nhập; hãy thử lại",
                                        "the token signing keys cannot be fetched now; try again"),
                              retry_after_s=30) from exc

    def _key_from_file(self, kid: str | None):
        for reload in (self._file_keys is None, True):
            if reload:
                self._file_keys = jwt.PyJWKSet.from_json(self._file.read_text())
            for key in self._file_keys.keys:
                if key.key_id == kid:
                    return key.key
        raise jwt.PyJWKClientError(f"no signing key with kid {kid!r}")


class StaticKeys:
    """Verification against known keys only (unit tests, scripts)."""

    def __init__(self, *keys: SigningKey):
        self._keys = {key.kid: key.public_key for key in keys}

    def key_for(self, token: str):
        kid = jwt.get_unverified_header(token).get("kid")
        if kid not in self._keys:
            raise jwt.InvalidTokenError(f"unknown key id {kid!r}")
        return self._keys[kid]


def decode_token(keys: PublicKeys | StaticKeys, token: str) -> Principal:
    return _verify(keys, token)[0]


def _verify(keys: PublicKeys | StaticKeys, token: str) -> tuple[Principal, float]:
    """The token's principal and when it expires (seconds since the epoch), or Unauthenticated."""
    try:
        claims = jwt.decode(token, keys.key_for(token), algorithms=[ALGORITHM], issuer=ISSUER, audience=AUDIENCE,
                            options={"require": ["exp", "iat", "sub", "iss", "aud"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated(Bilingual("Phiên đăng nhập đã hết hạn (expired); hãy đăng nhập lại",
                                        "the bearer token has expired; sign in again")) from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated(Bilingual("Mã đăng nhập (bearer token) không hợp lệ (not valid)",
                                        f"the bearer token is not valid: {exc}")) from exc
    if claims["exp"] - claims["iat"] > MAX_LIFETIME.total_seconds():
        raise Unauthenticated(Bilingual(f"Mã đăng nhập có thời hạn quá {MAX_LIFETIME} (not valid); hãy lấy mã mới",
                                        f"the bearer token lives longer than {MAX_LIFETIME}; ask for a new one"))
    try:
        return Principal(user=claims["sub"], role=Role(claims["role"]), unit=str(claims["unit"])), claims["exp"]
    except (KeyError, ValueError) as exc:
        raise Unauthenticated(Bilingual("Mã đăng nhập không nêu vai trò và đơn vị hợp lệ",
                                        "the token does not name a known role and a unit")) from exc


class VerifiedTokens:
    """The principals of the tokens this process verified lately. A client sends the same token with
    every request until it expires, and verifying it each time (PyJWT's parsing and the Ed25519
    signature, twice per request then) was a fifth of a draft save's CPU. An entry serves only while
    its token is unexpired and for `keep_s` at most, the key set's own cache time: a key withdrawn
    from the key set stops opening requests as soon as it would without this cache."""

    def __init__(self, keys: PublicKeys | StaticKeys, *, keep_s: float = KEY_SET_CACHE_S,
                 max_entries: int = 10_000):
        self.keys = keys
        self._keep_s = keep_s
        self._max_entries = max_entries
        self._verified: dict[str, tuple[Principal, float]] = {}

    def principal(self, token: str) -> Principal:
        now = time.time()
        known = self._verified.get(token)
        if known is not None and now < known[1]:
            return known[0]
        principal, expires_at = _verify(self.keys, token)
        if len(self._verified) >= self._max_entries:
            self._verified.clear()  # bounded: what is forgotten is verified again on its next use
        self._verified[token] = (principal, min(expires_at, now + self._keep_s))
        return principal


def current_principal() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated(Bilingual("Cần đăng nhập: gửi kèm 'Authorization: Bearer <token>'",
                                        "send 'Authorization: Bearer <token>'"))
    return current_app.extensions["cqs_tokens"].principal(token.strip())


def requires(*roles: Role):
    """Route decorator: a valid token with one of `roles` (any role if none given), kept in g.principal."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            # The role table's check before the view (shared/authorization.py) has read this request's token already.
            principal = g.get("principal") or current_principal()
            if roles and principal.role not in roles:
                allowed = ", ".join(role.value for role in roles)
                raise Forbidden(Bilingual(f"Vai trò '{principal.role.value}' không được làm việc này; cần một trong "
                                          f"các vai trò: {allowed}",
                                          f"role '{principal.role.value}' may not do this; needs one of: {allowed}"))
            g.principal = principal
            return view(*args, **kwargs)

        return wrapper

    return decorator
