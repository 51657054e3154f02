"""What the publication service holds of each report of a round (the score it recorded), for
`cqs reconcile`."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.publication.adapters.orm import scores


def round_reports(session: Session, round_id: str, after: str, limit: int) -> list[dict]:
    query = (sa.select(scores.c.report_id, scores.c.unit_code, scores.c.score_id)
             .where(scores.c.round_id == round_id, scores.c.report_id > after)
             .order_by(scores.c.report_id).limit(limit))
    return [{**row, "status": "scored"} for row in session.execute(query).mappings()]
