"""Scoring engine: a unit's verified input values → points per criterion, group and total.

Pure: no I/O. The engine is lenient where the submission service is strict (README "Out-of-range
inputs"): a value outside its min/max only raises a warning and the derived ratio or score is clamped,
so a reviewer's figure always scores. Only a value that cannot be read as its type raises `InputError`.

A unit-type catalog is compiled once into a plan (field readers and rule closures) and reused for
every report: scoring a province's ~12,000 reports is a hot loop.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import NamedTuple

from shared.criteria.model import CatalogIdentity, ClassificationTier, Criterion, InputField, UnitTypeCatalog
from shared.criteria.ranking import classify
from shared.criteria.rules import Number, Outcome, RuleFunction, compile_rule, missing_input, reviewer_override
from shared.criteria.wording import Explanation, word

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
    input_fields: tuple[str, ...]  # the criterion's inputs; their values are in ScoreResult.inputs
    explanation: Explanation
    adjusted: bool  # points set by a reviewer (points_override)

    @property
    def explanation_vi(self) -> str:
        return word(self.explanation, "vi")

    @property
    def explanation_en(self) -> str:
        return word(self.explanation, "en")

    def to_dict(self, inputs: Mapping[str, InputValue | None]) -> dict:
        return {
            "code": self.code,
            "group": self.group,
            "kind": self.kind,
            "points": None if self.points is None else str(self.points),
            "max_points": str(self.max_points),
            "inputs_used": {name: canonical_value(inputs[name]) for name in self.input_fields},
            "explanation_vi": self.explanation_vi,
            "explanation_en": self.explanation_en,
            "adjusted": self.adjusted,
        }


class GroupScore(NamedTuple):
    code: str
    points: Decimal  # max(0, scored − deductions), never above max_points
    max_points: Decimal

    def to_dict(self) -> dict:
        return {"code": self.code, "points": str(self.points), "max_points": str(self.max_points)}


@dataclass(frozen=True)
class ScoreResult:
    catalog: CatalogIdentity  # the catalog it was scored under
    unit_type: str
    criteria: tuple[CriterionScore, ...]
    groups: tuple[GroupScore, ...]
    total: Decimal
    inputs: Mapping[str, InputValue | None]  # every value used (defaults applied; None when missing)
    warnings: tuple[str, ...]
    missing_required: tuple[str, ...]
    complete: bool  # no required input is missing: the submission can be finalised
    classification: ClassificationTier
    inputs_hash: str

    def criterion(self, code: str) -> CriterionScore:
        return next(score for score in self.criteria if score.code == code)

    def group(self, code: str) -> GroupScore:
        return next(score for score in self.groups if score.code == code)

    def inputs_used(self, code: str) -> Mapping[str, InputValue | None]:
        """The values criterion `code` was scored from."""
        return {name: self.inputs[name] for name in self.criterion(code).input_fields}

    def to_dict(self) -> dict:
        """JSON-ready: decimals as strings ("26.25"), explanations worded in both languages."""
        tier = self.classification
        return {
            "catalog_version": self.catalog.version,
            "catalog_fingerprint": self.catalog.fingerprint,
            "unit_type": self.unit_type,
            "criteria": [score.to_dict(self.inputs) for score in self.criteria],
            "groups": [score.to_dict() for score in self.groups],
            "total": str(self.total),
            "warnings": list(self.warnings),
            "missing_required": list(self.missing_required),
            "complete": self.complete,
            "classification": {"code": tier.code, "name_vi": tier.name.vi, "name_en": tier.name.en},
            "inputs_hash": self.inputs_hash,
        }


def score_report(unit_catalog: UnitTypeCatalog, inputs: Mapping[str, object], *,
                 only: Collection[str] | None = None,
                 points_override: Mapping[str, object] | None = None) -> ScoreResult:
    """Score one unit's verified `inputs` (JSON-like values) against its unit-type catalog.

    `only` restricts scoring to those criterion codes (groups and total then cover just them).
    `points_override` maps criterion codes to points a reviewer set directly (clamped to the
    criterion's range; the explanation records the adjustment and the formula's result).
    """
    plan = _plan_for(unit_catalog)
    if only is not None:
        plan = plan.subset(only)
    places = unit_catalog.decimal_places

    values: dict[str, InputValue | None] = {}
    json_members: list[str] = []  # canonical JSON of `values`, built in the same pass (fields sorted by name)
    add_json = json_members.append
    missing: set[str] = set()
    warnings: set[str] = set()
    for name, json_key, numeric, read, default, default_json, low, high, below_min, above_max in plan.fields:
        raw = inputs.get(name)
        if raw is None:
            values[name] = default
            add_json(json_key + default_json)
            if default is None:
                missing.add(name)
            continue
        if numeric and type(raw) is int:  # the common case, read inline
            value = values[name] = raw
            add_json(f'{json_key}"{raw}"')
        else:
            value = values[name] = read(raw)
            add_json(json_key + _json_value(value))
        if low is not None and value < low:
            warnings.add(below_min)
        elif high is not None and value > high:
            warnings.add(above_max)

    overrides = _read_overrides(points_override, plan)
    missing_required: set[str] = set()
    criteria_scores: list[CriterionScore] = []
    add_score = criteria_scores.append
    new_tuple = tuple.__new__
    zero = Decimal(0).scaleb(-places)
    group_sums = {code: zero for code, _ in plan.groups}
    for step in plan.steps:
        code, group, kind, max_points, min_points, _, rule_fields, input_fields, _, score = step
        if missing and not missing.isdisjoint(input_fields):
            outcome = _score_with_missing(step, values, missing, missing_required, places)
        else:
            outcome = score(values)
        adjusted = bool(overrides) and code in overrides
        if adjusted:
            outcome = reviewer_override(overrides[code], min_points, max_points, outcome, places)
        points, explanation, rule_warnings = outcome
        if rule_warnings:
            warnings.update(rule_warnings)
        if points is not None:
            group_sums[group] += points
        # Named tuples built without their Python-level __new__: it would cost more than the rule itself.
        add_score(new_tuple(CriterionScore, (code, group, kind, points, max_points, input_fields, explanation,
                                             adjusted)))

    # Deductions are negative criterion points: a group is floored at 0 and never exceeds its max.
    groups = tuple([new_tuple(GroupScore, (code, min(max(group_sums[code], zero), group_max), group_max))
                    for code, group_max in plan.groups])
    total = sum((group.points for group in groups), zero)
    return ScoreResult(
        catalog=unit_catalog.catalog,
        unit_type=unit_catalog.code,
        criteria=tuple(criteria_scores),
        groups=groups,
        total=total,
        inputs=MappingProxyType(values),
        warnings=tuple(sorted(warnings)),
        missing_required=tuple(sorted(missing_required)),
        complete=not missing_required,
        classification=classify(total, unit_catalog.classification),
        inputs_hash=_sha256_of_members(json_members),
    )


def inputs_hash(values: Mapping[str, InputValue | None]) -> str:
    """sha256 of the canonical JSON of the values used: `canonical_json({name: canonical_value(v)})`.

    Assembled directly (sorted keys, no spaces, UTF-8) rather than through `json`, which costs more
    than scoring the report; a test checks both give the same text.
    """
    return _sha256_of_members([_json_key(name) + _json_value(values[name]) for name in sorted(values)])


def _sha256_of_members(members: list[str]) -> str:
    return hashlib.sha256(("{" + ",".join(members) + "}").encode("utf-8")).hexdigest()


def canonical_value(value: InputValue | None) -> bool | str | None:
    """One JSON value per input value: 20, 20.0, "20.00" and Decimal("20") all become "20"."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return str(value)
    return _canonical_decimal(value)


