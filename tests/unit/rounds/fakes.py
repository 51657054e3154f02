"""In-memory stand-ins for what the rounds' use cases work with (service_layer/unit_of_work.py): the
rounds, the registry, the review models and the host's reports of a round."""
from __future__ import annotations

import datetime as dt

from services.rounds.domain.rounds import Round
from services.rounds.domain.units import UnitRegistry
from services.rounds.service_layer.unit_of_work import Draft, ReportProgress, SubmittedAnswers
from shared.domain.round_events import RoundStatus
from tests.support.fakes import FakeRepository, FakeUnitOfWork


class FakeRounds(FakeRepository[Round]):
    def __init__(self):
        super().__init__(lambda round_: round_.id)

    def list(self, *statuses: RoundStatus) -> list[Round]:
        found = self.where(lambda round_: not statuses or round_.status in statuses)
        return sorted(found, key=lambda round_: (-round_.year, round_.kind.value, round_.period_month or 0))


class FakeUnits:
    def __init__(self, registry: UnitRegistry):
        self._registry = registry

    def registry(self) -> UnitRegistry:
        return self._registry

    def get(self, code: str):
        return self._registry.get(code) if code in self._registry else None

    def save_all(self, registry: UnitRegistry) -> None:
        self._registry = registry


class FakeReviewModels:
    def __init__(self, models):
        self._models = models

    def models(self):
        return self._models

    def replace_all(self, models) -> None:
        self._models = models


class FakeRoundReports:
    """The host's reports: the drafts added, and who submitted what (set by the test)."""

    def __init__(self):
        self.drafts: list[Draft] = []
        self.submitted: dict[str, dict[str, SubmittedAnswers]] = {}  # round → unit → answers
        self.statuses: dict[str, str] = {}  # unit → report status, in the open round
        self.submitted_at = dt.datetime(2026, 1, 10, tzinfo=dt.timezone.utc)

    def add_draft(self, draft: Draft) -> None:
        self.drafts.append(draft)

    def submitted_unit_codes(self, round_id):
        return sorted(self.submitted.get(round_id, {}))

    def last_submitted(self, round_ids, unit_codes):
        return {code: answers for round_id in round_ids
                for code, answers in self.submitted.get(round_id, {}).items() if code in unit_codes}

    def progress(self, round_id, reviewer_unit_code=None):
        return [ReportProgress(draft.unit.code, draft.unit.name_vi, draft.unit.unit_type.value,
                               self.statuses.get(draft.unit.code, "draft"),
                               self.submitted_at if draft.unit.code in self.submitted.get(round_id, {}) else None)
                for draft in self.drafts if draft.round_id == round_id
                and reviewer_unit_code in (None, draft.reviewer.reviewer_unit_code)]

    def reviewed_by(self, round_id, reviewer_unit_code, reviewer_kind):
        return any(draft.round_id == round_id and draft.reviewer.reviewer_unit_code == reviewer_unit_code
                   and draft.reviewer.reviewer_kind.value == reviewer_kind for draft in self.drafts)


class FakeRoundsUnitOfWork(FakeUnitOfWork):
    def __init__(self, registry: UnitRegistry, models):
        super().__init__()
        self.rounds = FakeRounds()
        self.units = FakeUnits(registry)
        self.review_models = FakeReviewModels(models)
        self.round_reports = FakeRoundReports()

    def _seen_aggregates(self) -> list:
        return [*self.rounds.seen]
