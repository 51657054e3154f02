"""an account's unit code as wide as the services' unit codes (64, was 32)

Revision ID: 0003_unit_code_width
Revises: 0002_security_log
Create Date: 2026-11-30 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_unit_code_width"
down_revision = "0002_security_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.alter_column("unit_code", existing_type=sa.String(32), type_=sa.String(64), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.alter_column("unit_code", existing_type=sa.String(64), type_=sa.String(32), existing_nullable=False)