def _canonical_decimal(value: Decimal) -> str:
    text = str(value)
    if "E" in text:
        text = format(value.normalize(), "f")
    elif "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _json_key(name: str) -> str:
    return json.dumps(name, ensure_ascii=False) + ":"


def _json_value(value: InputValue | None) -> str:
    kind = type(value)
    if kind is int:
        return f'"{value}"'
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is str:
        return json.dumps(value, ensure_ascii=False)
    return f'"{_canonical_decimal(value)}"'  # digits, "." and "-": nothing to escape


def _score_with_missing(step: _Step, values: Mapping[str, InputValue | None], missing: set[str],
                        missing_required: set[str], places: int) -> Outcome:
    """Record missing required inputs; a formula lacking a value scores 0 (README "Missing inputs")."""
    absent_required = [name for name in step.required_fields if name in missing]
    missing_required.update(absent_required)
    absent = [name for name in step.rule_fields if name in missing]
    if not absent:  # only an input the formula does not read (an info item's) is missing
        return step.score(values)
    return missing_input(absent, required=any(name in absent_required for name in absent), scored=step.scored,
                         places=places)


# --- compiled plan ---------------------------------------------------------------------------------------


class _FieldReader(NamedTuple):
    """One input field with its coercion and range warnings prepared (unpacked in the hot loop)."""

    name: str
    json_key: str  # '"name":'
    numeric: bool
    read: Callable[[object], InputValue]
    default: InputValue | None
    default_json: str
    min: Number | None
    max: Number | None
    below_min_warning: str
    above_max_warning: str


