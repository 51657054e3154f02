"""The publication service's tables (its own schema).

`scores` holds the newest score of each report, one row written per `report.scored`;
`snapshots` and `standings` hold what was published, written once and never changed.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry

from services.publication.domain.publication import RoundPublication
from services.publication.domain.reconsideration import Reconsideration
from services.publication.domain.webhooks import Delivery, Webhook
from shared.audit_chain import add_audit_table
from shared.messaging.tables import add_messaging_tables
from shared.orm import UtcDateTime, map_aggregate, unit_columns

metadata = sa.MetaData()
mapper_registry = registry(metadata=metadata)


def _score_columns() -> list[sa.Column]:
    """A report's score as scoring gave it, kept as the newest (`scores`) and as published (`standings`)."""
    return [
        sa.Column("score_id", sa.String(36), nullable=False),
        sa.Column("catalog_version", sa.String(64), nullable=False),
        sa.Column("total", sa.Numeric(8, 2), nullable=False),
        sa.Column("groups", sa.JSON, nullable=False),
        sa.Column("criteria", sa.JSON, nullable=False),
    ]


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
    sa.Column("reviewing_body", sa.String(64), nullable=True),
    sa.Column("district_reports", sa.JSON, nullable=False),
    sa.Column("latest_version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("feedback_closes_at", UtcDateTime(), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
)

round_units = sa.Table(
    "round_units",
    metadata,
    sa.Column("round_id", sa.String(64), primary_key=True),
    *unit_columns(keyed=True),
)

scores = sa.Table(
    "scores",
    metadata,
    sa.Column("report_id", sa.String(36), primary_key=True),
    sa.Column("round_id", sa.String(64), nullable=False, index=True),
    *unit_columns(),
    *_score_columns(),
    sa.Column("scored_at", UtcDateTime(), nullable=False),
)

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("round_id", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("publisher_unit", sa.String(64), nullable=True),
    sa.Column("published_by", sa.String(128), nullable=False),
    sa.Column("published_at", UtcDateTime(), nullable=False),
    sa.Column("feedback_closes_at", UtcDateTime(), nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("decision_reference", sa.Text, nullable=True),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.UniqueConstraint("round_id", "version", name="uq_snapshots_round_version"),
)

standings = sa.Table(
    "standings",
    metadata,
    sa.Column("snapshot_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), sa.ForeignKey("snapshots.id"),
              primary_key=True),
    sa.Column("scope", sa.String(80), primary_key=True),
    sa.Column("report_id", sa.String(36), primary_key=True),
    sa.Column("round_id", sa.String(64), nullable=False),
    sa.Column("unit_code", sa.String(64), nullable=False, index=True),
    sa.Column("unit_name_vi", sa.String(255), nullable=False),
    sa.Column("unit_type", sa.String(32), nullable=False),
    *_score_columns(),
    sa.Column("band", sa.JSON, nullable=False),
    sa.Column("rank", sa.Integer, nullable=True),
    sa.Column("previous_rank", sa.Integer, nullable=True),
    sa.Column("previous_total", sa.Numeric(8, 2), nullable=True),
)

reconsiderations = sa.Table(
    "reconsiderations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("round_id", sa.String(64), nullable=False, index=True),
    sa.Column("report_id", sa.String(36), nullable=False),
    sa.Column("unit_code", sa.String(64), nullable=False),
    sa.Column("unit_name_vi", sa.String(255), nullable=False),
    sa.Column("reviewer_unit_code", sa.String(64), nullable=False),
    sa.Column("criteria", sa.JSON, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("published_score_id", sa.String(36), nullable=False),
    sa.Column("filed_by", sa.String(128), nullable=False),
    sa.Column("filed_at", UtcDateTime(), nullable=False),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("settled_at", UtcDateTime(), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
)

webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("event_types", sa.JSON, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("secret", sa.String(128), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.String(128), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("webhook_id", sa.String(36), sa.ForeignKey("webhooks.id"), nullable=False, index=True),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("event_type", sa.String(128), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("delivered_at", UtcDateTime(), nullable=True),
    sa.Column("log", sa.JSON, nullable=False),
    sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
)

messaging_tables = add_messaging_tables(metadata)
outbox, processed_events, dead_letters = messaging_tables
security_log = add_audit_table(metadata)


def start_mappers() -> None:
    map_aggregate(mapper_registry, RoundPublication, round_publications,
                  version_id_col=round_publications.c.version)
    map_aggregate(mapper_registry, Reconsideration, reconsiderations, version_id_col=reconsiderations.c.version)
    map_aggregate(mapper_registry, Webhook, webhooks)
    map_aggregate(mapper_registry, Delivery, webhook_deliveries)
