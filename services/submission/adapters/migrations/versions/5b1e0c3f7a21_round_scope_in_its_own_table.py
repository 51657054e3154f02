"""a round's scope in its own table (round_units), reports indexed by unit and by reviewer

Revision ID: 5b1e0c3f7a21
Revises: 728ca7cd4b5c
Create Date: 2026-11-29 23:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '5b1e0c3f7a21'
down_revision = '728ca7cd4b5c'
branch_labels = None
depends_on = None

rounds_before = sa.table('rounds', sa.column('id', sa.String), sa.column('units_in_scope', sa.JSON))
rounds_after = sa.table('rounds', sa.column('id', sa.String), sa.column('unit_count', sa.Integer))
round_units = sa.table('round_units', sa.column('round_id', sa.String), sa.column('unit_code', sa.String),
                       sa.column('unit_type', sa.String))


def upgrade() -> None:
    connection = op.get_bind()
    # Read the scopes first: on SQLite the rounds table is rebuilt below, which a table
    # referencing it with rows would forbid.
    scopes = {row.id: row.units_in_scope or {}
              for row in connection.execute(sa.select(rounds_before.c.id, rounds_before.c.units_in_scope))}
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_column('units_in_scope')
    op.create_table('round_units',
    sa.Column('round_id', sa.String(length=64), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('unit_type', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('round_id', 'unit_code')
    )
    for round_id, scope in scopes.items():
        if scope:
            connection.execute(round_units.insert(), [
                {'round_id': round_id, 'unit_code': code, 'unit_type': unit_type} for code, unit_type in scope.items()])
        connection.execute(rounds_after.update().where(rounds_after.c.id == round_id).values(unit_count=len(scope)))
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_unit_code', ['unit_code'], unique=False)
        batch_op.create_index('ix_reports_reviewer_round', ['reviewer_unit_code', 'round_id'], unique=False)


def downgrade() -> None:
    connection = op.get_bind()
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_reviewer_round')
        batch_op.drop_index('ix_reports_unit_code')
    scopes: dict[str, dict[str, str]] = {}
    for row in connection.execute(sa.select(round_units).order_by(round_units.c.round_id, round_units.c.unit_code)):
        scopes.setdefault(row.round_id, {})[row.unit_code] = row.unit_type
    op.drop_table('round_units')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('units_in_scope', sa.JSON(), server_default='{}', nullable=False))
        batch_op.drop_column('unit_count')
    for round_id, scope in scopes.items():
        connection.execute(rounds_before.update().where(rounds_before.c.id == round_id).values(units_in_scope=scope))
