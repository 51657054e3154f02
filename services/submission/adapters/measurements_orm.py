"""The measurement imports' table, on the submission service's metadata (same schema, same migrations).
Rows are only added and, once, marked superseded: every file ever accepted stays."""
from __future__ import annotations

import sqlalchemy as sa

from services.submission.adapters.orm import mapper_registry, metadata
from services.submission.domain.measurements import MeasurementImport
from shared.columns import NAME, ROUND_ID, SHA256_HEX, UNIT_CODE, UUID_TEXT, optional, primary_key, required
from shared.orm import UtcDateTime, map_aggregate, measured_value_columns, who_and_when

measurement_imports = sa.Table(
    "measurement_imports",
    metadata,
    primary_key("id", UUID_TEXT),
    required("round_id", ROUND_ID),
    required("agency", UNIT_CODE),
    required("sha256", SHA256_HEX),
    required("file_name", NAME),
    required("file_format", sa.String(8)),
    *who_and_when("imported"),
    required("values", sa.JSON),
    optional("supersedes", UUID_TEXT),
    optional("superseded_by", UUID_TEXT),
    optional("superseded_at", UtcDateTime()),
    sa.Index("ix_measurement_imports_round_agency", "round_id", "agency", "imported_at"),
)
# One successor per import (and one first import per agency and round): two files of an agency sent
# at the same moment cannot both become current; the second is refused and can be sent again.
sa.Index("uq_measurement_imports_one_successor", measurement_imports.c.round_id, measurement_imports.c.agency,
         sa.func.coalesce(measurement_imports.c.supersedes, ""), unique=True)

# The values that hold now, one row per round, unit and input (what the agencies' current imports say):
# a report reads its unit's rows instead of every file of the round.
measured_values = sa.Table(
    "measured_values",
    metadata,
    *measured_value_columns(),
    sa.Index("ix_measured_values_round_agency", "round_id", "agency"),
)


def start_mappers() -> None:
    map_aggregate(mapper_registry, MeasurementImport, measurement_imports)
