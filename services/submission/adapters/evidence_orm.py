"""The evidence files' table, on the submission service's metadata (same schema, same migrations)."""
from __future__ import annotations

import sqlalchemy as sa

from services.submission.adapters.orm import mapper_registry, metadata
from services.submission.domain.evidence import EvidenceFile
from shared.columns import CRITERION_CODE, NAME, SHA256_HEX, UUID_TEXT, optional, primary_key, required
from shared.orm import map_once, who_and_when

evidence_files = sa.Table(
    "evidence_files",
    metadata,
    primary_key("id", UUID_TEXT),
    required("report_id", UUID_TEXT, sa.ForeignKey("reports.id")),
    required("criterion", CRITERION_CODE),
    required("version", sa.Integer),
    required("name", NAME),
    required("content_type", sa.String(128)),
    required("size", sa.BigInteger),
    required("sha256", SHA256_HEX),
    required("storage_key", sa.String(64), unique=True),
    *who_and_when("uploaded"),
    optional("supersedes", UUID_TEXT),
    optional("superseded_by", UUID_TEXT),
    # Two uploads racing for the same criterion cannot both become version n.
    sa.UniqueConstraint("report_id", "criterion", "version", name="uq_evidence_files_criterion_version"),
)

def start_mappers() -> None:
    map_once(mapper_registry, EvidenceFile, evidence_files)
