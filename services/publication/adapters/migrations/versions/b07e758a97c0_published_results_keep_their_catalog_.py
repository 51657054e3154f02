"""published results keep their catalog version

Revision ID: b07e758a97c0
Revises: 850def5ed905
Create Date: 2026-11-25 01:57:37.026366
"""
from alembic import op
import sqlalchemy as sa


revision = 'b07e758a97c0'
down_revision = '850def5ed905'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_catalog_version', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_column('published_catalog_version')
