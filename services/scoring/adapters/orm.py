"""The scoring service's tables (its own schema)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry, relationship

from services.scoring.domain.scores import Score, ScoreSheet
from shared.audit_chain import add_audit_table
from shared.messaging.tables import add_messaging_tables
from shared.orm import UtcDateTime, map_aggregate, report_header, unit_columns

metadata = sa.MetaData()
mapper_registry = registry(metadata=metadata)

score_sheets = sa.Table(
    "score_sheets",
    metadata,
    sa.Column("report_id", sa.String(36), primary_key=True),
    sa.Column("round_id", sa.String(64), nullable=False, index=True),
    *unit_columns(),
    sa.Column("catalog_version", sa.String(64), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("points_overrides", sa.JSON, nullable=False),
    sa.Column("no_data", sa.JSON, nullable=False, server_default="{}"),
    sa.Column("input_sources", sa.JSON, nullable=False, server_default="{}"),
    sa.Column("adjustments", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("version", sa.Integer, nullable=False),
)

scores = sa.Table(
    "scores",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("report_id", sa.String(36), sa.ForeignKey("score_sheets.report_id"), nullable=False, index=True),
    sa.Column("catalog_version", sa.String(64), nullable=False),
    sa.Column("catalog_fingerprint", sa.String(64), nullable=False),
    sa.Column("inputs_hash", sa.String(64), nullable=False),
    sa.Column("total", sa.Numeric(8, 2), nullable=False),
    sa.Column("breakdown", sa.JSON, nullable=False),
    sa.Column("reason", sa.String(255), nullable=False),
    sa.Column("current", sa.Boolean, nullable=False),
    sa.Column("scored_at", UtcDateTime(), nullable=False),
)

messaging_tables = add_messaging_tables(metadata)
outbox, processed_events, dead_letters = messaging_tables
security_log = add_audit_table(metadata)


def start_mappers() -> None:
    if getattr(Score, "__mapper__", None) is None:
        mapper_registry.map_imperatively(Score, scores)
    # The version column makes a re-score and a newly verified revision of the same report
    # conflict instead of both marking a score current.
    map_aggregate(mapper_registry, ScoreSheet, score_sheets, version_id_col=score_sheets.c.version, properties={
        "header": report_header(score_sheets),
        "scores": relationship(Score, order_by=scores.c.scored_at, lazy="selectin"),
    })
