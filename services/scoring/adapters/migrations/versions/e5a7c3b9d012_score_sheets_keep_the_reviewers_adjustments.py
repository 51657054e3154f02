"""score sheets keep the reviewer's adjustments, to explain an adjusted criterion with its reason

Revision ID: e5a7c3b9d012
Revises: 7c3e9a1b2d55
Create Date: 2026-11-30 00:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'e5a7c3b9d012'
down_revision = '7c3e9a1b2d55'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adjustments', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.drop_column('adjustments')
