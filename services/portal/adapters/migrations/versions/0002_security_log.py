"""hash-chained security log (append-only): sign-ins, failures and lock-outs

Revision ID: 0002_security_log
Revises: 0001_accounts
Create Date: 2026-11-30 01:15:00
"""
from shared.audit_chain_migration import create_security_log, drop_security_log

revision = "0002_security_log"
down_revision = "0001_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_security_log()


def downgrade() -> None:
    drop_security_log()
