"""Bearer tokens (JWT, HS256) naming the user, the role and the unit, and the scoping rules.

The full security story (an identity provider, key rotation) is a later issue; who may
touch which report is decided here already.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools

import jwt
from flask import current_app, g, request

from shared.domain.errors import Bilingual, Forbidden, Unauthenticated

ISSUER = "cqs"
ALGORITHM = "HS256"


class Role(str, enum.Enum):
    UNIT_REPORTER = "unit_reporter"
    UNIT_APPROVER = "unit_approver"
    DISTRICT_REVIEWER = "district_reviewer"
    DEPARTMENT_REVIEWER = "department_reviewer"
    DATA_PROVIDER = "data_provider"
    ADMIN = "admin"
    AUDITOR = "auditor"


REVIEWER_ROLES = frozenset({Role.DISTRICT_REVIEWER, Role.DEPARTMENT_REVIEWER})


@dataclasses.dataclass(frozen=True)
class Principal:
    user: str
    role: Role
    unit: str

    @property
    def is_reviewer(self) -> bool:
        return self.role in REVIEWER_ROLES


def issue_token(secret: str, user: str, role: Role | str, unit: str, *, ttl: dt.timedelta = dt.timedelta(hours=12),
                now: dt.datetime | None = None) -> str:
    moment = now or dt.datetime.now(dt.timezone.utc)
    claims = {
        "iss": ISSUER,
        "sub": user,
        "role": Role(role).value,
        "unit": unit,
        "iat": int(moment.timestamp()),
        "exp": int((moment + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "sub", "iss"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated(Bilingual("Phiên đăng nhập đã hết hạn (expired); hãy đăng nhập lại",
                                        "the bearer token has expired; sign in again")) from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthenticated(Bilingual("Mã đăng nhập (bearer token) không hợp lệ (not valid)",
                                        f"the bearer token is not valid: {exc}")) from exc
    try:
        return Principal(user=claims["sub"], role=Role(claims["role"]), unit=str(claims["unit"]))
    except (KeyError, ValueError) as exc:
        raise Unauthenticated(Bilingual("Mã đăng nhập không nêu vai trò và đơn vị hợp lệ",
                                        "the token does not name a known role and a unit")) from exc


def current_principal() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated(Bilingual("Cần đăng nhập: gửi kèm 'Authorization: Bearer <token>'",
                                        "send 'Authorization: Bearer <token>'"))
    return decode_token(current_app.config["JWT_SECRET"], token.strip())


def requires(*roles: Role):
    """Route decorator: a valid token with one of `roles` (any role if none given), kept in g.principal."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if roles and principal.role not in roles:
                allowed = ", ".join(role.value for role in roles)
                raise Forbidden(Bilingual(f"Vai trò '{principal.role.value}' không được làm việc này; cần một trong "
                                          f"các vai trò: {allowed}",
                                          f"role '{principal.role.value}' may not do this; needs one of: {allowed}"))
            g.principal = principal
            return view(*args, **kwargs)

        return wrapper

    return decorator
