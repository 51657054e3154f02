"""What the submission service holds of each report of a round, for `cqs reconcile`."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.submission.adapters.orm import reports


def round_reports(session: Session, round_id: str, after: str, limit: int) -> list[dict]:
    query = (sa.select(reports.c.id.label("report_id"), reports.c.unit_code, reports.c.status, reports.c.revision,
                       reports.c.version)
             .where(reports.c.round_id == round_id, reports.c.id > after).order_by(reports.c.id).limit(limit))
    return [dict(row) for row in session.execute(query).mappings()]
