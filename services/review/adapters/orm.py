"""The review service's tables (its own schema) and their mapping to the domain.

`audit_log` is written with plain INSERTs only and mapped to nothing: the code has no
path that updates or deletes an entry, and a trigger (see the migrations) refuses both.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry, relationship

from services.review.domain.cases import EvidenceRequest, ReviewCase
from services.review.domain.history import Snapshot
from services.review.domain.settings import ReviewerSettings
from shared.audit_chain import add_audit_table
from shared.columns import (
    ACTOR,
    BIGINT_KEY,
    CATALOG_VERSION,
    CRITERION_CODE,
    REPORT_STATUS,
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
    measured_value_columns,
    report_header,
    report_header_columns,
    who_and_when,
)

metadata = sa.MetaData()
mapper_registry = registry(metadata=metadata)
JSON = sa.JSON()
TIMESTAMP = UtcDateTime()

review_cases = sa.Table(
    "review_cases",
    metadata,
    primary_key("report_id", UUID_TEXT),
    *report_header_columns(),
    required("catalog_version", CATALOG_VERSION),
    required("status", REPORT_STATUS),
    required("revision", sa.Integer),
    optional("submitted_at", TIMESTAMP),
    required("decisions", JSON),
    required("measured", JSON, server_default="{}"),
    *who_and_when("pending_verification", always=False),
    required("review_comment", sa.Text),
    required("criterion_comments", JSON),
    required("version", sa.Integer),
    sa.Index("ix_review_cases_queue", "reviewer_unit_code", "status", "submitted_at"),
)

case_snapshots = sa.Table(
    "case_snapshots",
    metadata,
    primary_key("report_id", UUID_TEXT, sa.ForeignKey("review_cases.report_id")),
    primary_key("seq", sa.Integer),
    required("revision", sa.Integer),
    required("kind", sa.String(32)),
    required("answers", JSON),
    required("evidence", JSON),
    *who_and_when(""),
    required("note", sa.Text),
)

evidence_requests = sa.Table(
    "evidence_requests",
    metadata,
    primary_key("id", UUID_TEXT),
    required("report_id", UUID_TEXT, sa.ForeignKey("review_cases.report_id")),
    required("revision", sa.Integer),
    required("requests", JSON),
    required("due_date", sa.Date),
    *who_and_when("requested"),
    optional("answered_at", TIMESTAMP),
    optional("reply", JSON),
    sa.Index("ix_evidence_requests_open_due", "answered_at", "due_date"),
)

reviewer_settings = sa.Table(
    "reviewer_settings",
    metadata,
    primary_key("reviewer_unit_code", UNIT_CODE),
    required("four_eyes", sa.Boolean),
    *who_and_when("updated", always=False),
    required("version", sa.Integer),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    primary_key("id", BIGINT_KEY, autoincrement=True),
    optional("report_id", UUID_TEXT),
    required("reviewer_unit_code", UNIT_CODE),
    required("subject_version", sa.Integer),
    optional("revision", sa.Integer),
    required("action", sa.String(64)),
    required("actor", ACTOR),
    required("actor_unit", UNIT_CODE),
    required("at", TIMESTAMP),
    optional("criterion", CRITERION_CODE),
    optional("before", JSON),
    optional("after", JSON),
    required("reason", sa.Text),
    sa.Index("ix_audit_log_report", "report_id", "id"),
)

# The measured inputs that hold for each unit of a round, as the last accepted import of each agency
# said (from `measurements.imported`); a case copies its unit's into `review_cases.measured`.
measured_values = sa.Table(
    "measured_values",
    metadata,
    *measured_value_columns(),
    required("imported_at", TIMESTAMP),
    sa.Index("ix_measured_values_round_agency", "round_id", "agency"),
)

messaging_tables = add_messaging_tables(metadata)
outbox, processed_events, dead_letters = messaging_tables
security_log = add_audit_table(metadata)


def start_mappers() -> None:
    if getattr(ReviewCase, "__mapper__", None) is not None:
        return
    mapper_registry.map_imperatively(Snapshot, case_snapshots)
    mapper_registry.map_imperatively(EvidenceRequest, evidence_requests)
    map_aggregate(mapper_registry, ReviewCase, review_cases, version_id_col=review_cases.c.version, properties={
        "header": report_header(review_cases),
        "snapshots": relationship(Snapshot, order_by=case_snapshots.c.seq, cascade="all, delete-orphan",
                                  lazy="selectin"),
        "evidence_requests": relationship(EvidenceRequest, order_by=evidence_requests.c.requested_at,
                                          cascade="all, delete-orphan", lazy="selectin"),
    })
    map_aggregate(mapper_registry, ReviewerSettings, reviewer_settings, version_id_col=reviewer_settings.c.version)
    for aggregate in (ReviewCase, ReviewerSettings):
        sa.event.listen(aggregate, "load", _init_recorded)


def _init_recorded(aggregate, _context) -> None:
    aggregate.recorded = []
