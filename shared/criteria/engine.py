"""Scoring engine: a unit's verified input values → points per criterion, group and total.

Pure: no I/O. The engine is lenient where the submission service is strict (README "Out-of-range
inputs"): a value outside its min/max only raises a warning and the derived ratio or score is clamped,
so a reviewer's figure always scores. Only a value that cannot be read as its type raises `InputError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import NamedTuple

from shared.criteria.catalog import ClassificationTier, Criterion, InputField, UnitTypeCatalog, canonical_json
from shared.criteria.ranking import classify
from shared.criteria.rules import Number, Outcome, RuleFunction, compile_rule, missing_input, reviewer_override

InputValue = bool | Number | str


class InputError(ValueError):
    """An input value that cannot be read as its declared type (a caller error, not a data warning)."""


class CriterionScore(NamedTuple):
    """One criterion's result. A named tuple, not a dataclass: tens of them are built per report."""

    code: str
    group: str
    kind: str
    points: Decimal | None  # None for info items; negative for deductions
    max_points: Decimal
    inputs_used: Mapping[str, InputValue | None]
    explanation_vi: str
    explanation_en: str
    adjusted: bool  # points set by a reviewer (points_override)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "group": self.group,
            "kind": self.kind,
            "points": None if self.points is None else str(self.points),
            "max_points": str(self.max_points),
            "inputs_used": {name: canonical_value(value) for name, value in self.inputs_used.items()},
            "explanation_vi": self.explanation_vi,
            "explanation_en": self.explanation_en,
            "adjusted": self.adjusted,
        }


class GroupScore(NamedTuple):
    code: str
    points: Decimal
    max_points: Decimal

    def to_dict(self) -> dict:
        return {"code": self.code, "points": str(self.points), "max_points": str(self.max_points)}


@dataclass(frozen=True)
class ScoreResult:
    catalog_version: str
    catalog_fingerprint: str
    unit_type: str
    criteria: tuple[CriterionScore, ...]
    groups: tuple[GroupScore, ...]
    total: Decimal
    warnings: tuple[str, ...]
    missing_required: tuple[str, ...]
    complete: bool
    classification: ClassificationTier
    inputs_hash: str

    def criterion(self, code: str) -> CriterionScore:
        return next(score for score in self.criteria if score.code == code)

    def group(self, code: str) -> GroupScore:
        return next(score for score in self.groups if score.code == code)

    def to_dict(self) -> dict:
        """JSON-ready: decimals as strings ("26.25"), None as null."""
        tier = self.classification
        return {
            "catalog_version": self.catalog_version,
            "catalog_fingerprint": self.catalog_fingerprint,
            "unit_type": self.unit_type,
            "criteria": [score.to_dict() for score in self.criteria],
            "groups": [score.to_dict() for score in self.groups],
            "total": str(self.total),
            "warnings": list(self.warnings),
            "missing_required": list(self.missing_required),
            "complete": self.complete,
            "classification": {"code": tier.code, "name_vi": tier.name_vi, "name_en": tier.name_en},
            "inputs_hash": self.inputs_hash,
        }


