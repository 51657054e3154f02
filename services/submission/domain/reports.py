"""A unit's report in a round, as the submission service owns it: the unit fills in the
draft, submits it, answers evidence requests and revises it when it is returned. The
later states (verified, scored, published) arrive as events and are only followed here."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from shared.domain.errors import Bilingual, Conflict
from shared.domain.lifecycle import STATE_IN_WORDS, IllegalTransition, ReportStatus, transition
from shared.domain.report_events import ReportEvidenceProvided, ReportSubmitted
from shared.domain.report_header import HeaderedReport, ReportHeader

EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
# Evidence can also be added while a reviewer waits for it.
ACCEPTS_EVIDENCE = EDITABLE | {ReportStatus.EVIDENCE_REQUESTED}


class ReportNotEditable(Conflict):
    title = Bilingual("Báo cáo không còn sửa được", "Report not editable")

    def __init__(self, status: ReportStatus):
        self.status = ReportStatus(status)
        where = STATE_IN_WORDS[self.status]
        super().__init__(Bilingual(f"{where.vi}, không thể sửa hay thêm minh chứng lúc này",
                                   f"{where.en}; it cannot be edited now"), status=self.status.value)


class Report(HeaderedReport):
    """Aggregate root. `version` guards against two writers (optimistic locking)."""

    def __init__(self, id: str, header: ReportHeader, catalog_version: str, answers: dict[str, Any] | None = None):
        self.id = id
        self.header = header
        self.catalog_version = catalog_version
        self.status = ReportStatus.DRAFT.value
        self.answers = dict(answers or {})
        self.revision = 0
        self.review_comment = ""
        self.criterion_comments: dict[str, str] = {}
        self.evidence_requests: list[dict[str, str]] = []
        self.evidence_due_date: str | None = None
        self.submitted_at: dt.datetime | None = None
        self.events: list = []

    @property
    def state(self) -> ReportStatus:
        return ReportStatus(self.status)

    def _move(self, requested: ReportStatus) -> None:
        self.status = transition(self.state, requested).value

    def update_answers(self, changes: dict[str, Any]) -> None:
        """Merge answers into the draft. A returned report reopens as a draft; while evidence is
        requested, answers change only with the unit's reply (so the reviewer sees what changed)."""
        if self.state not in EDITABLE:
            raise ReportNotEditable(self.state)
        if self.state is ReportStatus.RETURNED:
            self._move(ReportStatus.DRAFT)
        self._merge(changes)

    def _merge(self, changes: dict[str, Any]) -> None:
        """`None` or a blank text clears a field: an empty box means "not answered"."""
        merged = {**self.answers, **changes}
        self.answers = {field: value for field, value in merged.items() if not _blank(value)}

    def check_submittable(self) -> None:
        """Refuse early, before any slower check, a report that is not the unit's to submit now."""
        if self.state not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise IllegalTransition(self.state, ReportStatus.SUBMITTED)

    def submit(self, *, by: str, now: dt.datetime, evidence: dict[str, list[dict[str, Any]]]) -> None:
        if self.state is ReportStatus.RETURNED:
            self._move(ReportStatus.DRAFT)
        self._move(ReportStatus.SUBMITTED)
        self.revision += 1
        self.submitted_at = now
        self.events.append(ReportSubmitted(
            report_id=self.id, **dataclasses.asdict(self.header), catalog_version=self.catalog_version,
            revision=self.revision, answers=dict(self.answers), evidence=evidence, submitted_by=by,
            submitted_at=now.isoformat(),
        ))

    def provide_evidence(self, *, changes: dict[str, Any], note: str, by: str, now: dt.datetime,
                         evidence: dict[str, list[dict[str, Any]]]) -> None:
        if self.state is not ReportStatus.EVIDENCE_REQUESTED:
            raise IllegalTransition(self.state, ReportStatus.SUBMITTED)
        before = dict(self.answers)
        self._merge(changes)
        self._move(ReportStatus.SUBMITTED)
        changed = sorted(field for field in set(before) | set(self.answers)
                         if before.get(field) != self.answers.get(field))
        self.events.append(ReportEvidenceProvided(
            report_id=self.id, round_id=self.round_id, unit_code=self.unit_code, answers=dict(self.answers),
            changed_fields=changed, evidence=evidence, note=note, provided_by=by, provided_at=now.isoformat(),
        ))

    # Transitions decided by the review service, followed from its events.
    def returned(self, comment: str, criterion_comments: dict[str, str]) -> None:
        self._move(ReportStatus.RETURNED)
        self.review_comment = comment
        self.criterion_comments = dict(criterion_comments)

    def evidence_requested(self, requests: list[dict[str, str]], due_date: str) -> None:
        self._move(ReportStatus.EVIDENCE_REQUESTED)
        self.evidence_requests = list(requests)
        self.evidence_due_date = due_date

    def follow(self, status: ReportStatus) -> None:
        """verified / scored / published, as the other services report them."""
        self._move(status)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
