"""What the review service holds of each report of a round, for `cqs reconcile`."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.review.adapters.orm import review_cases


def round_reports(session: Session, round_id: str, after: str, limit: int) -> list[dict]:
    cases = review_cases
    query = (sa.select(cases.c.report_id, cases.c.unit_code, cases.c.status, cases.c.revision, cases.c.version)
             .where(cases.c.round_id == round_id, cases.c.report_id > after).order_by(cases.c.report_id).limit(limit))
    return [dict(row) for row in session.execute(query).mappings()]
