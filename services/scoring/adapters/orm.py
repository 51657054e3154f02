"""The scoring service's tables (its own schema)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry, relationship

from services.scoring.domain.scores import Score, ScoreSheet
from shared.audit_chain import add_audit_table
from shared.columns import CATALOG_VERSION, POINTS, SHA256_HEX, UUID_TEXT, primary_key, required
from shared.messaging.tables import add_messaging_tables
from shared.orm import UtcDateTime, map_aggregate, report_header, report_header_columns

metadata = sa.MetaData()
mapper_registry = registry(metadata=metadata)

score_sheets = sa.Table(
    "score_sheets",
    metadata,
    primary_key("report_id", UUID_TEXT),
    *report_header_columns(round_indexed=True),
    required("catalog_version", CATALOG_VERSION),
    required("revision", sa.Integer),
    required("answers", sa.JSON),
    required("points_overrides", sa.JSON),
    required("no_data", sa.JSON, server_default="{}"),
    required("input_sources", sa.JSON, server_default="{}"),
    required("adjustments", sa.JSON, server_default="[]"),
    required("version", sa.Integer),
)

scores = sa.Table(
    "scores",
    metadata,
    primary_key("id", UUID_TEXT),
    required("report_id", UUID_TEXT, sa.ForeignKey("score_sheets.report_id"), index=True),
    required("catalog_version", CATALOG_VERSION),
    required("catalog_fingerprint", SHA256_HEX),
    required("inputs_hash", SHA256_HEX),
    required("total", POINTS),
    required("breakdown", sa.JSON),
    required("reason", sa.String(255)),
    required("current", sa.Boolean),
    required("scored_at", UtcDateTime()),
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
