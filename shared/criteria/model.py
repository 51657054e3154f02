"""The criteria catalog's data model: immutable values, built by `loader` and read by the engine.

A catalog version is a manifest (`Catalog`) and one `UnitTypeCatalog` per unit type: groups →
criteria → their inputs and scoring `Rule`. Nothing here reads files or checks consistency
(`loader` and `checks` do); every value is frozen, so a loaded catalog can be cached and shared.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from shared.domain.bilingual import Bilingual

NUMERIC_TYPES = frozenset({"int", "decimal", "percent"})
UNSCORED_KINDS = frozenset({"deduction", "info"})


def decimal_of(value: int | float) -> Decimal:
    """A catalog number as written: YAML numbers are decimal literals, and str() gives a float back exactly."""
    return Decimal(str(value))


class CatalogError(ValueError):
    """A catalog file is missing, malformed or inconsistent; the message names file, criterion and rule."""

    def __init__(self, message: str, *, file: str | None = None, criterion: str | None = None,
                 rule: str | None = None) -> None:
        self.file, self.criterion, self.rule = file, criterion, rule
        where = [file, f"criterion {criterion}" if criterion else None, f"rule {rule}" if rule else None]
        super().__init__(": ".join([part for part in where if part] + [message]))


@dataclass(frozen=True)
class EnumOption:
    value: int
    label: Bilingual


@dataclass(frozen=True)
class InputField:
    field: str
    type: str
    label: Bilingual
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
    description: Bilingual


@dataclass(frozen=True)
class Tier:
    """A tier of a `tiered` rule or a step of a `stepped` ratio: `points` when value >= `min`."""

    min: Decimal
    points: Decimal


@dataclass(frozen=True)
class GuidanceLevel:
    points: Decimal
    label: Bilingual


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
    name: Bilingual
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

    @property
    def min_points(self) -> Decimal:
        """The fewest points the criterion gives: a deduction's cap taken away, else none."""
        return -self.rule.max_deduction if self.kind == "deduction" else Decimal(0)


@dataclass(frozen=True)
class Group:
    code: str
    name: Bilingual
    max_points: Decimal
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class ClassificationTier:
    code: str
    name: Bilingual
    min: Decimal


@dataclass(frozen=True)
class PeriodBoundary:
    """A day of the year relative to the evaluation year (year_offset -1 = the previous year)."""

    month: int
    day: int
    year_offset: int


@dataclass(frozen=True)
class CatalogIdentity:
    """Which catalog exactly: its version, and the fingerprint of the content loaded as that version."""

    version: str
    fingerprint: str


@dataclass(frozen=True)
class UnitTypeCatalog:
    """Everything needed to score one unit type under one catalog version."""

    catalog: CatalogIdentity
    code: str
    name: Bilingual
    evaluated_by: str
    ranking_scope: str
    period_start: PeriodBoundary
    period_end: PeriodBoundary
    excludes: tuple[Bilingual, ...]
    total_max_points: Decimal
    groups: tuple[Group, ...]
    classification: tuple[ClassificationTier, ...]
    decimal_places: int

    # Hashed by which catalog and unit type it is: the dataclass's own hash walks every group, criterion
    # and input on each call, so a cache keyed by a unit type (`suppliers`) cost about what it saved.
    # Equality stays field by field, so two unit types that differ under the same identity are never
    # taken for each other; and a cache hit on the loaded object itself is settled by `is`, not by `==`.
    def __hash__(self) -> int:
        return hash((self.catalog, self.code))

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
    note: Bilingual | None


@dataclass(frozen=True)
class Catalog:
    identity: CatalogIdentity
    status: Bilingual
    title: Bilingual
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
            raise CatalogError(f"catalog {self.identity.version}: unknown unit type {code!r}; "
                               f"known: {', '.join(self.unit_types)}") from None
