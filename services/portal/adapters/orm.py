"""The portal's own tables (schema `portal`): accounts and its security log (sign-ins, failures,
lock-outs). Nothing of the four services lives here."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry

from services.portal.domain.accounts import MAX_DISPLAY_NAME_LENGTH, MAX_USERNAME_LENGTH, Account
from shared.audit_chain import add_audit_table
from shared.auth import Role
from shared.columns import UNIT_CODE, UUID_TEXT, optional, primary_key, required
from shared.orm import UtcDateTime

metadata = sa.MetaData()
mapper_registry = registry(metadata=metadata)

accounts = sa.Table(
    "accounts", metadata,
    primary_key("id", UUID_TEXT),
    required("username", sa.String(MAX_USERNAME_LENGTH), unique=True),
    required("display_name", sa.String(MAX_DISPLAY_NAME_LENGTH)),
    required("unit_code", UNIT_CODE, index=True),
    required("role", sa.Enum(Role, native_enum=False, length=32, validate_strings=True,
                             values_callable=lambda roles: [role.value for role in roles])),
    required("password_hash", sa.String(200)),
    required("created_at", UtcDateTime()),
    required("must_change_password", sa.Boolean),
    required("disabled", sa.Boolean),
    required("failed_attempts", sa.Integer),
    optional("locked_until", UtcDateTime()),
    required("session_epoch", sa.Integer),
)

security_log = add_audit_table(metadata)


def start_mappers() -> None:
    if getattr(Account, "__mapper__", None) is None:
        mapper_registry.map_imperatively(Account, accounts)
