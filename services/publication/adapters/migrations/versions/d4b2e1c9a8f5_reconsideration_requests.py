"""reconsideration requests (kiến nghị) on provisional results

Revision ID: d4b2e1c9a8f5
Revises: 5e1c0a9d3f21
Create Date: 2026-11-30 00:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd4b2e1c9a8f5'
down_revision = '5e1c0a9d3f21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reconsiderations',
                    sa.Column('id', sa.String(length=36), nullable=False),
                    sa.Column('round_id', sa.String(length=64), nullable=False),
                    sa.Column('report_id', sa.String(length=36), nullable=False),
                    sa.Column('unit_code', sa.String(length=64), nullable=False),
                    sa.Column('unit_name_vi', sa.String(length=255), nullable=False),
                    sa.Column('reviewer_unit_code', sa.String(length=64), nullable=False),
                    sa.Column('criteria', sa.JSON(), nullable=False),
                    sa.Column('reason', sa.Text(), nullable=False),
                    sa.Column('published_score_id', sa.String(length=36), nullable=False),
                    sa.Column('filed_by', sa.String(length=128), nullable=False),
                    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('answers', sa.JSON(), nullable=False),
                    sa.Column('status', sa.String(length=16), nullable=False),
                    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('version', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('reconsiderations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reconsiderations_round_id'), ['round_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reconsiderations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reconsiderations_round_id'))
    op.drop_table('reconsiderations')
