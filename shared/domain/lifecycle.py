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


class ReportStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    EVIDENCE_REQUESTED = "evidence_requested"
    VERIFIED = "verified"
    SCORED = "scored"
    PUBLISHED = "published"


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


class IllegalTransition(Exception):
    """Raised when a report is asked to move to a state its current state cannot reach."""

    def __init__(self, current: ReportStatus, requested: ReportStatus):
        self.current = ReportStatus(current)
        self.requested = ReportStatus(requested)
        super().__init__(
            f"a report in state '{self.current.value}' cannot move to '{self.requested.value}'"
        )


def can_transition(current: ReportStatus, requested: ReportStatus) -> bool:
    return ReportStatus(requested) in ALLOWED_TRANSITIONS[ReportStatus(current)]


def transition(current: ReportStatus, requested: ReportStatus) -> ReportStatus:
    """Return the new state, or raise IllegalTransition naming both states."""
    if not can_transition(current, requested):
        raise IllegalTransition(current, requested)
    return ReportStatus(requested)
