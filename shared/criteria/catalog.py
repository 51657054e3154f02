"""The criteria catalog: immutable data model and loader.

A catalog version lives in ``catalogs/<version>/``: a manifest ``catalog.yaml`` and one file per unit
type. Every file is checked against ``catalog_schema.json`` and then semantically (sums, tiers, shared
fields, ...) so that a bad catalog fails on load with a `CatalogError`, never while scoring.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import NoReturn

import jsonschema
import yaml

CATALOGS_DIR = Path(__file__).parent / "catalogs"
SCHEMA_PATH = Path(__file__).parent / "catalog_schema.json"
MANIFEST_FILE = "catalog.yaml"
RELEASED_FILE = "released.yaml"

INPUT_TYPES = ("bool", "int", "decimal", "percent", "text", "date")
NUMERIC_TYPES = frozenset({"int", "decimal", "percent"})
UNSCORED_KINDS = frozenset({"deduction", "info"})


class CatalogError(ValueError):
    """A catalog file is missing, malformed or inconsistent; the message names file, criterion and rule."""

    def __init__(self, message: str, *, file: str | None = None, criterion: str | None = None,
                 rule: str | None = None) -> None:
        self.file, self.criterion, self.rule = file, criterion, rule
        where = [file, f"criterion {criterion}" if criterion else None, f"rule {rule}" if rule else None]
        super().__init__(": ".join([part for part in where if part] + [message]))


@dataclass(frozen=True)
class Bilingual:
    vi: str
    en: str


@dataclass(frozen=True)
class EnumOption:
    value: int
    label_vi: str
    label_en: str


@dataclass(frozen=True)
class InputField:
    field: str
    type: str
    label_vi: str
    label_en: str
    required: bool
    unit: Bilingual | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    default: bool | Decimal | str | None = None
    enum: tuple[EnumOption, ...] = ()

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True)
class Evidence:
    required: bool
    description_vi: str
    description_en: str


@dataclass(frozen=True)
class Tier:
    """A tier of a `tiered` rule or a step of a `stepped` ratio: `points` when value >= `min`."""

    min: Decimal
    points: Decimal


@dataclass(frozen=True)
class GuidanceLevel:
    points: Decimal
    label_vi: str
    label_en: str


@dataclass(frozen=True)
class Rule:
    """How a criterion turns its inputs into points; which attributes are set depends on `kind`."""

    kind: str
    input: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    on_zero_denominator: str | None = None
    threshold: Decimal | None = None
    below: str | None = None
    tiers: tuple[Tier, ...] = ()
    steps: tuple[Tier, ...] = ()
    else_points: Decimal | None = None
    points_per_unit: Decimal | None = None
    max_deduction: Decimal | None = None
    guidance: tuple[GuidanceLevel, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Input fields the formula reads, in formula order."""
        return tuple(name for name in (self.input, self.numerator, self.denominator) if name)


@dataclass(frozen=True)
class Criterion:
    code: str
    group: str
    name_vi: str
    name_en: str
    max_points: Decimal
    inputs: tuple[InputField, ...]
    evidence: Evidence
    rule: Rule
    source: str
    verifier: str
    basis: str
    notes: Bilingual | None = None

    @property
    def kind(self) -> str:
        return self.rule.kind


@dataclass(frozen=True)
class Group:
    code: str
    name_vi: str
    name_en: str
    max_points: Decimal
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class ClassificationTier:
    code: str
    name_vi: str
    name_en: str
    min: Decimal


@dataclass(frozen=True)
class PeriodBoundary:
    """A day of the year relative to the evaluation year (year_offset -1 = the previous year)."""

    month: int
    day: int
    year_offset: int


@dataclass(frozen=True)
class UnitTypeCatalog:
    """Everything needed to score one unit type under one catalog version."""

    catalog_version: str
    catalog_fingerprint: str
    code: str
    name_vi: str
    name_en: str
    evaluated_by: str
    ranking_scope: str
    period_start: PeriodBoundary
    period_end: PeriodBoundary
    excludes: tuple[Bilingual, ...]
    total_max_points: Decimal
    groups: tuple[Group, ...]
    classification: tuple[ClassificationTier, ...]
    decimal_places: int

    @functools.cached_property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(criterion for group in self.groups for criterion in group.criteria)

    @functools.cached_property
    def criteria_by_code(self) -> Mapping[str, Criterion]:
        return MappingProxyType({criterion.code: criterion for criterion in self.criteria})

    @functools.cached_property
    def fields(self) -> Mapping[str, InputField]:
        """Every input field of the unit type, once (shared fields are defined identically)."""
        return MappingProxyType({f.field: f for c in self.criteria for f in c.inputs})


@dataclass(frozen=True)
class Decision:
    issuer: str
    year: int
    number: str | None
    replaces: str | None
    note_vi: str | None
    note_en: str | None


