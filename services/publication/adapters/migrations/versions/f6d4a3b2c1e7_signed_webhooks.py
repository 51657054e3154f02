"""signed webhooks and their delivery log

Revision ID: f6d4a3b2c1e7
Revises: e5c3f2a1b9d6
Create Date: 2026-11-30 01:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f6d4a3b2c1e7'
down_revision = 'e5c3f2a1b9d6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webhooks',
                    sa.Column('id', sa.String(length=36), nullable=False),
                    sa.Column('url', sa.String(length=2000), nullable=False),
                    sa.Column('event_types', sa.JSON(), nullable=False),
                    sa.Column('description', sa.Text(), nullable=False),
                    sa.Column('secret', sa.String(length=128), nullable=False),
                    sa.Column('active', sa.Boolean(), nullable=False),
                    sa.Column('created_by', sa.String(length=128), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_table('webhook_deliveries',
                    sa.Column('id', sa.String(length=36), nullable=False),
                    sa.Column('webhook_id', sa.String(length=36), nullable=False),
                    sa.Column('event_id', sa.String(length=64), nullable=False),
                    sa.Column('event_type', sa.String(length=128), nullable=False),
                    sa.Column('body', sa.Text(), nullable=False),
                    sa.Column('status', sa.String(length=16), nullable=False),
                    sa.Column('attempts', sa.Integer(), nullable=False),
                    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('log', sa.JSON(), nullable=False),
                    sa.ForeignKeyConstraint(['webhook_id'], ['webhooks.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_webhook_id'), ['webhook_id'], unique=False)


def downgrade() -> None:
    op.drop_table('webhook_deliveries')
    op.drop_table('webhooks')
