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
from shared.cloudevents import MAX_ATTRIBUTE_LENGTHS
from shared.columns import (
    BIGINT_KEY,
    CATALOG_VERSION,
    NAME,
    POINTS,
    ROUND_ID,
    ROUND_KIND,
    UNIT_CODE,
    UUID_TEXT,
    optional,
    primary_key,
    required,
)
from shared.messaging.tables import add_messaging_tables
from shared.orm import (
    UtcDateTime,
    map_aggregate,
    report_header_columns,
    reporting_unit_columns,
    unit_columns,
    who_and_when,
)

metadata = sa.MetaData()
mapper_registry = registry(metadata=metadata)


def _score_columns() -> list[sa.Column]:
    """A report's score as scoring gave it, kept as the newest (`scores`) and as published (`standings`)."""
    return [
        required("score_id", UUID_TEXT),
        required("catalog_version", CATALOG_VERSION),
        required("total", POINTS),
        required("groups", sa.JSON),
        required("criteria", sa.JSON),
    ]


round_publications = sa.Table(
    "round_publications",
    metadata,
    primary_key("round_id", ROUND_ID),
    required("kind", ROUND_KIND),
    optional("year", sa.Integer),
    required("status", sa.String(16)),
    optional("published_at", UtcDateTime()),
    optional("commune_results_due", UtcDateTime()),
    required("reporting_districts", sa.JSON, server_default="[]"),
    optional("reviewing_body", UNIT_CODE),
    required("district_reports", sa.JSON),
    required("latest_version", sa.Integer, server_default="0"),
    optional("feedback_closes_at", UtcDateTime()),
    required("version", sa.Integer),
)

round_units = sa.Table(
    "round_units",
    metadata,
    primary_key("round_id", ROUND_ID),
    *unit_columns(keyed=True),
)

scores = sa.Table(
    "scores",
    metadata,
    primary_key("report_id", UUID_TEXT),
    *report_header_columns(round_indexed=True),
    *_score_columns(),
    required("scored_at", UtcDateTime()),
)

snapshots = sa.Table(
    "snapshots",
    metadata,
    primary_key("id", BIGINT_KEY, autoincrement=True),
    required("round_id", ROUND_ID),
    required("version", sa.Integer),
    required("stage", sa.String(16)),
    optional("publisher_unit", UNIT_CODE),
    *who_and_when("published"),
    optional("feedback_closes_at", UtcDateTime()),
    required("note", sa.Text),
    optional("decision_reference", sa.Text),
    required("scopes", sa.JSON),
    required("changes", sa.JSON),
    sa.UniqueConstraint("round_id", "version", name="uq_snapshots_round_version"),
)

standings = sa.Table(
    "standings",
    metadata,
    primary_key("snapshot_id", BIGINT_KEY, sa.ForeignKey("snapshots.id")),
    primary_key("scope", sa.String(80)),
    primary_key("report_id", UUID_TEXT),
    required("round_id", ROUND_ID),
    *reporting_unit_columns(indexed=True),
    *_score_columns(),
    required("band", sa.JSON),
    optional("rank", sa.Integer),
    optional("previous_rank", sa.Integer),
    optional("previous_total", POINTS),
)

reconsiderations = sa.Table(
    "reconsiderations",
    metadata,
    primary_key("id", UUID_TEXT),
    required("round_id", ROUND_ID, index=True),
    required("report_id", UUID_TEXT),
    required("unit_code", UNIT_CODE),
    required("unit_name_vi", NAME),
    required("reviewer_unit_code", UNIT_CODE),
    required("criteria", sa.JSON),
    required("reason", sa.Text),
    required("published_score_id", UUID_TEXT),
    *who_and_when("filed"),
    required("answers", sa.JSON),
    required("status", sa.String(16)),
    optional("settled_at", UtcDateTime()),
    required("version", sa.Integer),
)

webhooks = sa.Table(
    "webhooks",
    metadata,
    primary_key("id", UUID_TEXT),
    required("url", sa.String(2000)),
    required("event_types", sa.JSON),
    required("description", sa.Text),
    required("secret", sa.String(128)),
    required("active", sa.Boolean),
    *who_and_when("created"),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    primary_key("id", UUID_TEXT),
    required("webhook_id", UUID_TEXT, sa.ForeignKey("webhooks.id"), index=True),
    required("event_id", sa.String(MAX_ATTRIBUTE_LENGTHS["id"])),
    required("event_type", sa.String(MAX_ATTRIBUTE_LENGTHS["type"])),
    required("body", sa.Text),
    required("status", sa.String(16)),
    required("attempts", sa.Integer),
    optional("next_attempt_at", UtcDateTime()),
    required("created_at", UtcDateTime()),
    optional("delivered_at", UtcDateTime()),
    required("log", sa.JSON),
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
