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
from shared.messaging.tables import add_messaging_tables
from shared.orm import map_aggregate, measured_value_columns, report_header, unit_columns

metadata = sa.MetaData()
mapper_registry = registry(metadata=metadata)
JSON = sa.JSON()
TIMESTAMP = sa.DateTime(timezone=True)

review_cases = sa.Table(
    "review_cases",
    metadata,
    sa.Column("report_id", sa.String(36), primary_key=True),
    sa.Column("round_id", sa.String(64), nullable=False),
    *unit_columns(),
    sa.Column("catalog_version", sa.String(64), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("submitted_at", TIMESTAMP, nullable=True),
    sa.Column("decisions", JSON, nullable=False),
    sa.Column("measured", JSON, nullable=False, server_default="{}"),
    sa.Column("pending_verification_by", sa.String(128), nullable=True),
    sa.Column("pending_verification_at", TIMESTAMP, nullable=True),
    sa.Column("review_comment", sa.Text, nullable=False),
    sa.Column("criterion_comments", JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_review_cases_queue", "reviewer_unit_code", "status", "submitted_at"),
)

case_snapshots = sa.Table(
    "case_snapshots",
    metadata,
    sa.Column("report_id", sa.String(36), sa.ForeignKey("review_cases.report_id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("answers", JSON, nullable=False),
    sa.Column("evidence", JSON, nullable=False),
    sa.Column("by", sa.String(128), nullable=False),
    sa.Column("at", TIMESTAMP, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
)

evidence_requests = sa.Table(
    "evidence_requests",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("report_id", sa.String(36), sa.ForeignKey("review_cases.report_id"), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("requests", JSON, nullable=False),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("requested_by", sa.String(128), nullable=False),
    sa.Column("requested_at", TIMESTAMP, nullable=False),
    sa.Column("answered_at", TIMESTAMP, nullable=True),
    sa.Column("reply", JSON, nullable=True),
    sa.Index("ix_evidence_requests_open_due", "answered_at", "due_date"),
)

reviewer_settings = sa.Table(
    "reviewer_settings",
    metadata,
    sa.Column("reviewer_unit_code", sa.String(64), primary_key=True),
    sa.Column("four_eyes", sa.Boolean, nullable=False),
    sa.Column("updated_by", sa.String(128), nullable=True),
    sa.Column("updated_at", TIMESTAMP, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("report_id", sa.String(36), nullable=True),
    sa.Column("reviewer_unit_code", sa.String(64), nullable=False),
    sa.Column("subject_version", sa.Integer, nullable=False),
    sa.Column("revision", sa.Integer, nullable=True),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("actor_unit", sa.String(64), nullable=False),
    sa.Column("at", TIMESTAMP, nullable=False),
    sa.Column("criterion", sa.String(32), nullable=True),
    sa.Column("before", JSON, nullable=True),
    sa.Column("after", JSON, nullable=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Index("ix_audit_log_report", "report_id", "id"),
)

# The measured inputs that hold for each unit of a round, as the last accepted import of each agency
# said (from `measurements.imported`); a case copies its unit's into `review_cases.measured`.
measured_values = sa.Table(
    "measured_values",
    metadata,
    *measured_value_columns(),
    sa.Column("imported_at", TIMESTAMP, nullable=False),
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
