"""rounds know their reviewing department

Revision ID: 5e1c0a9d3f21
Revises: c3a1f0d2b7e4
Create Date: 2026-11-30 00:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '5e1c0a9d3f21'
down_revision = 'c3a1f0d2b7e4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('round_publications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewing_body', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('round_publications', schema=None) as batch_op:
        batch_op.drop_column('reviewing_body')
