"""Measured inputs from provincial systems: the event that carries an accepted import."""
from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from shared.domain.events import RoundEvent


@dataclasses.dataclass(frozen=True)
class MeasurementsImported(RoundEvent):
    """An agency's file for a round was accepted. `values` is the agency's whole current set for the
    round (unit → field → {value, source_system, as_of}); whatever an earlier file (`supersedes`) said
    and this one does not, no longer holds."""

    routing_key: ClassVar[str] = "measurements.imported"
    import_id: str
    agency: str
    sha256: str
    file_name: str
    imported_by: str
    imported_at: str
    supersedes: str | None
    values: dict[str, dict[str, dict[str, Any]]]
