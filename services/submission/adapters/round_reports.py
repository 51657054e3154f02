"""The reports of a round as the rounds package needs them (its `RoundReports` port): the drafts a
round opens with, who has submitted, the answers a new draft may carry over, completeness."""
from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.rounds.service_layer.unit_of_work import Draft, ReportProgress, SubmittedAnswers
from services.submission.adapters.orm import reports
from services.submission.adapters.repositories import ReportRepository
from services.submission.domain.reports import Report
from shared.domain.report_header import ReportHeader


class SqlRoundReports:
    def __init__(self, session: Session, repository: ReportRepository):
        self.session = session
        self._repository = repository

    def add_draft(self, draft: Draft) -> None:
        unit, reviewer = draft.unit, draft.reviewer
        header = ReportHeader(round_id=draft.round_id, unit_code=unit.code, unit_name_vi=unit.name_vi,
                              unit_type=unit.unit_type.value, reviewer_unit_code=reviewer.reviewer_unit_code,
                              reviewer_kind=reviewer.reviewer_kind.value)
        self._repository.add(Report(id=str(uuid.uuid4()), header=header, catalog_version=draft.catalog_version,
                                    answers=dict(draft.answers)))

    def submitted_unit_codes(self, round_id: str) -> list[str]:
        query = sa.select(reports.c.unit_code).where(reports.c.round_id == round_id,
                                                     reports.c.submitted_at.is_not(None))
        return list(self.session.execute(query).scalars())

    def last_submitted(self, round_ids: Sequence[str], unit_codes: Collection[str]) -> dict[str, SubmittedAnswers]:
        order = {round_id: position for position, round_id in enumerate(round_ids)}
        query = (sa.select(reports.c.unit_code, reports.c.round_id, reports.c.unit_type, reports.c.catalog_version,
                           reports.c.answers)
                 .where(reports.c.round_id.in_(order), reports.c.unit_code.in_(list(unit_codes)),
                        reports.c.submitted_at.is_not(None)))
        rows = sorted(self.session.execute(query), key=lambda row: order[row.round_id])
        return {row.unit_code: SubmittedAnswers(row.unit_type, row.catalog_version, row.answers)
                for row in rows}

    def progress(self, round_id: str, reviewer_unit_code: str | None = None) -> list[ReportProgress]:
        query = (sa.select(reports.c.unit_code, reports.c.unit_name_vi, reports.c.unit_type, reports.c.status,
                           reports.c.submitted_at)
                 .where(reports.c.round_id == round_id).order_by(reports.c.unit_code))
        if reviewer_unit_code is not None:
            query = query.where(reports.c.reviewer_unit_code == reviewer_unit_code)
        return [ReportProgress(*row) for row in self.session.execute(query)]

    def reviewed_by(self, round_id: str, reviewer_unit_code: str, reviewer_kind: str) -> bool:
        query = sa.select(reports.c.id).where(reports.c.round_id == round_id,
                                              reports.c.reviewer_unit_code == reviewer_unit_code,
                                              reports.c.reviewer_kind == reviewer_kind).limit(1)
        return self.session.execute(query).first() is not None