@dataclass(frozen=True)
class Catalog:
    version: str
    fingerprint: str
    status_vi: str
    status_en: str
    title_vi: str
    title_en: str
    decision: Decision
    total_max_points: Decimal
    decimal_places: int
    classification: tuple[ClassificationTier, ...]
    tie_breakers: tuple[str, ...]
    sources: Mapping[str, Bilingual]
    verifiers: Mapping[str, Bilingual]
    unit_types: Mapping[str, UnitTypeCatalog]

    def unit_type(self, code: str) -> UnitTypeCatalog:
        try:
            return self.unit_types[code]
        except KeyError:
            raise CatalogError(f"catalog {self.version}: unknown unit type {code!r}; "
                               f"known: {', '.join(self.unit_types)}") from None


def available_versions() -> tuple[str, ...]:
    """Catalog versions shipped with the code, sorted."""
    return tuple(sorted(p.name for p in CATALOGS_DIR.iterdir() if (p / MANIFEST_FILE).is_file()))


@functools.cache
def load_catalog(version: str) -> Catalog:
    """The shipped catalog `version`, validated; loaded once per process."""
    if version not in available_versions():
        raise CatalogError(f"unknown catalog version {version!r}; available: {', '.join(available_versions())}")
    catalog = read_catalog(CATALOGS_DIR / version)
    check_released(catalog, _read_yaml(CATALOGS_DIR / RELEASED_FILE) or {})
    return catalog


def check_released(catalog: Catalog, released: Mapping[str, str]) -> None:
    """A released version's content is the content it was released with, or it is refused."""
    expected = released.get(catalog.version)
    if expected is None:
        raise CatalogError(f"catalog {catalog.version} is not in {RELEASED_FILE}: record its fingerprint "
                           f"{catalog.fingerprint} there to release it", file=RELEASED_FILE)
    if expected != catalog.fingerprint:
        raise CatalogError(f"catalog {catalog.version} changed after its release (fingerprint {catalog.fingerprint}, "
                           f"released as {expected}); a correction is a new version", file=RELEASED_FILE)


def read_catalog(directory: Path) -> Catalog:
    """Read and validate the catalog in `directory` (named after its version). Not cached."""
    manifest = _read_yaml(directory / MANIFEST_FILE)
    _check_schema(manifest, _validator("manifest"), MANIFEST_FILE)
    if manifest["version"] != directory.name:
        raise CatalogError(f"version {manifest['version']!r} does not match its folder {directory.name!r}",
                           file=MANIFEST_FILE)
    _check_manifest(manifest)
    raw_unit_types = {}
    for code in manifest["unit_types"]:
        file = f"{code}.yaml"
        raw = _read_yaml(directory / file)
        _check_schema(raw, _validator("unit_type"), file)
        raw_unit_types[code] = raw

    fingerprint = _fingerprint({"manifest": manifest, "unit_types": raw_unit_types})
    classification = tuple(
        ClassificationTier(t["code"], t["name_vi"], t["name_en"], _decimal(t["min"]))
        for t in manifest["classification"]
    )
    unit_types = {}
    for code, raw in raw_unit_types.items():
        unit_catalog = _build_unit_type(raw, manifest, fingerprint, classification)
        _check_unit_type(unit_catalog, raw, manifest, f"{code}.yaml")
        unit_types[code] = unit_catalog

    decision = manifest["decision"]
    return Catalog(
        version=manifest["version"],
        fingerprint=fingerprint,
        status_vi=manifest["status_vi"],
        status_en=manifest["status_en"],
        title_vi=manifest["title"]["vi"],
        title_en=manifest["title"]["en"],
        decision=Decision(decision["issuer"], decision["year"], decision["number"], decision["replaces"],
                          decision.get("note_vi"), decision.get("note_en")),
        total_max_points=_decimal(manifest["total_max_points"]),
        decimal_places=manifest["rounding"]["decimal_places"],
        classification=classification,
        tie_breakers=tuple(manifest["ranking"]["tie_breakers"]),
        sources=_bilingual_map(manifest["sources"]),
        verifiers=_bilingual_map(manifest["verifiers"]),
        unit_types=MappingProxyType(unit_types),
    )


def canonical_json(data: object) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 kept (used for fingerprints and hashes)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _fingerprint(data: object) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


# --- reading -------------------------------------------------------------------------------------------

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except FileNotFoundError:
        raise CatalogError("file not found", file=str(path)) from None
    except yaml.YAMLError as error:
        raise CatalogError(f"not valid YAML: {error}", file=path.name) from None


@functools.cache
def _validator(kind: str) -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    if kind == "manifest":
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/manifest"}
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _check_schema(data: object, validator: jsonschema.protocols.Validator, file: str) -> None:
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


def _decimal(value: int | float) -> Decimal:
    # YAML numbers are decimal literals; str() gives a float back exactly as written.
    return Decimal(str(value))


def _optional_decimal(value: int | float | None) -> Decimal | None:
    return None if value is None else _decimal(value)


