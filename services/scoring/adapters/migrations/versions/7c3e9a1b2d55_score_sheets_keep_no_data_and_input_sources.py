"""score sheets keep the inputs recorded as no data and where every input came from

Revision ID: 7c3e9a1b2d55
Revises: ce9e4becf221
Create Date: 2026-11-29 23:58:00
"""
from alembic import op
import sqlalchemy as sa


revision = '7c3e9a1b2d55'
down_revision = 'ce9e4becf221'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_data', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('input_sources', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.drop_column('input_sources')
        batch_op.drop_column('no_data')
