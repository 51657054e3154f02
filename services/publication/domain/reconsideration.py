"""Reconsideration requests (kiến nghị) on provisional results.

While the feedback window is open, a unit asks for named criteria of its published result to
be reconsidered, with a reason. The reviewer answers each criterion: accepted (the report goes
back through review and scoring, through `report.reconsideration_accepted`) or rejected (the
reason is recorded and shown to the unit). Final results wait until every request is answered
and every accepted one has been scored again.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.publication.domain.publication import PublicationRefused
from shared.domain.errors import Bilingual, Kind
from shared.domain.report_events import ReportReconsiderationAccepted

ACCEPTED, REJECTED = "accepted", "rejected"


class ReconsiderationRefused(PublicationRefused):
    kind = Kind.INVALID
    title = Bilingual("Kiến nghị không hợp lệ", "Reconsideration refused")


class Reconsideration:
    """Aggregate root: one request of one unit on one round's provisional result."""

    def __init__(self, *, round_id: str, report_id: str, unit_code: str, unit_name_vi: str,
                 reviewer_unit_code: str, criteria: list[str], reason: str, published_score_id: str,
                 filed_by: str, filed_at: dt.datetime, request_id: str | None = None):
        self.id = request_id or str(uuid.uuid4())
        self.round_id = round_id
        self.report_id = report_id
        self.unit_code = unit_code
        self.unit_name_vi = unit_name_vi
        self.reviewer_unit_code = reviewer_unit_code
        self.criteria = list(criteria)
        self.reason = reason
        self.published_score_id = published_score_id  # the score the request is about
        self.filed_by = filed_by
        self.filed_at = filed_at
        self.answers: dict[str, dict[str, Any]] = {}
        self.status = "pending"  # pending → accepted | rejected (once every criterion is answered)
        self.settled_at: dt.datetime | None = None
        self.events: list = []

    @classmethod
    def file(cls, *, window_open: bool, known_criteria: set[str], criteria: list[str], reason: str,
             **details: Any) -> Reconsideration:
        if not window_open:
            raise ReconsiderationRefused("Đã hết thời hạn kiến nghị, hoặc kết quả chưa được công bố tạm thời",
                                         "the feedback window is closed, or no provisional result is published")
        unknown = sorted(set(criteria) - known_criteria)
        if unknown:
            raise ReconsiderationRefused(f"Tiêu chí không có trong kết quả của đơn vị: {', '.join(unknown)}",
                                         f"criteria not in the unit's result: {', '.join(unknown)}")
        if not criteria or not reason.strip():
            raise ReconsiderationRefused("Kiến nghị cần nêu tiêu chí và lý do",
                                         "a request names its criteria and gives a reason")
        return cls(criteria=sorted(set(criteria)), reason=reason.strip(), **details)

    @property
    def accepted_criteria(self) -> list[str]:
        return [code for code in self.criteria if self.answers.get(code, {}).get("decision") == ACCEPTED]

    def awaits(self, current_score_id: str | None) -> bool:
        """Does the final publication still wait for this request (an answer, or the re-score)?"""
        if self.status == "pending":
            return True
        return self.status == ACCEPTED and current_score_id == self.published_score_id

    def answer(self, criterion: str, decision: str, reason: str, *, by: str, now: dt.datetime) -> None:
        if self.status != "pending":
            raise ReconsiderationRefused("Kiến nghị đã được trả lời", "the request has already been answered")
        if criterion not in self.criteria:
            raise ReconsiderationRefused(f"Kiến nghị không nêu tiêu chí {criterion}",
                                         f"the request does not name criterion {criterion}")
        if criterion in self.answers:
            raise ReconsiderationRefused(f"Tiêu chí {criterion} đã được trả lời",
                                         f"criterion {criterion} has already been answered")
        if decision not in (ACCEPTED, REJECTED):
            raise ReconsiderationRefused("Trả lời là 'accepted' hoặc 'rejected'",
                                         "the answer is 'accepted' or 'rejected'")
        if decision == REJECTED and not reason.strip():
            raise ReconsiderationRefused("Không chấp nhận kiến nghị thì phải nêu lý do",
                                         "a rejection needs a reason the unit can read")
        self.answers = {**self.answers, criterion: {"decision": decision, "reason": reason.strip(), "by": by,
                                                    "at": now.isoformat()}}
        if len(self.answers) == len(self.criteria):
            self._settle(by, now)

    def _settle(self, by: str, now: dt.datetime) -> None:
        self.settled_at = now
        accepted = self.accepted_criteria
        self.status = ACCEPTED if accepted else REJECTED
        if accepted:
            self.events.append(ReportReconsiderationAccepted(
                report_id=self.report_id, round_id=self.round_id, unit_code=self.unit_code, request_id=self.id,
                criteria=accepted, reason=self.reason,
                answers={code: self.answers[code]["reason"] for code in accepted}, accepted_by=by,
                accepted_at=now.isoformat()))
