"""The review case of one report: what the unit sent (every version), the reviewers'
decisions per criterion, the evidence requests, and the outcome (returned or verified).

The case follows the shared report lifecycle; four-eyes verification adds an internal
sub-state ("awaiting approval") while the report stays `submitted` for everyone else.
Every action appends an audit entry to `recorded`; the unit of work stores them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from services.review.domain import history
from services.review.domain.audit import AuditEntry
from services.review.domain.decisions import Decision, criterion_of, decide
from services.review.domain.errors import (
    ApprovalRefused,
    InvalidDecision,
    MissingInputs,
    NotUnderReview,
    SelfApproval,
    UndecidedCriteria,
)
from services.review.domain.history import Snapshot
from shared.criteria import UnitTypeCatalog
from shared.criteria.suppliers import REVIEWER, SYSTEM, UNIT, suppliers
from shared.domain.lifecycle import STATE_IN_WORDS, IllegalTransition, ReportStatus, can_transition, transition
from shared.domain.report_events import ReportEvidenceRequested, ReportReturned, ReportVerified
from shared.domain.report_header import HeaderedReport, ReportHeader

AWAITING_APPROVAL = "awaiting_approval"
VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # reply deadlines are days in the province's calendar
DECIDABLE = frozenset({ReportStatus.SUBMITTED, ReportStatus.EVIDENCE_REQUESTED})


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(VIETNAM_TZ).date()


@dataclasses.dataclass(eq=False)  # an entity: compared by identity
class EvidenceRequest:
    id: str
    revision: int
    requests: list[dict[str, str]]
    due_date: dt.date
    requested_by: str
    requested_at: dt.datetime
    answered_at: dt.datetime | None = None
    reply: dict[str, Any] | None = None

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


@dataclasses.dataclass(frozen=True)
class Submission:
    """What `report.submitted` carries about the report's content."""

    revision: int
    answers: dict[str, Any]
    evidence: history.Evidence
    by: str
    at: dt.datetime


