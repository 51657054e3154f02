"""hash-chained security log (append-only)

Revision ID: a11d0c5e9b04
Revises: f6d4a3b2c1e7
Create Date: 2026-11-30 00:30:00.000000
"""
from shared.audit_chain_migration import create_security_log, drop_security_log


revision = 'a11d0c5e9b04'
down_revision = 'f6d4a3b2c1e7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_security_log()


def downgrade() -> None:
    drop_security_log()
