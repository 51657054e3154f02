"""What the rounds' use cases work with: one transaction holding the rounds, the unit registry, the
review models, and what the hosting service keeps of the reports of a round.

The reports are the host's (submission's): a round opens one draft per unit in scope, and reminders
and completeness read how far the units are. The host's unit of work gives them through
`RoundReports`, so the rounds never reach into its tables; the fast tests give fakes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol

from services.rounds.domain.review_models import ReviewerAssignment, ReviewModels
from services.rounds.domain.rounds import Round
from services.rounds.domain.units import Unit, UnitRegistry
from shared.domain.round_events import RoundStatus


@dataclasses.dataclass(frozen=True)
class Draft:
    """The report a unit starts a round with: its reviewer, its criteria and what carried over."""

    round_id: str
    unit: Unit
    reviewer: ReviewerAssignment
    catalog_version: str
    answers: Mapping[str, Any]


@dataclasses.dataclass(frozen=True)
class SubmittedAnswers:
    """A unit's last submitted answers in a round, under the catalog they were given for."""

    unit_type: str
    catalog_version: str
    answers: Mapping[str, Any]


@dataclasses.dataclass(frozen=True)
class ReportProgress:
    """Where a unit's report of a round stands, as completeness counts it."""

    unit_code: str
    unit_name_vi: str
    unit_type: str
    status: str
    submitted_at: dt.datetime | None


class RoundReports(Protocol):
    def submitted_unit_codes(self, round_id: str) -> list[str]:
        """The units of the round that have submitted at least once."""

    def last_submitted(self, round_ids: Sequence[str], unit_codes: Collection[str]) -> dict[str, SubmittedAnswers]:
        """Each unit's submitted answers in the latest of `round_ids` (oldest first) where it has some."""

    def progress(self, round_id: str, reviewer_unit_code: str | None = None) -> list[ReportProgress]:
        """Every report of the round (only those `reviewer_unit_code` reviews, if given), by unit code."""

    def reviewed_by(self, round_id: str, reviewer_unit_code: str, reviewer_kind: str) -> bool:
        """Whether that unit reviews some report of the round in that kind."""

    def add_draft(self, draft: Draft) -> None: ...


class RoundRepository(Protocol):
    seen: Collection[Round]

    def add(self, round_: Round) -> None: ...

    def get(self, round_id: str) -> Round | None: ...

    def list(self, *statuses: RoundStatus) -> list[Round]:
        """Newest first: by year, annual first, then by month."""


class UnitRepository(Protocol):
    def registry(self) -> UnitRegistry: ...

    def get(self, code: str) -> Unit | None: ...

    def save_all(self, registry: UnitRegistry) -> None: ...


class ReviewModelRepository(Protocol):
    def models(self) -> ReviewModels: ...

    def replace_all(self, models: ReviewModels) -> None: ...


class RoundsUnitOfWork(Protocol):
    rounds: RoundRepository
    units: UnitRepository
    review_models: ReviewModelRepository
    round_reports: RoundReports

    def __enter__(self) -> RoundsUnitOfWork: ...

    def __exit__(self, *args) -> None: ...

    def commit(self) -> Any: ...
