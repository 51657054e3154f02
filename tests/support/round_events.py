"""Whole `round.opened` and `round.closed` payloads for tests that feed publication a round of their
own: consumers read every field the event declares, so a test sends them all."""
from __future__ import annotations

from typing import Any


def round_opened(round_id: str, year: int, **fields: Any) -> dict[str, Any]:
    """An annual round with no scope beyond what `fields` (units, reporting_districts…) gives it."""
    return {"round_id": round_id, "kind": "annual_evaluation", "year": year, "period_month": None,
            "catalog_versions": {}, "windows": {}, "unit_codes": [unit["code"] for unit in fields.get("units", [])],
            "units": [], "opened_at": f"{year - 1}-11-15T08:00:00+07:00", "commune_results_due": None,
            "reporting_districts": [], "reviewing_body": "", **fields}


def round_closed(round_id: str, year: int) -> dict[str, Any]:
    return {"round_id": round_id, "kind": "annual_evaluation", "year": year, "period_month": None,
            "closed_at": f"{year}-11-15T00:00:00+07:00"}
