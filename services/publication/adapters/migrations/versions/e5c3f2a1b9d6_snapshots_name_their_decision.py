"""snapshots name the decision that publishes them

Revision ID: e5c3f2a1b9d6
Revises: d4b2e1c9a8f5
Create Date: 2026-11-30 00:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e5c3f2a1b9d6'
down_revision = 'd4b2e1c9a8f5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('snapshots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_reference', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('snapshots', schema=None) as batch_op:
        batch_op.drop_column('decision_reference')
