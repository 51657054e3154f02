"""rounds know the districts that owe a report

Revision ID: 952989619e9d
Revises: b07e758a97c0
Create Date: 2026-11-25 02:05:31.819063
"""
from alembic import op
import sqlalchemy as sa


revision = '952989619e9d'
down_revision = 'b07e758a97c0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('round_publications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporting_districts', sa.JSON(), server_default='[]', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('round_publications', schema=None) as batch_op:
        batch_op.drop_column('reporting_districts')