class ReviewCase(HeaderedReport):
    """Aggregate root, keyed by the report id. `version` guards against two reviewers writing at once."""

    def __init__(self, report_id: str, header: ReportHeader, catalog_version: str):
        self.report_id = report_id
        self.header = header
        self.catalog_version = catalog_version
        self.status = ReportStatus.DRAFT.value
        self.revision = 0
        self.submitted_at: dt.datetime | None = None
        self.decisions: dict[str, dict[str, Any]] = {}
        # Inputs from provincial systems: field -> {value, agency, source_system, as_of, import_id, imported_by}.
        self.measured: dict[str, dict[str, Any]] = {}
        self.pending_verification_by: str | None = None
        self.pending_verification_at: dt.datetime | None = None
        self.review_comment = ""
        self.criterion_comments: dict[str, str] = {}
        self.snapshots: list[Snapshot] = []
        self.evidence_requests: list[EvidenceRequest] = []
        self.events: list = []
        self.recorded: list[AuditEntry] = []

    # --- reading ---------------------------------------------------------------------------------
    @property
    def state(self) -> ReportStatus:
        return ReportStatus(self.status)

    @property
    def queue_status(self) -> str:
        """The lifecycle state, or `awaiting_approval` while a four-eyes verification waits."""
        return AWAITING_APPROVAL if self.pending_verification_by else self.status

    @property
    def current(self) -> Snapshot:
        return self.snapshots[-1]

    @property
    def open_evidence_request(self) -> EvidenceRequest | None:
        return next((request for request in self.evidence_requests if request.is_open), None)

    def undecided(self, catalog: UnitTypeCatalog) -> list[str]:
        """Criteria that take inputs and have no decision yet, in catalog order."""
        return [criterion.code for criterion in catalog.criteria
                if criterion.inputs and criterion.code not in self.decisions]

    def declared_answers(self) -> dict[str, Any]:
        """What the unit declared and the provincial systems measured, before the review."""
        return {**self.current.answers, **{name: item["value"] for name, item in self.measured.items()}}

    def reviewed_answers(self) -> dict[str, Any]:
        """The declared answers with the reviewer's inputs filled and every adjusted value applied:
        what verification confirms."""
        answers = self.declared_answers()
        for raw in self.decisions.values():
            answers.update(raw.get("filled", {}))
        for raw in self.decisions.values():
            answers.update({name: change["after"] for name, change in raw["values"].items()})
        return answers

    def no_data(self) -> dict[str, str]:
        """Inputs recorded as having no data, with the reviewer's reason."""
        return {name: why for raw in self.decisions.values() for name, why in raw.get("no_data", {}).items()}

    def missing_inputs(self, catalog: UnitTypeCatalog) -> list[dict[str, Any]]:
        """Required inputs the reviewer or a provincial system owes that have neither a value nor a
        "no data" record, in catalog order: what blocks verification."""
        answers, no_data, owners = self.reviewed_answers(), self.no_data(), suppliers(catalog)
        missing: dict[str, dict[str, Any]] = {}
        for criterion in catalog.criteria:
            for field in criterion.inputs:
                supplier = owners[field.field]
                if (not field.required or supplier.kind not in (REVIEWER, SYSTEM) or field.field in no_data
                        or answers.get(field.field) is not None):
                    continue
                item = missing.setdefault(field.field, {"field": field.field, "supplied_by": supplier.kind,
                                                        "agency": supplier.agency, "criteria": []})
                item["criteria"].append(criterion.code)
        return list(missing.values())

    def input_sources(self, catalog: UnitTypeCatalog) -> dict[str, dict[str, Any]]:
        """Where each verified value came from: the unit, a provincial system (which, as of when),
        or the reviewer (filled, adjusted, or recorded as no data)."""
        answers, owners = self.reviewed_answers(), suppliers(catalog)
        sources: dict[str, dict[str, Any]] = {}
        for name in answers:
            supplier = owners.get(name)
            if supplier is None:
                continue
            if name in self.measured:
                item = self.measured[name]
                sources[name] = {"kind": SYSTEM, "agency": item["agency"], "system": item["source_system"],
                                 "as_of": item["as_of"], "import_id": item["import_id"]}
            elif supplier.kind == UNIT:
                sources[name] = {"kind": UNIT}
            else:
                sources[name] = {"kind": REVIEWER, "agency": supplier.agency}
        for raw in self.decisions.values():
            for name in raw.get("filled", {}):
                sources[name] = {"kind": REVIEWER, "agency": owners[name].agency, "by": raw["by"], "at": raw["at"]}
        for raw in self.decisions.values():
            for name in raw["values"]:
                sources[name] = {**sources.get(name, {"kind": owners[name].kind}), "adjusted": True,
                                 "adjusted_by": raw["by"], "reason": raw["reason"]}
            for name, why in raw.get("no_data", {}).items():
                sources[name] = {"kind": owners[name].kind, "agency": owners[name].agency, "no_data": why,
                                 "by": raw["by"]}
        return sources

    # --- following the unit (events from the submission service) ---------------------------------
    def receive_submission(self, submission: Submission, catalog: UnitTypeCatalog) -> bool:
        """A submitted revision; a resubmission reopens the criteria it changed. False if already known."""
        if submission.revision <= self.revision:
            return False
        before = self.status
        if self.state is ReportStatus.RETURNED:
            self._move(ReportStatus.DRAFT)
        self._move(ReportStatus.SUBMITTED)
        self.revision = submission.revision
        self.submitted_at = submission.at
        self.review_comment, self.criterion_comments = "", {}
        self._add_snapshot(history.SUBMITTED, submission.answers, submission.evidence, submission.by, submission.at)
        self._record("report_submitted", submission.by, self.unit_code, submission.at,
                     before=before, after={"status": self.status, "revision": self.revision})
        self._reopen_touched(catalog, submission.by, submission.at)
        return True

    def receive_evidence(self, *, answers: dict[str, Any], evidence: history.Evidence, note: str, by: str,
                         at: dt.datetime, catalog: UnitTypeCatalog) -> None:
        """The unit's reply to the open evidence request: back under review, with what changed since."""
        if self.state is not ReportStatus.EVIDENCE_REQUESTED:
            raise IllegalTransition(self.state, ReportStatus.SUBMITTED)
        request = self.open_evidence_request
        previous = self.current
        self._move(ReportStatus.SUBMITTED)
        self._add_snapshot(history.EVIDENCE_PROVIDED, answers, evidence, by, at, note)
        reply = {"note": note, "by": by, "at": at.isoformat(),
                 "changes": history.field_changes(previous.answers, answers),
                 "new_files": history.new_files(previous.evidence, evidence)}
        request.answered_at = at
        request.reply = reply
        self._record("evidence_provided", by, self.unit_code, at, before=ReportStatus.EVIDENCE_REQUESTED.value,
                     after={"status": self.status, **reply}, reason=note)
        requested = {item["criterion"] for item in request.requests}
        self._reopen_touched(catalog, by, at, also=requested)

    def take_measured(self, measured: dict[str, dict[str, Any]], catalog: UnitTypeCatalog, at: dt.datetime) -> None:
        """The measured values that now hold for the unit. A decision on a criterion whose measured
        value changed no longer holds, nor does a verification awaiting approval."""
        if measured == self.measured:
            return
        changed = {name for name in set(measured) | set(self.measured)
                   if (measured.get(name) or {}).get("value") != (self.measured.get(name) or {}).get("value")}
        self.measured = dict(measured)
        if not changed:
            return
        actor = next(iter(measured.values()), {}).get("imported_by", "system")
        self._record("measurements_updated", actor, self.unit_code, at, before=None,
                     after={"fields": sorted(changed)})
        if self.state not in DECIDABLE:
            return
        self._withdraw_pending_verification(actor, self.unit_code, at)
        touched = {c.code for c in catalog.criteria if changed & {f.field for f in c.inputs}}
        for code in sorted(touched & set(self.decisions)):
            self._record("decision_reopened", actor, self.unit_code, at, criterion=code, before=self.decisions[code],
                         after=None, reason="Số liệu đo từ hệ thống đã thay đổi / the measured values changed")
        self.decisions = {code: raw for code, raw in self.decisions.items() if code not in touched}

    # --- the reviewers' actions ------------------------------------------------------------------
    def decide(self, catalog: UnitTypeCatalog, code: str, decision: str, *, values: dict[str, Any] | None,
               points: Decimal | None, reason: str, by: str, by_unit: str, now: dt.datetime,
               no_data: dict[str, str] | None = None) -> Decision:
        self._require_decidable("thẩm định tiêu chí", "decide a criterion")
        others = {name: (other_code, change["after"]) for other_code, raw in self.decisions.items()
                  if other_code != code for name, change in raw["values"].items()}
        filled_elsewhere = {name: value for other_code, raw in self.decisions.items() if other_code != code
                            for name, value in raw.get("filled", {}).items()}
        declared = self.declared_answers()
        reviewed = {**declared, **filled_elsewhere, **{name: value for name, (_, value) in others.items()}}
        # A new decision on the criterion keeps what the previous one filled or recorded as no data,
        # unless it says otherwise for that input.
        previous_raw = self.decisions.get(code) or {}
        values = {**{name: value for name, value in previous_raw.get("filled", {}).items()
                     if name not in (no_data or {})}, **(values or {})}
        no_data = {**{name: why for name, why in previous_raw.get("no_data", {}).items() if name not in values},
                   **(no_data or {})}
        made = decide(catalog, code, decision, values=values, points=points, reason=reason,
                      declared=declared, reviewed=reviewed, adjusted_elsewhere=others,
                      by=by, at=now.isoformat(), revision=self.revision, no_data=no_data)
        self._withdraw_pending_verification(by, by_unit, now)
        previous = self.decisions.get(code)
        self.decisions = {**self.decisions, code: made.to_dict()}
        self._record("decision_recorded", by, by_unit, now, criterion=code, before=previous, after=made.to_dict(),
                     reason=made.reason)
        return made

    def request_evidence(self, catalog: UnitTypeCatalog, requests: list[dict[str, str]], due_date: dt.date, *,
                         by: str, by_unit: str, now: dt.datetime) -> EvidenceRequest:
        if not requests:
            raise InvalidDecision("Cần nêu ít nhất một tiêu chí cần bổ sung minh chứng",
                                  "name at least one criterion that needs evidence", at="requests")
        for item in requests:
            criterion_of(catalog, item["criterion"])
        if due_date < local_date(now):
            raise InvalidDecision(f"Hạn trả lời {due_date:%d/%m/%Y} đã qua; hãy chọn một ngày từ hôm nay trở đi",
                                  f"the reply deadline {due_date.isoformat()} is in the past", at="due_date",
                                  rule="not_in_past")
        before = self.status
        self._move(ReportStatus.EVIDENCE_REQUESTED)
        self._withdraw_pending_verification(by, by_unit, now)
        request = EvidenceRequest(str(uuid.uuid4()), self.revision, [dict(item) for item in requests], due_date,
                                  by, now)
        self.evidence_requests.append(request)
        self.events.append(ReportEvidenceRequested(
            report_id=self.report_id, round_id=self.round_id, unit_code=self.unit_code,
            requests=request.requests, due_date=due_date.isoformat(), requested_by=by))
        self._record("evidence_requested", by, by_unit, now, before=before,
                     after={"status": self.status, "requests": request.requests, "due_date": due_date.isoformat()})
        return request

    def return_for_revision(self, catalog: UnitTypeCatalog, comment: str, criterion_comments: dict[str, str], *,
                            by: str, by_unit: str, now: dt.datetime) -> None:
        if not comment.strip():
            raise InvalidDecision("Trả lại báo cáo phải kèm nhận xét", "returning a report needs a comment",
                                  at="comment", rule="required")
        for code in criterion_comments:
            criterion_of(catalog, code)
        before = self.status
        self._move(ReportStatus.RETURNED)
        self._withdraw_pending_verification(by, by_unit, now)
        self.review_comment, self.criterion_comments = comment, dict(criterion_comments)
        self.events.append(ReportReturned(
            report_id=self.report_id, round_id=self.round_id, unit_code=self.unit_code, comment=comment,
            criterion_comments=dict(criterion_comments), returned_by=by, returned_at=now.isoformat()))
        self._record("returned", by, by_unit, now, before=before,
                     after={"status": self.status, "criterion_comments": dict(criterion_comments)}, reason=comment)

    def verify(self, catalog: UnitTypeCatalog, *, four_eyes: bool, by: str, by_unit: str, now: dt.datetime) -> None:
        """Confirm the reviewed values; with four-eyes on, only ask a second reviewer to approve."""
        if not can_transition(self.state, ReportStatus.VERIFIED):
            raise IllegalTransition(self.state, ReportStatus.VERIFIED)
        if self.pending_verification_by:
            raise ApprovalRefused(
                f"Báo cáo đã được '{self.pending_verification_by}' xác nhận và đang chờ phê duyệt",
                f"the report was verified by '{self.pending_verification_by}' and awaits approval",
                verified_by=self.pending_verification_by)
        undecided = self.undecided(catalog)
        if undecided:
            raise UndecidedCriteria(undecided)
        missing = self.missing_inputs(catalog)
        if missing:
            raise MissingInputs(missing)
        if four_eyes:
            self.pending_verification_by, self.pending_verification_at = by, now
            self._record("verification_requested", by, by_unit, now, before=self.status, after=AWAITING_APPROVAL)
            return
        self._finalise(catalog, verified_by=by, by_unit=by_unit, now=now, action="verified")

    def approve(self, catalog: UnitTypeCatalog, *, by: str, by_unit: str, now: dt.datetime) -> None:
        """Four-eyes: a second reviewer of the same organisation makes the verification final."""
        if not self.pending_verification_by:
            raise ApprovalRefused("Không có kết quả xác nhận nào đang chờ phê duyệt",
                                  "no verification awaits approval")
        if by == self.pending_verification_by:
            raise SelfApproval(by)
        missing = self.missing_inputs(catalog)
        if missing:  # a measured value may have been withdrawn by a correcting import since
            raise MissingInputs(missing)
        self._finalise(catalog, verified_by=self.pending_verification_by, by_unit=by_unit, now=now,
                       action="approved", actor=by)

    def reopen_for_reconsideration(self, criteria: list[str], *, reason: str, by: str, at: dt.datetime) -> None:
        """A reconsideration request on the provisional results was accepted: the decisions on its
        criteria no longer hold and the report is under review again."""
        before = self.status
        self._move(ReportStatus.SUBMITTED)
        for code in sorted(set(criteria) & set(self.decisions)):
            self._record("decision_reopened", by, self.reviewer_unit_code, at, criterion=code,
                         before=self.decisions[code], after=None,
                         reason=f"Kiến nghị được chấp nhận / reconsideration accepted: {reason}")
        self.decisions = {code: raw for code, raw in self.decisions.items() if code not in criteria}
        self._record("reconsideration_accepted", by, self.reviewer_unit_code, at, before=before,
                     after={"status": self.status, "criteria": sorted(criteria)}, reason=reason)

    # --- internals -------------------------------------------------------------------------------
    def _finalise(self, catalog: UnitTypeCatalog, *, verified_by: str, by_unit: str, now: dt.datetime, action: str,
                  actor: str | None = None) -> None:
        before = self.queue_status
        self._move(ReportStatus.VERIFIED)
        self.pending_verification_by = self.pending_verification_at = None
        decisions = [Decision.from_dict(self.decisions[code]) for code in sorted(self.decisions)]
        adjustments = [line for made in decisions for line in made.adjustments()]
        overrides = {made.criterion: made.points for made in decisions if made.points is not None}
        answers = self.reviewed_answers()
        self.events.append(ReportVerified(
            report_id=self.report_id, **dataclasses.asdict(self.header), catalog_version=self.catalog_version,
            revision=self.revision,
            answers=answers, self_assessed_answers=dict(self.current.answers),
            adjustments=adjustments, points_overrides=overrides, verified_by=verified_by,
            verified_at=now.isoformat(), no_data=self.no_data(), input_sources=self.input_sources(catalog)))
        self._record(action, actor or verified_by, by_unit, now, before=before,
                     after={"status": self.status, "verified_by": verified_by, "adjustments": len(adjustments)})

    def _require_decidable(self, what_vi: str, what_en: str) -> None:
        if self.state not in DECIDABLE:
            where = STATE_IN_WORDS.get(self.state, STATE_IN_WORDS[ReportStatus.SUBMITTED])
            raise NotUnderReview(f"{where.vi}, không thể {what_vi} lúc này",
                                 f"{where.en}; cannot {what_en} now", status=self.status)

    def _withdraw_pending_verification(self, by: str, by_unit: str, now: dt.datetime) -> None:
        """A change after a four-eyes verification voids it: the approver must see what is final."""
        if not self.pending_verification_by:
            return
        self._record("verification_withdrawn", by, by_unit, now, before={"verified_by": self.pending_verification_by},
                     after=None, reason="Có thay đổi sau khi xác nhận / changed after verification")
        self.pending_verification_by = self.pending_verification_at = None

    def _reopen_touched(self, catalog: UnitTypeCatalog, by: str, at: dt.datetime, also: set[str] = frozenset()) -> None:
        """Decisions on criteria whose inputs or files the unit changed no longer hold."""
        if len(self.snapshots) < 2:
            return
        touched = history.criteria_touched(catalog, self.snapshots[-2], self.current) | set(also)
        reopened = sorted(touched & set(self.decisions))
        for code in reopened:
            self._record("decision_reopened", by, self.unit_code, at, criterion=code, before=self.decisions[code],
                         after=None, reason="Đơn vị đã thay đổi số liệu hoặc minh chứng / the unit changed its "
                                            "values or evidence")
        self.decisions = {code: raw for code, raw in self.decisions.items() if code not in reopened}

    def _add_snapshot(self, kind: str, answers: dict[str, Any], evidence: history.Evidence, by: str,
                      at: dt.datetime, note: str = "") -> None:
        self.snapshots.append(Snapshot(len(self.snapshots) + 1, self.revision, kind, dict(answers),
                                       {code: list(files) for code, files in evidence.items()}, by, at, note))

    def _move(self, requested: ReportStatus) -> None:
        self.status = transition(self.state, requested).value

    def _record(self, action: str, actor: str, actor_unit: str, at: dt.datetime, *, criterion: str | None = None,
                before: Any = None, after: Any = None, reason: str = "") -> None:
        self.recorded.append(AuditEntry(
            reviewer_unit_code=self.reviewer_unit_code, action=action, actor=actor, actor_unit=actor_unit, at=at,
            subject_version=getattr(self, "version", None) or 0, report_id=self.report_id, revision=self.revision,
            criterion=criterion, before=before, after=after, reason=reason))
