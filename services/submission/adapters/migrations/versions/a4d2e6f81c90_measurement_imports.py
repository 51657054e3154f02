"""measurement imports: the measured inputs sent by coordinating agencies, every file kept

Revision ID: a4d2e6f81c90
Revises: 5b1e0c3f7a21
Create Date: 2026-11-30 00:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'a4d2e6f81c90'
down_revision = '5b1e0c3f7a21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'measurement_imports',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('round_id', sa.String(length=64), nullable=False),
        sa.Column('agency', sa.String(length=64), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('file_format', sa.String(length=8), nullable=False),
        sa.Column('imported_by', sa.String(length=128), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('supersedes', sa.String(length=36), nullable=True),
        sa.Column('superseded_by', sa.String(length=36), nullable=True),
        sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_measurement_imports_round_agency', 'measurement_imports',
                    ['round_id', 'agency', 'imported_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_measurement_imports_round_agency', table_name='measurement_imports')
    op.drop_table('measurement_imports')
