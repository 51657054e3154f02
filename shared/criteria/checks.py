"""What makes a catalog valid: its files against `catalog_schema.json`, then what JSON Schema cannot
express (sums, tiers below their maximum, shared fields defined alike, rule inputs of the right type,
evaluation periods that are real days).

A failed check raises `CatalogError` naming the file, criterion and rule, so a bad catalog fails when
it is loaded, never while scoring.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

import jsonschema

from shared.criteria.model import (
    NUMERIC_TYPES,
    UNSCORED_KINDS,
    CatalogError,
    ClassificationTier,
    Criterion,
    InputField,
    PeriodBoundary,
    Tier,
    UnitTypeCatalog,
    decimal_of,
)

SCHEMA_PATH = Path(__file__).parent / "catalog_schema.json"

# --- schema ----------------------------------------------------------------------------------------------


@functools.cache
def validator(kind: str) -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    if kind == "manifest":
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/manifest"}
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def check_schema(data: object, validator: jsonschema.protocols.Validator, file: str) -> None:
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return
    path = list(error.absolute_path)
    criterion = rule = None
    if len(path) >= 4 and path[0] == "groups" and path[2] == "criteria":
        try:
            raw = data["groups"][path[1]]["criteria"][path[3]]
            criterion, rule = raw.get("code"), (raw.get("rule") or {}).get("kind")
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
    location = "/".join(str(part) for part in path) or "(top level)"
    raise CatalogError(f"{error.message} (at {location})", file=file, criterion=criterion, rule=rule)



# --- semantic checks ----------------------------------------------------------------------------------


def check_manifest(manifest: Mapping, classification: tuple[ClassificationTier, ...], file: str) -> None:
    mins = [tier.min for tier in classification]
    if mins != sorted(set(mins), reverse=True) or mins[-1] != 0:
        raise CatalogError("classification tiers must have strictly descending min, the last one 0",
                           file=file)
    if mins[0] > decimal_of(manifest["total_max_points"]):
        raise CatalogError("the top classification tier is above total_max_points", file=file)


def check_unit_type(unit: UnitTypeCatalog, raw: Mapping, manifest: Mapping, file: str) -> None:
    """Sums, unique codes, tie-breakers, and each criterion against the manifest and the other criteria."""
    def fail(message: str) -> NoReturn:
        raise CatalogError(message, file=file)

    if raw["version"] != manifest["version"]:
        fail(f"version {raw['version']!r} differs from the manifest's {manifest['version']!r}")
    if unit.code != file.removesuffix(".yaml"):
        fail(f"unit_type {unit.code!r} does not match the file name")
    if unit.total_max_points != decimal_of(manifest["total_max_points"]):
        fail(f"total_max_points {unit.total_max_points} differs from the manifest's {manifest['total_max_points']}")
    group_codes = [g.code for g in unit.groups]
    if len(set(group_codes)) != len(group_codes):
        fail("duplicate group code")
    group_sum = sum(g.max_points for g in unit.groups)
    if group_sum != unit.total_max_points:
        fail(f"group max_points sum to {group_sum}, not total_max_points {unit.total_max_points}")
    missing_tie_breakers = set(manifest["ranking"]["tie_breakers"]) - set(group_codes)
    if missing_tie_breakers:
        fail(f"ranking tie-breaker groups {sorted(missing_tie_breakers)} are not groups of this unit type")
    _check_period(unit.period_start, unit.period_end, fail)

    seen_codes: set[str] = set()
    field_definitions: dict[str, InputField] = {}
    for group in unit.groups:
        criteria_sum = sum(c.max_points for c in group.criteria)
        if criteria_sum != group.max_points:
            fail(f"group {group.code}: criteria max_points sum to {criteria_sum}, not {group.max_points}")
        for criterion in group.criteria:
            if criterion.code in seen_codes:
                fail(f"duplicate criterion code {criterion.code}")
            seen_codes.add(criterion.code)
            _check_criterion(criterion, manifest, field_definitions, file)


# A year without 29 February: a period boundary is a day of every year, or some year's round has no window.
_COMMON_YEAR = 2001


def _check_period(start: PeriodBoundary, end: PeriodBoundary, fail: Callable[[str], NoReturn]) -> None:
    for name, boundary in (("start", start), ("end", end)):
        try:
            date(_COMMON_YEAR, boundary.month, boundary.day)
        except ValueError:
            fail(f"evaluation_period {name} {boundary.day:02d}/{boundary.month:02d} is not a day of every year")
    if (end.year_offset, end.month, end.day) <= (start.year_offset, start.month, start.day):
        fail("evaluation_period does not end after it starts")


def _check_criterion(criterion: Criterion, manifest: Mapping, field_definitions: dict[str, InputField],
                     file: str) -> None:
    rule = criterion.rule

    def fail(message: str) -> NoReturn:
        raise CatalogError(message, file=file, criterion=criterion.code, rule=rule.kind)

    if not criterion.code.startswith(criterion.group + "."):
        fail(f"code does not belong to group {criterion.group}")
    if criterion.source not in manifest["sources"]:
        fail(f"source {criterion.source!r} is not defined in the manifest")
    if criterion.verifier not in manifest["verifiers"]:
        fail(f"verifier {criterion.verifier!r} is not defined in the manifest")

    inputs = {}
    for field in criterion.inputs:
        if field.field in inputs:
            fail(f"input {field.field!r} is declared twice")
        inputs[field.field] = field
        _check_input(field, fail)
        previous = field_definitions.setdefault(field.field, field)
        if previous != field:
            fail(f"shared field {field.field!r} is defined differently in another criterion")

    for name in rule.fields:
        if name not in inputs:
            fail(f"rule field {name!r} is not declared in inputs")
    if rule.fields:
        types = [inputs[name].type for name in rule.fields]
        expected_types = _RULE_INPUT_TYPES[rule.kind, "input" if rule.input else "ratio"]
        if any(t not in expected_types for t in types) or len(set(types)) > 1:
            fail(f"rule fields {list(rule.fields)} have types {types}; {rule.kind} needs one of "
                 f"{sorted(expected_types)}, the same for numerator and denominator")

    max_points = criterion.max_points
    if rule.kind in UNSCORED_KINDS:
        if max_points != 0:
            fail(f"a {rule.kind} criterion must have max_points 0, not {max_points}")
    elif max_points <= 0:
        fail("max_points must be above 0")

    if rule.kind == "tiered":
        _check_descending(rule.tiers, fail, "tiers")
        if rule.tiers[0].points != max_points:
            fail(f"top tier gives {rule.tiers[0].points}, not max_points {max_points}")
        if any(t.points > max_points for t in rule.tiers) or rule.else_points > max_points:
            fail("tier points above max_points")
    elif rule.kind == "ratio_threshold" and rule.steps:
        _check_descending(rule.steps, fail, "steps")
        if rule.steps[0].min >= rule.threshold:
            fail(f"steps must lie below the threshold {rule.threshold}")
        if any(s.points > max_points for s in rule.steps):
            fail("step points above max_points")
    elif rule.kind == "assessed":
        if inputs[rule.input].max != max_points:
            fail(f"assessed input max {inputs[rule.input].max} differs from max_points {max_points}")
        if any(level.points > max_points for level in rule.guidance):
            fail("guidance points above max_points")


# Which input types each rule kind (single input, or a numerator/denominator ratio) can read.
_RULE_INPUT_TYPES = {
    ("boolean", "input"): {"bool"},
    ("tiered", "input"): NUMERIC_TYPES,
    ("ratio", "input"): {"percent"},
    ("ratio", "ratio"): {"int", "decimal"},
    ("ratio_threshold", "input"): {"percent"},
    ("ratio_threshold", "ratio"): {"int", "decimal"},
    ("assessed", "input"): {"int", "decimal"},
    ("deduction", "input"): {"int"},
}


def _check_descending(tiers: tuple[Tier, ...], fail: Callable[[str], NoReturn], what: str) -> None:
    mins = [t.min for t in tiers]
    if mins != sorted(set(mins), reverse=True):
        fail(f"{what} must be listed by strictly descending min")


def _check_input(field: InputField, fail: Callable[[str], NoReturn]) -> None:
    if field.min is not None and field.max is not None and field.min > field.max:
        fail(f"input {field.field!r}: min {field.min} is above max {field.max}")
    values = [option.value for option in field.enum]
    if len(set(values)) != len(values):
        fail(f"input {field.field!r}: duplicate enum value")
    if field.default is None:
        return
    if field.required:
        fail(f"input {field.field!r}: a required input cannot have a default")
    default_ok = {
        "bool": isinstance(field.default, bool),
        "text": isinstance(field.default, str),
        "date": isinstance(field.default, str),
    }.get(field.type, isinstance(field.default, Decimal))
    if not default_ok:
        fail(f"input {field.field!r}: default {field.default!r} is not a {field.type}")
    if values and field.default not in values:
        fail(f"input {field.field!r}: default {field.default} is not an enum value")
