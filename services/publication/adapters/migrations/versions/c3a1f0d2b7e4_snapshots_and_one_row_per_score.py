"""published results become numbered snapshots; a score is one row of its own

Revision ID: c3a1f0d2b7e4
Revises: 952989619e9d
Create Date: 2026-11-29 23:40:00

`results` mixed the newest score with what was published; it splits into `scores` (one
upsert per report.scored) and immutable `snapshots` + `standings`. What was already
published becomes version 1 of its round, a final snapshot.
"""
import datetime as dt
import json
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = 'c3a1f0d2b7e4'
down_revision = '952989619e9d'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('round_publications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latest_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('feedback_closes_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('round_units',
                    sa.Column('round_id', sa.String(length=64), nullable=False),
                    sa.Column('unit_code', sa.String(length=64), nullable=False),
                    sa.Column('unit_name_vi', sa.String(length=255), nullable=False),
                    sa.Column('unit_type', sa.String(length=32), nullable=False),
                    sa.Column('reviewer_unit_code', sa.String(length=64), nullable=False),
                    sa.Column('reviewer_kind', sa.String(length=32), nullable=False),
                    sa.PrimaryKeyConstraint('round_id', 'unit_code'))
    scores = op.create_table('scores',
                             sa.Column('report_id', sa.String(length=36), nullable=False),
                             sa.Column('round_id', sa.String(length=64), nullable=False),
                             sa.Column('unit_code', sa.String(length=64), nullable=False),
                             sa.Column('unit_name_vi', sa.String(length=255), nullable=False),
                             sa.Column('unit_type', sa.String(length=32), nullable=False),
                             sa.Column('reviewer_unit_code', sa.String(length=64), nullable=False),
                             sa.Column('reviewer_kind', sa.String(length=32), nullable=False),
                             sa.Column('score_id', sa.String(length=36), nullable=False),
                             sa.Column('catalog_version', sa.String(length=64), nullable=False),
                             sa.Column('total', sa.Numeric(precision=8, scale=2), nullable=False),
                             sa.Column('groups', sa.JSON(), nullable=False),
                             sa.Column('criteria', sa.JSON(), nullable=False),
                             sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
                             sa.PrimaryKeyConstraint('report_id'))
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scores_round_id'), ['round_id'], unique=False)
    snapshots = op.create_table('snapshots',
                                sa.Column('id', ID, autoincrement=True, nullable=False),
                                sa.Column('round_id', sa.String(length=64), nullable=False),
                                sa.Column('version', sa.Integer(), nullable=False),
                                sa.Column('stage', sa.String(length=16), nullable=False),
                                sa.Column('publisher_unit', sa.String(length=64), nullable=True),
                                sa.Column('published_by', sa.String(length=128), nullable=False),
                                sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
                                sa.Column('feedback_closes_at', sa.DateTime(timezone=True), nullable=True),
                                sa.Column('note', sa.Text(), nullable=False),
                                sa.Column('scopes', sa.JSON(), nullable=False),
                                sa.Column('changes', sa.JSON(), nullable=False),
                                sa.PrimaryKeyConstraint('id'),
                                sa.UniqueConstraint('round_id', 'version', name='uq_snapshots_round_version'))
    standings = op.create_table('standings',
                                sa.Column('snapshot_id', ID, nullable=False),
                                sa.Column('scope', sa.String(length=80), nullable=False),
                                sa.Column('report_id', sa.String(length=36), nullable=False),
                                sa.Column('round_id', sa.String(length=64), nullable=False),
                                sa.Column('unit_code', sa.String(length=64), nullable=False),
                                sa.Column('unit_name_vi', sa.String(length=255), nullable=False),
                                sa.Column('unit_type', sa.String(length=32), nullable=False),
                                sa.Column('score_id', sa.String(length=36), nullable=False),
                                sa.Column('catalog_version', sa.String(length=64), nullable=False),
                                sa.Column('total', sa.Numeric(precision=8, scale=2), nullable=False),
                                sa.Column('groups', sa.JSON(), nullable=False),
                                sa.Column('criteria', sa.JSON(), nullable=False),
                                sa.Column('band', sa.JSON(), nullable=False),
                                sa.Column('rank', sa.Integer(), nullable=True),
                                sa.Column('previous_rank', sa.Integer(), nullable=True),
                                sa.Column('previous_total', sa.Numeric(precision=8, scale=2), nullable=True),
                                sa.ForeignKeyConstraint(['snapshot_id'], ['snapshots.id']),
                                sa.PrimaryKeyConstraint('snapshot_id', 'scope', 'report_id'))
    with op.batch_alter_table('standings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standings_unit_code'), ['unit_code'], unique=False)
    _move_results(scores, snapshots, standings)
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_results_round_id'))
    op.drop_table('results')


def _move_results(scores: sa.Table, snapshots: sa.Table, standings: sa.Table) -> None:
    connection = op.get_bind()
    results = sa.Table('results', sa.MetaData(), autoload_with=connection)
    rounds = sa.Table('round_publications', sa.MetaData(), autoload_with=connection)
    published: dict[str, list] = {}
    for row in connection.execute(sa.select(results)).mappings():
        groups = _json(row['groups'])
        connection.execute(scores.insert().values(
            report_id=row['report_id'], round_id=row['round_id'], unit_code=row['unit_code'],
            unit_name_vi=row['unit_name_vi'], unit_type=row['unit_type'],
            reviewer_unit_code=row['reviewer_unit_code'], reviewer_kind=row['reviewer_kind'],
            score_id=row['score_id'], catalog_version=row['catalog_version'], total=Decimal(row['total']),
            groups=groups, criteria={}, scored_at=_aware(row['scored_at'])))
        if row['published_score_id']:
            published.setdefault(row['round_id'], []).append(row)
    for round_id, rows in published.items():
        when = max(_aware(row['published_at']) for row in rows)
        scopes = sorted({row['ranking_scope'] or row['unit_type'] for row in rows})
        snapshot_id = connection.execute(snapshots.insert().values(
            round_id=round_id, version=1, stage='final', publisher_unit=None, published_by='migration',
            published_at=when, feedback_closes_at=None, note='Kết quả đã công bố trước khi có phiên bản',
            scopes=[{'scope': scope, 'complete': True, 'units': sum(1 for row in rows if
                                                                    (row['ranking_scope'] or row['unit_type']) == scope),
                     'missing_units': [], 'missing_districts': []} for scope in scopes],
            changes=[]).returning(snapshots.c.id)).scalar_one()
        connection.execute(standings.insert(), [{
            'snapshot_id': snapshot_id, 'scope': row['ranking_scope'] or row['unit_type'],
            'report_id': row['report_id'], 'round_id': round_id, 'unit_code': row['unit_code'],
            'unit_name_vi': row['unit_name_vi'], 'unit_type': row['unit_type'],
            'score_id': row['published_score_id'],
            'catalog_version': row['published_catalog_version'] or row['catalog_version'],
            'total': Decimal(row['published_total']), 'groups': _json(row['groups']), 'criteria': {},
            'band': _json(row['published_classification']) or {}, 'rank': row['published_rank'],
            'previous_rank': None, 'previous_total': None} for row in rows])
        connection.execute(rounds.update().where(rounds.c.round_id == round_id).values(
            latest_version=1, status=sa.case((rounds.c.status == 'published', 'final'), else_=rounds.c.status)))


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _aware(value):
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(dt.timezone.utc)  # SQLite keeps no zone: store UTC, as UtcDateTime does


def downgrade() -> None:
    raise NotImplementedError('published snapshots cannot be folded back into one row per report')
