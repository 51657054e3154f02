"""The report events: the contract that moves a report between the services.

Payloads carry the state the consumer needs (event-carried state transfer): the review
service learns the answers from `report.submitted`, the scoring service the verified
answers from `report.verified`, and nobody calls back to ask.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from shared.domain.events import Event
from shared.domain.report_header import ReportHeader


class ReportEvent(Event):
    report_id: str
    round_id: str
    unit_code: str

    @property
    def subject(self) -> str:
        return f"reports/{self.report_id}"


class ReportEventWithHeader(ReportHeader, ReportEvent):
    """A report event that introduces the report to its consumers: it carries the whole header, whose
    fields stand flat in the payload beside `report_id`; `header` gives them back as one value."""

    @property
    def header(self) -> ReportHeader:
        return ReportHeader(**{field.name: getattr(self, field.name) for field in dataclasses.fields(ReportHeader)})


class ReportSubmitted(ReportEventWithHeader, routing_key="report.submitted"):
    catalog_version: str
    revision: int
    answers: dict[str, Any]
    evidence: dict[str, list[dict[str, Any]]]
    submitted_by: str
    submitted_at: str


class ReportEvidenceRequested(ReportEvent, routing_key="report.evidence_requested"):
    requests: list[dict[str, str]]
    due_date: str
    requested_by: str


class ReportEvidenceProvided(ReportEvent, routing_key="report.evidence_provided"):
    answers: dict[str, Any]
    changed_fields: list[str]
    evidence: dict[str, list[dict[str, Any]]]
    note: str
    provided_by: str
    provided_at: str


class ReportReturned(ReportEvent, routing_key="report.returned"):
    comment: str
    criterion_comments: dict[str, str]
    returned_by: str
    returned_at: str


class ReportVerified(ReportEventWithHeader, routing_key="report.verified"):
    catalog_version: str
    revision: int
    answers: dict[str, Any]
    self_assessed_answers: dict[str, Any]
    adjustments: list[dict[str, Any]]
    points_overrides: dict[str, str]
    verified_by: str
    verified_at: str
    # Inputs the reviewer recorded as having no data (field -> reason), scored as the catalog says for
    # a missing value; and where every value came from (unit, reviewer, which system and when).
    no_data: dict[str, str] = dataclasses.field(default_factory=dict)
    input_sources: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


class ReportScored(ReportEventWithHeader, routing_key="report.scored"):
    score_id: str
    catalog_version: str
    catalog_fingerprint: str
    inputs_hash: str
    total: str
    groups: dict[str, str]
    criteria: dict[str, Any]
    classification: dict[str, str]
    complete: bool
    scored_at: str


class ReportPublished(ReportEvent, routing_key="report.published"):
    unit_name_vi: str
    unit_type: str
    total: str
    classification: dict[str, str]
    rank: int | None
    ranking_scope: str
    stage: str
    snapshot_version: int
    published_at: str


class ReportReconsiderationAccepted(ReportEvent, routing_key="report.reconsideration_accepted"):
    """A reconsideration request (kiến nghị) on provisional results was accepted: the named
    criteria go back to review, and the report is scored again."""

    request_id: str
    criteria: list[str]
    reason: str
    answers: dict[str, str]
    accepted_by: str
    accepted_at: str
