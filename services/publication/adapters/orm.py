"""The publication service's tables (its own schema)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry, relationship

from services.publication.domain.publication import Result, RoundPublication
from shared.messaging.tables import add_messaging_tables
from shared.orm import UtcDateTime, map_aggregate

metadata = sa.MetaData()
mapper_registry = registry(metadata=metadata)

round_publications = sa.Table(
    "round_publications",
    metadata,
    sa.Column("round_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("year", sa.Integer, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("published_at", UtcDateTime(), nullable=True),
    sa.Column("commune_results_due", UtcDateTime(), nullable=True),
    sa.Column("reporting_districts", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("district_reports", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

results = sa.Table(
    "results",
    metadata,
    sa.Column("report_id", sa.String(36), primary_key=True),
    sa.Column("round_id", sa.String(64), sa.ForeignKey("round_publications.round_id"), nullable=False, index=True),
    sa.Column("unit_code", sa.String(64), nullable=False),
    sa.Column("unit_name_vi", sa.String(255), nullable=False),
    sa.Column("unit_type", sa.String(32), nullable=False),
    sa.Column("reviewer_unit_code", sa.String(64), nullable=False),
    sa.Column("reviewer_kind", sa.String(32), nullable=False),
    sa.Column("score_id", sa.String(36), nullable=False),
    sa.Column("catalog_version", sa.String(64), nullable=False),
    sa.Column("total", sa.Numeric(8, 2), nullable=False),
    sa.Column("groups", sa.JSON, nullable=False),
    sa.Column("classification", sa.JSON, nullable=False),
    sa.Column("scored_at", sa.String(40), nullable=False),
    sa.Column("published_score_id", sa.String(36), nullable=True),
    sa.Column("published_total", sa.Numeric(8, 2), nullable=True),
    sa.Column("published_rank", sa.Integer, nullable=True),
    sa.Column("published_classification", sa.JSON, nullable=True),
    sa.Column("published_catalog_version", sa.String(64), nullable=True),
    sa.Column("ranking_scope", sa.String(80), nullable=False),
    sa.Column("published_at", UtcDateTime(), nullable=True),
)

outbox, processed_events = add_messaging_tables(metadata)


def start_mappers() -> None:
    if getattr(Result, "__mapper__", None) is None:
        mapper_registry.map_imperatively(Result, results)
    map_aggregate(mapper_registry, RoundPublication, round_publications,
                  version_id_col=round_publications.c.version,
                  properties={"results": relationship(Result, order_by=results.c.unit_code, lazy="selectin")})
