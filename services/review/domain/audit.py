"""The audit trail: one immutable entry per action, never changed once written."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any


@dataclasses.dataclass(frozen=True)
class AuditEntry:
    """Who did what, when, to which report (and criterion), from what to what, and why.

    `subject_version` is the version of the case (or setting) the actor acted on, so the
    entries "since version N" are exactly what changed after someone read version N.
    """

    reviewer_unit_code: str
    action: str
    actor: str
    actor_unit: str
    at: dt.datetime
    subject_version: int
    report_id: str | None = None
    revision: int | None = None
    criterion: str | None = None
    before: Any = None
    after: Any = None
    reason: str = ""
