"""review cases keep the measured inputs of provincial systems

Revision ID: 5b1f0c2d7e41
Revises: 9583c00b21a7
Create Date: 2026-11-29 23:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '5b1f0c2d7e41'
down_revision = '9583c00b21a7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('review_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('measured', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('review_cases', schema=None) as batch_op:
        batch_op.drop_column('measured')
