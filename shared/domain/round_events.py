"""The reporting round's published language: its states and every event about it.

The rounds package (hosted by submission) moves a round planned → open → closed and announces
each step; publication publishes it (`round.published`) and follows the round's states in the
same words. Partners bind to `round.*`. The payloads are in docs/asyncapi.yaml.
"""
from __future__ import annotations

import dataclasses
import enum
from typing import ClassVar

from shared.domain.events import RoundEvent


class RoundStatus(enum.StrEnum):
    """A round's lifecycle: planned → open → closed → published."""

    PLANNED = enum.auto()
    OPEN = enum.auto()
    CLOSED = enum.auto()
    PUBLISHED = enum.auto()


@dataclasses.dataclass(frozen=True)
class RoundPeriodEvent(RoundEvent):
    """A step of the round that names which round it is: its kind, year and (for a progress update) month."""

    kind: str
    year: int
    period_month: int | None


@dataclasses.dataclass(frozen=True)
class RoundOpened(RoundPeriodEvent):
    routing_key: ClassVar[str] = "round.opened"

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


@dataclasses.dataclass(frozen=True)
class RoundDeadlineApproaching(RoundEvent):
    """7 days and 1 day before a unit type's deadline: the units of that type not yet submitted."""

    routing_key: ClassVar[str] = "round.deadline_approaching"

    unit_type: str
    deadline: str
    days_left: int
    unit_codes: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class RoundClosed(RoundPeriodEvent):
    routing_key: ClassVar[str] = "round.closed"

    closed_at: str


@dataclasses.dataclass(frozen=True)
class RoundPublished(RoundEvent):
    """The province published the round in a stage (`provisional`, `final`, `correction`)."""

    routing_key: ClassVar[str] = "round.published"
    stage: str
    snapshot_version: int
    reports_published: int
    feedback_closes_at: str | None
    published_by: str
    published_at: str
