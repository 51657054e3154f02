"""Who reviews whom, as dated configuration rather than code.

The 2021 decision gives the Department of Information and Communications (STTTT) the
review of departments, central agencies and districts, and each district the review of
its own communes. The role moved to the Department of Science and Technology (SKHCN) on
1 March 2025, and on 1 July 2025 districts were abolished, so communes are reviewed by
the province's reviewing department directly. Each arrangement is one `ReviewModel`
with a half-open validity [valid_from, valid_to).
"""
from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

from services.rounds.domain.units import Unit, UnitRegistry, UnitType
from shared.domain.errors import Bilingual, Conflict


class ReviewerRule(enum.StrEnum):
    REVIEWING_BODY = enum.auto()
    PARENT_DISTRICT = enum.auto()


class ReviewerKind(enum.StrEnum):
    DEPARTMENT = enum.auto()
    DISTRICT = enum.auto()


class ResultsFlow(enum.StrEnum):
    # The district reviews its communes, publishes their results and reports them to the
    # province before 15 Nov.
    DISTRICT_CONSOLIDATION = enum.auto()
    # The reviewing department reviews and the province publishes; no intermediate step.
    DIRECT = enum.auto()


class InvalidReviewModel(ValueError):
    pass


class NoReviewer(Conflict, LookupError):
    """No reviewer can be assigned: the registry or the review models need fixing first."""

    title = Bilingual("Chưa xác định được cơ quan thẩm định", "No reviewer")

    def __init__(self, en: str):
        super().__init__(Bilingual(f"Không xác định được cơ quan thẩm định ({en}); hãy kiểm tra danh mục đơn vị "
                                   "và mô hình thẩm định", en))


@dataclasses.dataclass(frozen=True)
class ReviewingBody:
    code: str
    name_vi: str
    name_en: str


@dataclasses.dataclass(frozen=True)
class ReviewerAssignment:
    reviewer_unit_code: str
    reviewer_name_vi: str
    reviewer_kind: ReviewerKind


@dataclasses.dataclass(frozen=True)
class ReviewModel:
    id: str
    valid_from: date
    valid_to: date | None
    reviewing_body: ReviewingBody
    rules: Mapping[UnitType, ReviewerRule]
    basis: str = ""

    def __post_init__(self) -> None:
        rules = {UnitType(t): ReviewerRule(r) for t, r in self.rules.items()}
        object.__setattr__(self, "rules", MappingProxyType(rules))
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise InvalidReviewModel(f"model {self.id!r}: valid_to must be after valid_from")
        if UnitType.PROVINCE in rules:
            raise InvalidReviewModel(f"model {self.id!r}: the province is never reviewed")
        for unit_type, rule in rules.items():
            if rule is ReviewerRule.PARENT_DISTRICT and unit_type is not UnitType.COMMUNE:
                raise InvalidReviewModel(
                    f"model {self.id!r}: only communes can be reviewed by their district"
                )

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)

    def results_flow(self, unit_type: UnitType) -> ResultsFlow:
        """District consolidation only where a district does the reviewing."""
        if self.rules.get(UnitType(unit_type)) is ReviewerRule.PARENT_DISTRICT:
            return ResultsFlow.DISTRICT_CONSOLIDATION
        return ResultsFlow.DIRECT


class ReviewModels:
    """The review models over time; they may leave gaps but never overlap."""

    def __init__(self, models: Iterable[ReviewModel]):
        self._models = tuple(sorted(models, key=lambda m: m.valid_from))
        ids = [m.id for m in self._models]
        if len(set(ids)) != len(ids):
            raise InvalidReviewModel("review model ids must be unique")
        for earlier, later in zip(self._models, self._models[1:], strict=False):
            if earlier.valid_to is None or earlier.valid_to > later.valid_from:
                raise InvalidReviewModel(f"models {earlier.id!r} and {later.id!r} overlap")

    @property
    def models(self) -> tuple[ReviewModel, ...]:
        return self._models

    def for_date(self, on: date) -> ReviewModel:
        for model in self._models:
            if model.covers(on):
                return model
        raise NoReviewer(f"no review model is in force on {on.isoformat()}")

    def reviewer_for(self, unit: Unit, registry: UnitRegistry, on: date) -> ReviewerAssignment:
        if not unit.evaluated:
            raise NoReviewer(f"unit {unit.code!r} is not evaluated, so it has no reviewer")
        model = self.for_date(on)
        rule = model.rules.get(unit.unit_type)
        if rule is None:
            raise NoReviewer(
                f"model {model.id!r} has no reviewer for {unit.unit_type.value} units "
                f"(unit {unit.code!r} on {on.isoformat()})"
            )
        if rule is ReviewerRule.PARENT_DISTRICT:
            return _parent_district(unit, registry, model, on)
        body = model.reviewing_body
        if body.code not in registry or not registry.get(body.code).is_active_on(on):
            raise NoReviewer(
                f"reviewing body {body.code!r} of model {model.id!r} is not an active unit "
                f"on {on.isoformat()}"
            )
        return ReviewerAssignment(body.code, body.name_vi, ReviewerKind.DEPARTMENT)


def _parent_district(unit: Unit, registry: UnitRegistry, model: ReviewModel, on: date) -> ReviewerAssignment:
    parent = registry.get(unit.parent_code) if unit.parent_code else None
    if parent is None or parent.unit_type is not UnitType.DISTRICT or not parent.is_active_on(on):
        raise NoReviewer(
            f"model {model.id!r} has communes reviewed by their district, but {unit.code!r} "
            f"has no active district on {on.isoformat()}"
        )
    return ReviewerAssignment(parent.code, parent.name_vi, ReviewerKind.DISTRICT)
