"""Loads the YAML seed (units, review models) into the domain objects.

Every problem is reported as a SeedFileError naming the file and the entry, e.g.
"hatinh-2021.yaml: units[41] (code '18070'): parent '999' does not exist".

A units file has three top-level keys:
- `active_from`: default start date for the units it declares;
- `units`: new units;
- `endings`: groups of {effective, basis, units: [{code, merged_into?, note?}]} that end
  units declared earlier (in this file or a previous one). Ending a unit is the only way
  to set `active_to`/`merged_into`, so history is written as dated changes.
Files are applied in the order given.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from services.rounds.domain.review_models import (
    InvalidReviewModel,
    ReviewerRule,
    ReviewingBody,
    ReviewModel,
    ReviewModels,
)
from services.rounds.domain.units import InvalidUnitRegistry, Unit, UnitRegistry, UnitType

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
HATINH_UNIT_FILES = (SEED_DIR / "units" / "hatinh-2021.yaml", SEED_DIR / "units" / "hatinh-2025.yaml")
REVIEW_MODELS_FILE = SEED_DIR / "review_models.yaml"

_UNIT_KEYS = {"code", "name_vi", "name_en", "unit_type", "parent_code", "active_from", "evaluated", "note"}
_ENDING_GROUP_KEYS = {"effective", "basis", "units"}
_ENDING_KEYS = {"code", "merged_into", "note"}
_MODEL_KEYS = {"id", "valid_from", "valid_to", "reviewing_body", "reviewers", "basis"}
_BODY_KEYS = {"code", "name_vi", "name_en"}


# libyaml's safe loader where PyYAML was built with it: a national registry (12,000 units) in about a
# second instead of half a minute.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SeedFileError(ValueError):
    pass


def load_unit_registry(paths: Sequence[Path] = HATINH_UNIT_FILES) -> UnitRegistry:
    units: dict[str, Unit] = {}
    origin: dict[str, str] = {}
    for path in paths:
        doc = _read(path, {"active_from", "units", "endings"})
        default_from = _date(doc, "active_from", path.name, required=False)
        for i, entry in enumerate(_list(doc, "units", path.name, required=False)):
            where = _where(path, f"units[{i}]", entry)
            unit = _unit(entry, default_from, where)
            if unit.code in units:
                raise SeedFileError(f"{where}: code already defined at {origin[unit.code]}")
            units[unit.code] = unit
            origin[unit.code] = where
        for g, group in enumerate(_list(doc, "endings", path.name, required=False)):
            group_where = f"{path.name}: endings[{g}]"
            _check_keys(group, _ENDING_GROUP_KEYS, group_where)
            effective = _date(group, "effective", group_where)
            _str(group, "basis", group_where)
            for j, entry in enumerate(_list(group, "units", group_where)):
                where = _where(path, f"endings[{g}].units[{j}]", entry)
                _end_unit(units, origin, entry, effective, where)
    try:
        return UnitRegistry(units.values())
    except InvalidUnitRegistry as error:
        raise SeedFileError(f"{origin.get(error.code, 'unit ' + repr(error.code))}: {error.problem}") from error


def load_review_models(path: Path = REVIEW_MODELS_FILE) -> ReviewModels:
    doc = _read(path, {"models"})
    models = []
    for i, entry in enumerate(_list(doc, "models", path.name)):
        where = f"{path.name}: models[{i}]" + (f" (id {entry.get('id')!r})" if isinstance(entry, dict) else "")
        models.append(_review_model(entry, where))
    try:
        return ReviewModels(models)
    except InvalidReviewModel as error:
        raise SeedFileError(f"{path.name}: {error}") from error


def _unit(entry: Any, default_from: date | None, where: str) -> Unit:
    _check_keys(entry, _UNIT_KEYS, where)
    active_from = _date(entry, "active_from", where, required=False) or default_from
    if active_from is None:
        raise SeedFileError(f"{where}: active_from is missing and the file sets no default")
    evaluated = entry.get("evaluated", True)
    if not isinstance(evaluated, bool):
        raise SeedFileError(f"{where}: evaluated must be true or false")
    try:
        return Unit(
            code=_str(entry, "code", where),
            name_vi=_str(entry, "name_vi", where),
            name_en=_str(entry, "name_en", where, required=False),
            unit_type=_unit_type(entry, where),
            parent_code=_str(entry, "parent_code", where, required=False),
            active_from=active_from,
            evaluated=evaluated,
            note=_str(entry, "note", where, required=False),
        )
    except InvalidUnitRegistry as error:
        raise SeedFileError(f"{where}: {error.problem}") from error


def _end_unit(units: dict[str, Unit], origin: dict[str, str], entry: Any, effective: date, where: str) -> None:
    _check_keys(entry, _ENDING_KEYS, where)
    code = _str(entry, "code", where)
    unit = units.get(code)
    if unit is None:
        raise SeedFileError(f"{where}: ends unit {code!r}, which no earlier entry declares")
    if unit.active_to is not None:
        raise SeedFileError(f"{where}: unit {code!r} already ended on {unit.active_to.isoformat()}")
    note = _str(entry, "note", where, required=False)
    try:
        units[code] = dataclasses.replace(
            unit,
            active_to=effective,
            merged_into=_str(entry, "merged_into", where, required=False),
            note="; ".join(n for n in (unit.note, note) if n) or None,
        )
    except InvalidUnitRegistry as error:
        raise SeedFileError(f"{where}: {error.problem}") from error
    origin[code] = f"{origin[code]}, ended by {where}"


def _review_model(entry: Any, where: str) -> ReviewModel:
    _check_keys(entry, _MODEL_KEYS, where)
    body = entry.get("reviewing_body")
    _check_keys(body, _BODY_KEYS, f"{where}.reviewing_body")
    reviewers = entry.get("reviewers")
    if not isinstance(reviewers, dict) or not reviewers:
        raise SeedFileError(f"{where}: reviewers must map unit types to reviewer rules")
    try:
        rules = {UnitType(t): ReviewerRule(r) for t, r in reviewers.items()}
    except ValueError as error:
        raise SeedFileError(
            f"{where}.reviewers: {error} (unit types: {[t.value for t in UnitType]}; "
            f"rules: {[r.value for r in ReviewerRule]})"
        ) from error
    try:
        return ReviewModel(
            id=_str(entry, "id", where),
            valid_from=_date(entry, "valid_from", where),
            valid_to=_date(entry, "valid_to", where, required=False),
            reviewing_body=ReviewingBody(
                code=_str(body, "code", f"{where}.reviewing_body"),
                name_vi=_str(body, "name_vi", f"{where}.reviewing_body"),
                name_en=_str(body, "name_en", f"{where}.reviewing_body"),
            ),
            rules=rules,
            basis=_str(entry, "basis", where, required=False) or "",
        )
    except InvalidReviewModel as error:
        raise SeedFileError(f"{where}: {error}") from error


def _read(path: Path, allowed: set[str]) -> dict[str, Any]:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as error:
        raise SeedFileError(f"{path}: cannot read: {error}") from error
    _check_keys(doc, allowed, path.name)
    return doc


def _where(path: Path, position: str, entry: Any) -> str:
    code = entry.get("code") if isinstance(entry, dict) else None
    return f"{path.name}: {position}" + (f" (code {code!r})" if code is not None else "")


def _check_keys(entry: Any, allowed: set[str], where: str) -> None:
    if not isinstance(entry, dict):
        raise SeedFileError(f"{where}: expected a mapping, got {type(entry).__name__}")
    unknown = set(entry) - allowed
    if unknown:
        raise SeedFileError(f"{where}: unknown keys {sorted(map(str, unknown))}; allowed: {sorted(allowed)}")


def _checked(entry: dict[str, Any], key: str, where: str, required: bool, is_valid: Callable[[Any], bool],
             expected: str) -> Any:
    """`entry[key]` if `is_valid` says so (None when it is absent and not required); else SeedFileError."""
    value = entry.get(key)
    if value is None and not required:
        return None
    if not is_valid(value):
        raise SeedFileError(f"{where}: {key} must be {expected}, got {value!r}")
    return value


def _list(entry: dict[str, Any], key: str, where: str, required: bool = True) -> list[Any]:
    value = _checked(entry, key, where, required, lambda value: isinstance(value, list), "a list")
    return [] if value is None else value


def _str(entry: dict[str, Any], key: str, where: str, required: bool = True) -> Any:
    # Unquoted numeric codes would arrive as ints and lose leading zeros elsewhere.
    return _checked(entry, key, where, required, lambda value: isinstance(value, str) and bool(value.strip()),
                    "a non-empty string (quote numeric codes)")


def _date(entry: dict[str, Any], key: str, where: str, required: bool = True) -> Any:
    return _checked(entry, key, where, required,
                    lambda value: isinstance(value, date) and not isinstance(value, datetime),
                    "a date written YYYY-MM-DD")


def _unit_type(entry: dict[str, Any], where: str) -> UnitType:
    value = entry.get("unit_type")
    try:
        return UnitType(value)
    except ValueError:
        raise SeedFileError(
            f"{where}: unit_type {value!r} is not one of {[t.value for t in UnitType]}"
        ) from None