class _Step(NamedTuple):
    """One criterion, ready to score (unpacked in the hot loop)."""

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
    fields: tuple[_FieldReader, ...]  # sorted by name, as the canonical JSON of the inputs is
    groups: tuple[tuple[str, Decimal], ...]  # (code, max_points)

    def subset(self, codes: Collection[str]) -> _Plan:
        unknown = set(codes) - {step.code for step in self.steps}
        if unknown:
            raise KeyError(f"unknown criterion codes: {', '.join(sorted(unknown))}")
        steps = tuple(step for step in self.steps if step.code in codes)
        names = {name for step in steps for name in step.input_fields}
        touched = {step.group for step in steps}
        return _Plan(steps, tuple(f for f in self.fields if f.name in names),
                     tuple(group for group in self.groups if group[0] in touched))


# Compiled plans, keyed by catalog content (fingerprint) and unit type: catalogs are immutable.
_plans: dict[tuple[str, str], _Plan] = {}


def _plan_for(unit_catalog: UnitTypeCatalog) -> _Plan:
    key = (unit_catalog.catalog.fingerprint, unit_catalog.code)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _compile(unit_catalog)
    return plan


def _compile(unit_catalog: UnitTypeCatalog) -> _Plan:
    places = unit_catalog.decimal_places
    steps = tuple(_compile_criterion(criterion, places) for criterion in unit_catalog.criteria)
    fields = tuple(_compile_field(unit_catalog.fields[name]) for name in sorted(unit_catalog.fields))
    return _Plan(steps, fields, tuple((g.code, g.max_points) for g in unit_catalog.groups))


def _compile_criterion(criterion: Criterion, places: int) -> _Step:
    rule = criterion.rule
    return _Step(
        code=criterion.code,
        group=criterion.group,
        kind=rule.kind,
        max_points=criterion.max_points,
        min_points=criterion.min_points,
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
        json_key=_json_key(field.field),
        numeric=numeric,
        read=_number_reader(field.field) if numeric else _READERS[field.type](field.field),
        default=field.default,
        default_json=_json_value(field.default),
        min=_int_if_whole(field.min) if numeric else None,
        max=_int_if_whole(field.max) if numeric else None,
        below_min_warning=f"{field.field} below min",
        above_max_warning=f"{field.field} above max",
    )


def _int_if_whole(bound: Decimal | None) -> Number | None:
    # int bounds compare with int values much faster than Decimal ones do.
    return int(bound) if bound is not None and bound == bound.to_integral_value() else bound


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


def _read_overrides(points_override: Mapping[str, object] | None, plan: _Plan) -> dict[str, Number]:
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
