"""The report lifecycle, the one state machine every service agrees on.

draft → submitted → verified → scored → published, with two detours from `submitted`:
returned for revision (→ returned → draft) and evidence requested (→ evidence_requested
→ submitted). A re-score (a corrected catalog) moves a published report back to scored
until the next publication. A reconsideration request (kiến nghị) accepted after the
provisional results sends a verified, scored or published report back to review
(→ submitted). Each service drives only the transitions it owns and follows the rest
through events.
"""
from __future__ import annotations

import enum

from shared.domain.errors import Bilingual, IllegalStateChange


class ReportStatus(enum.StrEnum):
    DRAFT = enum.auto()
    SUBMITTED = enum.auto()
    RETURNED = enum.auto()
    EVIDENCE_REQUESTED = enum.auto()
    VERIFIED = enum.auto()
    SCORED = enum.auto()
    PUBLISHED = enum.auto()


ALLOWED_TRANSITIONS: dict[ReportStatus, frozenset[ReportStatus]] = {
    ReportStatus.DRAFT: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.SUBMITTED: frozenset(
        {ReportStatus.RETURNED, ReportStatus.EVIDENCE_REQUESTED, ReportStatus.VERIFIED}
    ),
    ReportStatus.RETURNED: frozenset({ReportStatus.DRAFT}),
    ReportStatus.EVIDENCE_REQUESTED: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.VERIFIED: frozenset({ReportStatus.SCORED, ReportStatus.SUBMITTED}),
    # A re-score under a corrected catalog keeps the report scored; after publication it makes
    # the report wait for the next publication.
    ReportStatus.SCORED: frozenset({ReportStatus.PUBLISHED, ReportStatus.SCORED, ReportStatus.SUBMITTED}),
    ReportStatus.PUBLISHED: frozenset({ReportStatus.SCORED, ReportStatus.SUBMITTED}),
}


# How people say where a report stands, and what was asked of it.
STATE_IN_WORDS = {
    ReportStatus.DRAFT: Bilingual("Báo cáo đang là bản nháp, chưa được nộp", "The report is still a draft"),
    ReportStatus.SUBMITTED: Bilingual("Báo cáo đã được nộp", "The report has been submitted"),
    ReportStatus.RETURNED: Bilingual("Báo cáo đã được trả lại để chỉnh sửa", "The report was returned for revision"),
    ReportStatus.EVIDENCE_REQUESTED: Bilingual("Báo cáo đang chờ đơn vị bổ sung minh chứng",
                                               "The report is waiting for the unit's evidence"),
    ReportStatus.VERIFIED: Bilingual("Báo cáo đã được thẩm định xong", "The report has been verified"),
    ReportStatus.SCORED: Bilingual("Báo cáo đã được tính điểm", "The report has been scored"),
    ReportStatus.PUBLISHED: Bilingual("Kết quả của báo cáo đã được công bố", "The report's result is published"),
}
ACTION_IN_WORDS = {
    ReportStatus.DRAFT: Bilingual("chỉnh sửa", "be edited"),
    ReportStatus.SUBMITTED: Bilingual("nộp", "be submitted"),
    ReportStatus.RETURNED: Bilingual("trả lại", "be returned"),
    ReportStatus.EVIDENCE_REQUESTED: Bilingual("yêu cầu bổ sung minh chứng", "get an evidence request"),
    ReportStatus.VERIFIED: Bilingual("xác nhận kết quả thẩm định", "be verified"),
    ReportStatus.SCORED: Bilingual("tính điểm", "be scored"),
    ReportStatus.PUBLISHED: Bilingual("công bố", "be published"),
}


class IllegalTransition(IllegalStateChange):
    """Raised when a report is asked to move to a state its current state cannot reach."""

    title = Bilingual("Báo cáo không ở trạng thái cho phép thao tác này", "Not allowed in the report's state")
    where = STATE_IN_WORDS
    action = ACTION_IN_WORDS

    def __init__(self, current: ReportStatus, requested: ReportStatus):
        super().__init__(ReportStatus(current), ReportStatus(requested))


def can_transition(current: ReportStatus, requested: ReportStatus) -> bool:
    return ReportStatus(requested) in ALLOWED_TRANSITIONS[ReportStatus(current)]


def transition(current: ReportStatus, requested: ReportStatus) -> ReportStatus:
    """Return the new state, or raise IllegalTransition naming both states."""
    if not can_transition(current, requested):
        raise IllegalTransition(current, requested)
    return ReportStatus(requested)
