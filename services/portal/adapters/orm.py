"""The portal's own tables (schema `portal`): accounts and its security log (sign-ins, failures,
lock-outs). Nothing of the four services lives here."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry

from services.portal.domain.accounts import Account
from shared.audit_chain import add_audit_table
from shared.auth import Role
from shared.orm import UtcDateTime

metadata = sa.MetaData()
mapper_registry = registry(metadata=metadata)

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("unit_code", sa.String(32), nullable=False, index=True),
    sa.Column("role", sa.Enum(Role, native_enum=False, length=32, validate_strings=True,
                              values_callable=lambda roles: [role.value for role in roles]), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("must_change_password", sa.Boolean, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("failed_attempts", sa.Integer, nullable=False),
    sa.Column("locked_until", UtcDateTime(), nullable=True),
    sa.Column("session_epoch", sa.Integer, nullable=False),
)

security_log = add_audit_table(metadata)


def start_mappers() -> None:
    if getattr(Account, "__mapper__", None) is None:
        mapper_registry.map_imperatively(Account, accounts)
