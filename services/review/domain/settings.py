"""How a reviewer organisation works: whether a verification needs a second reviewer."""
from __future__ import annotations

import datetime as dt

from services.review.domain.audit import AuditEntry


class ReviewerSettings:
    def __init__(self, reviewer_unit_code: str, four_eyes: bool = False):
        self.reviewer_unit_code = reviewer_unit_code
        self.four_eyes = four_eyes
        self.updated_by: str | None = None
        self.updated_at: dt.datetime | None = None
        self.events: list = []
        self.recorded: list[AuditEntry] = []

    def set_four_eyes(self, on: bool, *, by: str, by_unit: str, now: dt.datetime) -> None:
        before = self.four_eyes
        self.four_eyes, self.updated_by, self.updated_at = on, by, now
        self.recorded.append(AuditEntry(
            reviewer_unit_code=self.reviewer_unit_code, action="four_eyes_changed", actor=by, actor_unit=by_unit,
            at=now, subject_version=getattr(self, "version", None) or 0, before=before, after=on))
