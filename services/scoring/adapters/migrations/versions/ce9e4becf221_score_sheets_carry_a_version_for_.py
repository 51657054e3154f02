"""score sheets carry a version for optimistic locking

Revision ID: ce9e4becf221
Revises: 2923e5ac2b22
Create Date: 2026-11-25 01:55:17.575151
"""
from alembic import op
import sqlalchemy as sa


revision = 'ce9e4becf221'
down_revision = '2923e5ac2b22'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        # Existing sheets start at version 1, as new ones do.
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.drop_column('version')
