"""The review service's read models, queried straight from its tables: the reviewer queue, open
evidence requests past their date and a case's audit trail. The service layer decides whose
cases a caller sees (`Scope`) and how the rows read; these queries only fetch them."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.review.adapters import orm
from services.review.domain.cases import AWAITING_APPROVAL

cases = orm.review_cases
QUEUE_STATUS = sa.case((cases.c.pending_verification_by.is_not(None), AWAITING_APPROVAL), else_=cases.c.status)


@dataclasses.dataclass(frozen=True)
class Scope:
    """The cases one reviewing body reviews in one role; None where a caller reads every case."""

    reviewer_unit_code: str
    reviewer_kind: str | None


@dataclasses.dataclass(frozen=True)
class QueuePage:
    counts: dict[str, int]  # queue status → cases in the whole queue
    rows: list[dict[str, Any]]  # the page's cases, with their `queue_status`


class ReviewViews:
    def __init__(self, session: Session):
        self.session = session

    def reviewer_kind(self, reviewer_unit_code: str) -> str | None:
        """The kind of review (district or department) a body does, from the cases assigned to it."""
        return self.session.execute(sa.select(cases.c.reviewer_kind)
                                    .where(cases.c.reviewer_unit_code == reviewer_unit_code).limit(1)).scalar()

    def queue(self, scope: Scope | None, *, round_id: str | None = None, status: str | None = None,
              unit_type: str | None = None, submitted_before: dt.datetime | None = None, offset: int = 0,
              limit: int | None = None) -> QueuePage:
        """The counts per status over the filtered queue, and the page (`status` only) oldest submission first."""
        where = _in(scope)
        if round_id:
            where.append(cases.c.round_id == round_id)
        if unit_type:
            where.append(cases.c.unit_type == unit_type)
        if submitted_before is not None:
            where.append(cases.c.submitted_at <= submitted_before)
        counts = dict(self.session.execute(
            sa.select(QUEUE_STATUS, sa.func.count()).where(*where).group_by(QUEUE_STATUS)).all())
        listed = where + ([QUEUE_STATUS == status] if status else [])
        rows = self.session.execute(
            sa.select(cases, QUEUE_STATUS.label("queue_status")).where(*listed)
            .order_by(cases.c.submitted_at, cases.c.report_id).offset(offset).limit(limit)).mappings().all()
        return QueuePage(counts, [dict(row) for row in rows])

    def open_requests_due_before(self, scope: Scope | None, today: dt.date) -> list[dict[str, Any]]:
        """Unanswered evidence requests whose reply date is before `today`, most overdue first, with their case."""
        requests = orm.evidence_requests
        rows = self.session.execute(
            sa.select(requests, cases.c.unit_code, cases.c.unit_name_vi, cases.c.reviewer_unit_code,
                      cases.c.round_id)
            .join(cases, cases.c.report_id == requests.c.report_id)
            .where(requests.c.answered_at.is_(None), requests.c.due_date < today, *_in(scope))
            .order_by(requests.c.due_date, requests.c.report_id)).mappings().all()
        return [dict(row) for row in rows]

    def audit_trail(self, report_id: str, *, since_version: int | None = None) -> list[dict[str, Any]]:
        """A case's audit entries in the order they were written (from `since_version` on if given)."""
        log = orm.audit_log
        where = [log.c.report_id == report_id]
        if since_version is not None:
            where.append(log.c.subject_version >= since_version)
        return [dict(row) for row in self.session.execute(sa.select(log).where(*where).order_by(log.c.id)).mappings()]


def _in(scope: Scope | None) -> list:
    if scope is None:
        return []
    return [cases.c.reviewer_unit_code == scope.reviewer_unit_code, cases.c.reviewer_kind == scope.reviewer_kind]
