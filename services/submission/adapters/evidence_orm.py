"""The evidence files' table, on the submission service's metadata (same schema, same migrations)."""
from __future__ import annotations

import sqlalchemy as sa

from services.submission.adapters.orm import mapper_registry, metadata
from services.submission.domain.evidence import EvidenceFile
from shared.orm import UtcDateTime, map_once

evidence_files = sa.Table(
    "evidence_files",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("report_id", sa.String(36), sa.ForeignKey("reports.id"), nullable=False),
    sa.Column("criterion", sa.String(32), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(128), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("storage_key", sa.String(64), nullable=False, unique=True),
    sa.Column("uploaded_by", sa.String(128), nullable=False),
    sa.Column("uploaded_at", UtcDateTime(), nullable=False),
    sa.Column("supersedes", sa.String(36), nullable=True),
    sa.Column("superseded_by", sa.String(36), nullable=True),
    # Two uploads racing for the same criterion cannot both become version n.
    sa.UniqueConstraint("report_id", "criterion", "version", name="uq_evidence_files_criterion_version"),
)


def start_mappers() -> None:
    map_once(mapper_registry, EvidenceFile, evidence_files)
