"""measured values that hold now, per round, unit and input

Revision ID: c2a8e4f6b3d9
Revises: b7f3d1e5a2c8
Create Date: 2026-11-30 00:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'c2a8e4f6b3d9'
down_revision = 'b7f3d1e5a2c8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'measured_values',
        sa.Column('round_id', sa.String(length=64), nullable=False),
        sa.Column('unit_code', sa.String(length=64), nullable=False),
        sa.Column('field', sa.String(length=100), nullable=False),
        sa.Column('agency', sa.String(length=64), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('source_system', sa.String(length=255), nullable=False),
        sa.Column('as_of', sa.String(length=10), nullable=False),
        sa.Column('import_id', sa.String(length=36), nullable=False),
        sa.Column('imported_by', sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint('round_id', 'unit_code', 'field'),
    )
    op.create_index('ix_measured_values_round_agency', 'measured_values', ['round_id', 'agency'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_measured_values_round_agency', table_name='measured_values')
    op.drop_table('measured_values')
