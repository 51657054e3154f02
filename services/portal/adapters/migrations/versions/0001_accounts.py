"""accounts

Revision ID: 0001_accounts
Revises:
Create Date: 2026-11-29 23:45:00
"""
import sqlalchemy as sa
from alembic import op

from shared.orm import UtcDateTime

revision = "0001_accounts"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("unit_code", sa.String(32), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("must_change_password", sa.Boolean, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", UtcDateTime(), nullable=True),
        sa.Column("session_epoch", sa.Integer, nullable=False),
    )
    op.create_index("ix_accounts_unit_code", "accounts", ["unit_code"])


def downgrade() -> None:
    op.drop_index("ix_accounts_unit_code", table_name="accounts")
    op.drop_table("accounts")
