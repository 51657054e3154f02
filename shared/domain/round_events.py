"""The reporting round's published language: its states and every event about it.

The rounds package (hosted by submission) moves a round planned → open → closed and announces
each step; publication publishes it (`round.published`) and follows the round's states in the
same words. Partners bind to `round.*`. The payloads are in docs/asyncapi.yaml.
"""
from __future__ import annotations

import enum

from shared.domain.events import RoundEvent


class RoundStatus(enum.StrEnum):
    """A round's lifecycle: planned → open → closed → published."""

    PLANNED = enum.auto()
    OPEN = enum.auto()
    CLOSED = enum.auto()
    PUBLISHED = enum.auto()


class RoundPeriodEvent(RoundEvent):
    """A step of the round that names which round it is: its kind, year and (for a progress update) month."""

    kind: str
    year: int
    period_month: int | None


class RoundOpened(RoundPeriodEvent, routing_key="round.opened"):
    catalog_versions: dict[str, str]
    windows: dict[str, dict[str, str]]
    unit_codes: tuple[str, ...]
    # Each unit in scope with its type and reviewer: publication knows which results to expect.
    units: tuple[dict[str, str], ...]
    opened_at: str
    # When districts consolidate their communes' results, the date they report them by.
    commune_results_due: str | None
    reporting_districts: tuple[str, ...]
    # The reviewing department of the round's review model: the only department reviewer of the round.
    reviewing_body: str


class RoundDeadlineApproaching(RoundEvent, routing_key="round.deadline_approaching"):
    """7 days and 1 day before a unit type's deadline: the units of that type not yet submitted."""

    unit_type: str
    deadline: str
    days_left: int
    unit_codes: tuple[str, ...]


class RoundClosed(RoundPeriodEvent, routing_key="round.closed"):
    closed_at: str


class RoundPublished(RoundEvent, routing_key="round.published"):
    """The province published the round in a stage (`provisional`, `final`, `correction`)."""

    stage: str
    snapshot_version: int
    reports_published: int
    feedback_closes_at: str | None
    published_by: str
    published_at: str
