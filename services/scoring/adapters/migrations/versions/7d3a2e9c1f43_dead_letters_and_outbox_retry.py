"""dead letters are recorded; an unroutable outbox event waits to be offered again

Revision ID: 7d3a2e9c1f43
Revises: a11d0c5e9b03
Create Date: 2026-11-29 23:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '7d3a2e9c1f43'
down_revision = 'a11d0c5e9b03'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'dead_letters',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('consumer', sa.String(length=128), nullable=False),
        sa.Column('event_id', sa.String(length=64), nullable=True),
        sa.Column('event_type', sa.String(length=128), nullable=True),
        sa.Column('subject', sa.String(length=255), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('dead_lettered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolution', sa.String(length=16), nullable=True),
        sa.Column('resolution_reason', sa.Text(), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_dead_letters_subject', 'dead_letters', ['subject'])
    op.create_index('ix_dead_letters_unresolved', 'dead_letters', ['resolved_at', 'dead_lettered_at'])


def downgrade() -> None:
    op.drop_index('ix_dead_letters_unresolved', table_name='dead_letters')
    op.drop_index('ix_dead_letters_subject', table_name='dead_letters')
    op.drop_table('dead_letters')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('retry_at')
