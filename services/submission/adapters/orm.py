"""The submission service's tables (its own schema) and their mapping to the domain."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry

from services.submission.domain.reports import Report
from shared.audit_chain import add_audit_table
from shared.columns import CATALOG_VERSION, REPORT_STATUS, UUID_TEXT, optional, primary_key, required
from shared.messaging.tables import add_messaging_tables
from shared.orm import UtcDateTime, map_aggregate, report_header, report_header_columns

metadata = sa.MetaData()
mapper_registry = registry(metadata=metadata)
JSON = sa.JSON()

reports = sa.Table(
    "reports",
    metadata,
    primary_key("id", UUID_TEXT),
    *report_header_columns(),
    required("catalog_version", CATALOG_VERSION),
    required("status", REPORT_STATUS),
    required("answers", JSON),
    required("revision", sa.Integer),
    required("review_comment", sa.Text),
    required("criterion_comments", JSON),
    required("evidence_requests", JSON),
    optional("evidence_due_date", sa.String(32)),
    optional("submitted_at", UtcDateTime()),
    required("version", sa.Integer),
    sa.UniqueConstraint("round_id", "unit_code", name="uq_reports_round_unit"),
    sa.Index("ix_reports_round_status", "round_id", "status"),
    # A unit's reports and a reviewer's reports are listed without reading the others'.
    sa.Index("ix_reports_unit_code", "unit_code"),
    sa.Index("ix_reports_reviewer_round", "reviewer_unit_code", "round_id"),
)

messaging_tables = add_messaging_tables(metadata)
outbox, processed_events, dead_letters = messaging_tables
security_log = add_audit_table(metadata)


def start_mappers() -> None:
    """Every aggregate of the deployable, the hosted rounds package's included; run once by bootstrap."""
    map_aggregate(mapper_registry, Report, reports, version_id_col=reports.c.version,
                  properties={"header": report_header(reports)})
    evidence_orm.start_mappers()
    measurements_orm.start_mappers()
    rounds_orm.start_mappers()

# The evidence and measurement tables, and the hosted rounds package's (units, review models,
# rounds), join this metadata, and so its migrations, from their own modules.
from services.rounds.adapters import orm as rounds_orm  # noqa: E402
from services.submission.adapters import evidence_orm, measurements_orm  # noqa: E402