def score_report(unit_catalog: UnitTypeCatalog, inputs: Mapping[str, object], *,
                 only: Collection[str] | None = None,
                 points_override: Mapping[str, object] | None = None) -> ScoreResult:
    """Score one unit's verified `inputs` against its unit-type catalog.

    `only` restricts scoring to those criterion codes (groups and total then cover just them).
    `points_override` maps criterion codes to points a reviewer set directly (clamped to the
    criterion's range; the explanation records the adjustment and the formula's result).
    """
    plan = _plan_for(unit_catalog)
    if only is not None:
        plan = plan.subset(only)
    places = unit_catalog.decimal_places

    values: dict[str, InputValue | None] = {}
    missing: set[str] = set()
    warnings: set[str] = set()
    for field in plan.fields:
        raw = inputs.get(field.name)
        if raw is None:
            values[field.name] = field.default
            if field.default is None:
                missing.add(field.name)
            continue
        value = values[field.name] = field.read(raw)
        if field.min is not None and value < field.min:
            warnings.add(field.below_min_warning)
        elif field.max is not None and value > field.max:
            warnings.add(field.above_max_warning)

    overrides = _read_overrides(points_override, plan)
    missing_required: set[str] = set()
    criteria_scores = []
    zero = Decimal(0).scaleb(-places)
    group_sums = dict.fromkeys(plan.group_codes, zero)
    for step in plan.steps:
        if missing and not missing.isdisjoint(step.input_fields):
            outcome = _score_with_missing(step, values, missing, missing_required, places)
        else:
            outcome = step.score(values)
        if outcome.warnings:
            warnings.update(outcome.warnings)
        adjusted = step.code in overrides
        if adjusted:
            outcome = reviewer_override(overrides[step.code], step.min_points, step.max_points, outcome, places)
        points = outcome.points
        if points is not None:
            group_sums[step.group] += points
        criteria_scores.append(CriterionScore(
            step.code, step.group, step.kind, points, step.max_points,
            {name: values[name] for name in step.input_fields},
            outcome.explanation_vi, outcome.explanation_en, adjusted,
        ))

    # Deductions are negative criterion points: a group is floored at 0 and never exceeds its max.
    groups = tuple(
        GroupScore(code, min(max(group_sums[code], zero), plan.group_max[code]), plan.group_max[code])
        for code in plan.group_codes
    )
    total = sum((group.points for group in groups), zero)
    return ScoreResult(
        catalog_version=unit_catalog.catalog_version,
        catalog_fingerprint=unit_catalog.catalog_fingerprint,
        unit_type=unit_catalog.code,
        criteria=tuple(criteria_scores),
        groups=groups,
        total=total,
        warnings=tuple(sorted(warnings)),
        missing_required=tuple(sorted(missing_required)),
        complete=not missing_required,
        classification=classify(total, unit_catalog.classification),
        inputs_hash=inputs_hash(values),
    )


def _score_with_missing(step: _Step, values: Mapping[str, InputValue | None], missing: set[str],
                        missing_required: set[str], places: int) -> Outcome:
    """Record missing required inputs; a formula lacking a value scores 0 (README "Missing inputs")."""
    absent_required = [name for name in step.required_fields if name in missing]
    missing_required.update(absent_required)
    absent = [name for name in step.rule_fields if name in missing]
    if not absent:  # only an unused (info) input is missing
        return step.score(values)
    return missing_input(absent, required=any(name in absent_required for name in absent), scored=step.scored,
                         places=places)


def inputs_hash(values: Mapping[str, InputValue | None]) -> str:
    """sha256 of the canonical JSON of the values used (numbers as normalised decimal strings)."""
    canonical = {name: canonical_value(value) for name, value in values.items()}
    return hashlib.sha256(canonical_json(canonical).encode("utf-8")).hexdigest()