def _bilingual_map(raw: Mapping[str, Mapping[str, str]]) -> Mapping[str, Bilingual]:
    return MappingProxyType({code: Bilingual(text["vi"], text["en"]) for code, text in raw.items()})


def _build_input(raw: Mapping) -> InputField:
    default = raw.get("default")
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        default = _decimal(default)
    return InputField(
        field=raw["field"],
        type=raw["type"],
        label_vi=raw["label_vi"],
        label_en=raw["label_en"],
        required=raw["required"],
        unit=Bilingual(raw["unit"]["vi"], raw["unit"]["en"]) if "unit" in raw else None,
        min=_optional_decimal(raw.get("min")),
        max=_optional_decimal(raw.get("max")),
        default=default,
        enum=tuple(EnumOption(o["value"], o["label_vi"], o["label_en"]) for o in raw.get("enum", ())),
    )


def _build_tiers(raw: list | None) -> tuple[Tier, ...]:
    return tuple(Tier(_decimal(t["min"]), _decimal(t["points"])) for t in raw or ())


def _build_rule(raw: Mapping) -> Rule:
    params = raw["params"]
    return Rule(
        kind=raw["kind"],
        input=params.get("input"),
        numerator=params.get("numerator"),
        denominator=params.get("denominator"),
        on_zero_denominator=params.get("on_zero_denominator"),
        threshold=_optional_decimal(params.get("threshold")),
        below=params.get("below"),
        tiers=_build_tiers(params.get("tiers")),
        steps=_build_tiers(params.get("steps")),
        else_points=_optional_decimal(params.get("else_points")),
        points_per_unit=_optional_decimal(params.get("points_per_unit")),
        max_deduction=_optional_decimal(params.get("max_deduction")),
        guidance=tuple(GuidanceLevel(_decimal(g["points"]), g["label_vi"], g["label_en"])
                       for g in params.get("guidance", ())),
    )


def _build_criterion(raw: Mapping, group: str) -> Criterion:
    notes = raw.get("notes")
    return Criterion(
        code=raw["code"],
        group=group,
        name_vi=raw["name_vi"],
        name_en=raw["name_en"],
        max_points=_decimal(raw["max_points"]),
        inputs=tuple(_build_input(f) for f in raw["inputs"]),
        evidence=Evidence(raw["evidence"]["required"], raw["evidence"]["description_vi"],
                          raw["evidence"]["description_en"]),
        rule=_build_rule(raw["rule"]),
        source=raw["source"],
        verifier=raw["verifier"],
        basis=raw["basis"],
        notes=Bilingual(notes["vi"], notes["en"]) if notes else None,
    )


def _build_unit_type(raw: Mapping, manifest: Mapping, fingerprint: str,
                     classification: tuple[ClassificationTier, ...]) -> UnitTypeCatalog:
    period = raw["evaluation_period"]
    return UnitTypeCatalog(
        catalog_version=manifest["version"],
        catalog_fingerprint=fingerprint,
        code=raw["unit_type"],
        name_vi=raw["name_vi"],
        name_en=raw["name_en"],
        evaluated_by=raw["evaluated_by"],
        ranking_scope=raw["ranking_scope"],
        period_start=PeriodBoundary(**period["start"]),
        period_end=PeriodBoundary(**period["end"]),
        excludes=tuple(Bilingual(e["name_vi"], e["name_en"]) for e in raw.get("excludes", ())),
        total_max_points=_decimal(raw["total_max_points"]),
        groups=tuple(
            Group(g["code"], g["name_vi"], g["name_en"], _decimal(g["max_points"]),
                  tuple(_build_criterion(c, g["code"]) for c in g["criteria"]))
            for g in raw["groups"]
        ),
        classification=classification,
        decimal_places=manifest["rounding"]["decimal_places"],
    )


# --- semantic checks (what JSON Schema cannot express) -----------------------------------------------


def _check_manifest(manifest: Mapping) -> None:
    mins = [_decimal(t["min"]) for t in manifest["classification"]]
    if mins != sorted(set(mins), reverse=True) or mins[-1] != 0:
        raise CatalogError("classification tiers must have strictly descending min, the last one 0",
                           file=MANIFEST_FILE)
    if mins[0] > _decimal(manifest["total_max_points"]):
        raise CatalogError("the top classification tier is above total_max_points", file=MANIFEST_FILE)


def _check_unit_type(unit: UnitTypeCatalog, raw: Mapping, manifest: Mapping, file: str) -> None:
    def fail(message: str) -> NoReturn:
        raise CatalogError(message, file=file)

    if raw["version"] != manifest["version"]:
        fail(f"version {raw['version']!r} differs from the manifest's {manifest['version']!r}")
    if unit.code != file.removesuffix(".yaml"):
        fail(f"unit_type {unit.code!r} does not match the file name")
    if unit.total_max_points != _decimal(manifest["total_max_points"]):
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
