"""hash-chained security log (append-only)

Revision ID: a11d0c5e9b02
Revises: c8e2a9d4f173
Create Date: 2026-11-30 00:30:00.000000
"""
from shared.audit_chain_migration import create_security_log, drop_security_log


revision = 'a11d0c5e9b02'
down_revision = 'c8e2a9d4f173'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_security_log()


def downgrade() -> None:
    drop_security_log()
