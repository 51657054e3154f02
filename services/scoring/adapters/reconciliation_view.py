"""What the scoring service holds of each report of a round (the verified revision it scored and
its current score), for `cqs reconcile`."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.scoring.adapters.orm import score_sheets, scores


def round_reports(session: Session, round_id: str, after: str, limit: int) -> list[dict]:
    current = scores.alias("current_score")
    query = (sa.select(score_sheets.c.report_id, score_sheets.c.unit_code, score_sheets.c.revision,
                       score_sheets.c.version, current.c.id.label("score_id"))
             .outerjoin(current, sa.and_(current.c.report_id == score_sheets.c.report_id, current.c.current))
             .where(score_sheets.c.round_id == round_id, score_sheets.c.report_id > after)
             .order_by(score_sheets.c.report_id).limit(limit))
    return [{**row, "status": "scored" if row["score_id"] else "verified"}
            for row in session.execute(query).mappings()]
