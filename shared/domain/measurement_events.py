"""Measured inputs from provincial systems: the event that carries an accepted import."""
from __future__ import annotations

from typing import Any

from shared.domain.events import RoundEvent


class MeasurementsImported(RoundEvent, routing_key="measurements.imported"):
    """An agency's file for a round was accepted. `values` is the agency's whole current set for the
    round (unit → field → {value, source_system, as_of}); whatever an earlier file (`supersedes`) said
    and this one does not, no longer holds."""

    import_id: str
    agency: str
    sha256: str
    file_name: str
    imported_by: str
    imported_at: str
    supersedes: str | None
    values: dict[str, dict[str, dict[str, Any]]]