def canonical_value(value: InputValue | None) -> bool | str | None:
    """One JSON value per input value: 20, 20.0, "20.00" and Decimal("20") all become "20"."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return str(value)
    if not value:
        return "0"
    return format(value.normalize(), "f")


# --- compiled plan ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _FieldReader:
    """One input field with its coercion and range warnings prepared."""

    name: str
    read: Callable[[object], InputValue]
    default: InputValue | None
    min: Decimal | None
    max: Decimal | None
    below_min_warning: str
    above_max_warning: str


@dataclass(frozen=True, slots=True)
class _Step:
    """One criterion, ready to score."""

    code: str
    group: str
    kind: str
    max_points: Decimal
    min_points: Decimal
    scored: bool
    rule_fields: tuple[str, ...]
    input_fields: tuple[str, ...]
    required_fields: tuple[str, ...]
    score: RuleFunction


@dataclass(frozen=True)
class _Plan:
    steps: tuple[_Step, ...]
    fields: tuple[_FieldReader, ...]
    group_codes: tuple[str, ...]
    group_max: Mapping[str, Decimal]

    def subset(self, codes: Collection[str]) -> _Plan:
        unknown = set(codes) - {step.code for step in self.steps}
        if unknown:
            raise KeyError(f"unknown criterion codes: {', '.join(sorted(unknown))}")
        steps = tuple(step for step in self.steps if step.code in codes)
        names = {name for step in steps for name in step.input_fields}
        groups = {step.group for step in steps}
        return _Plan(steps, tuple(f for f in self.fields if f.name in names),
                     tuple(code for code in self.group_codes if code in groups), self.group_max)


# Compiled plans, keyed by catalog content (fingerprint) and unit type: catalogs are immutable.
_plans: dict[tuple[str, str], _Plan] = {}


def _plan_for(unit_catalog: UnitTypeCatalog) -> _Plan:
    key = (unit_catalog.catalog_fingerprint, unit_catalog.code)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _compile(unit_catalog)
    return plan


def _compile(unit_catalog: UnitTypeCatalog) -> _Plan:
    places = unit_catalog.decimal_places
    steps = tuple(_compile_criterion(criterion, places) for criterion in unit_catalog.criteria)
    fields = tuple(_compile_field(field) for field in unit_catalog.fields.values())
    return _Plan(steps, fields, tuple(g.code for g in unit_catalog.groups),
                 MappingProxyType({g.code: g.max_points for g in unit_catalog.groups}))


def _compile_criterion(criterion: Criterion, places: int) -> _Step:
    rule = criterion.rule
    min_points = -rule.max_deduction if rule.kind == "deduction" else Decimal(0)
    return _Step(
        code=criterion.code,
        group=criterion.group,
        kind=rule.kind,
        max_points=criterion.max_points,
        min_points=min_points,
        scored=rule.kind != "info",
        rule_fields=rule.fields,
        input_fields=tuple(field.field for field in criterion.inputs),
        required_fields=tuple(field.field for field in criterion.inputs if field.required),
        score=compile_rule(criterion, places),
    )


def _compile_field(field: InputField) -> _FieldReader:
    numeric = field.is_numeric
    return _FieldReader(
        name=field.field,
        read=_number_reader(field.field) if numeric else _READERS[field.type](field.field),
        default=field.default,
        min=field.min if numeric else None,
        max=field.max if numeric else None,
        below_min_warning=f"{field.field} below min",
        above_max_warning=f"{field.field} above max",
    )


def _number_reader(name: str) -> Callable[[object], Number]:
    def read(raw: object) -> Number:
        if type(raw) is int:
            return raw
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
            raise InputError(f"{name}: expected a number, got {raw!r}")
        if isinstance(raw, int):
            return int(raw)
        try:
            value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
        except InvalidOperation:
            raise InputError(f"{name}: {raw!r} is not a number") from None
        if not value.is_finite():
            raise InputError(f"{name}: {raw!r} is not a finite number")
        return value

    return read


def _bool_reader(name: str) -> Callable[[object], bool]:
    def read(raw: object) -> bool:
        if not isinstance(raw, bool):
            raise InputError(f"{name}: expected true or false, got {raw!r}")
        return raw

    return read


def _text_reader(name: str) -> Callable[[object], str]:
    def read(raw: object) -> str:
        if not isinstance(raw, str):
            raise InputError(f"{name}: expected text, got {raw!r}")
        return raw

    return read


_READERS = {"bool": _bool_reader, "text": _text_reader, "date": _text_reader}


def _read_overrides(points_override: Mapping[str, object] | None, plan: _Plan) -> dict[str, Decimal]:
    if not points_override:
        return {}
    steps = {step.code: step for step in plan.steps}
    overrides = {}
    for code, raw in points_override.items():
        step = steps.get(code)
        if step is None:
            raise KeyError(f"points_override: criterion {code} is not being scored")
        if not step.scored:
            raise ValueError(f"points_override: criterion {code} is information only and has no points")
        overrides[code] = _number_reader(f"points_override[{code}]")(raw)
    return overrides


