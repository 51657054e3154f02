"""Who supplies each input of a unit type: the unit itself, its reviewer, or a provincial system
kept by a coordinating agency. Derived from the catalog's `source` and `verifier`, never stored.

A field shared by several criteria belongs to the unit as soon as one of them is self-reported
(the unit declares it once and the reviewer checks it); otherwise to the reviewer if one of them
is verified by assessment; otherwise to the agency that owns the measuring system.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from shared.criteria.model import Catalog, Criterion, UnitTypeCatalog

UNIT = "unit"
REVIEWER = "reviewer"
SYSTEM = "system"

UNIT_SOURCES = frozenset({"self_report"})
MEASURED_SOURCES = frozenset({"system_measured"})
_PRECEDENCE = {UNIT: 0, REVIEWER: 1, SYSTEM: 2}


@dataclass(frozen=True)
class Supplier:
    kind: str  # unit | reviewer | system
    source: str  # the catalog's source code (self_report, dic_verified, system_measured, ...)
    agency: str | None  # the catalog's verifier code owning a reviewer's or a system's value; None for the unit


def supplier_of_criterion(criterion: Criterion) -> Supplier:
    if criterion.source in UNIT_SOURCES:
        return Supplier(UNIT, criterion.source, None)
    if criterion.source in MEASURED_SOURCES:
        return Supplier(SYSTEM, criterion.source, criterion.verifier)
    return Supplier(REVIEWER, criterion.source, criterion.verifier)


@functools.cache
def _suppliers(unit_catalog: UnitTypeCatalog) -> Mapping[str, Supplier]:
    chosen: dict[str, Supplier] = {}
    for criterion in unit_catalog.criteria:
        supplier = supplier_of_criterion(criterion)
        for field in criterion.inputs:
            previous = chosen.get(field.field)
            if previous is None or _PRECEDENCE[supplier.kind] < _PRECEDENCE[previous.kind]:
                chosen[field.field] = supplier
    return MappingProxyType(chosen)


def suppliers(unit_catalog: UnitTypeCatalog) -> Mapping[str, Supplier]:
    """field → who supplies it, for every input of the unit type (cached: catalogs are immutable)."""
    return _suppliers(unit_catalog)


def fields_supplied_by(unit_catalog: UnitTypeCatalog, kind: str, agency: str | None = None) -> tuple[str, ...]:
    """The fields of one kind of supplier (and one agency, if given), in catalog order."""
    return tuple(name for name, supplier in suppliers(unit_catalog).items()
                 if supplier.kind == kind and (agency is None or supplier.agency == agency))


def measuring_agencies(catalog: Catalog) -> tuple[str, ...]:
    """The agencies (verifier codes) whose systems supply measured inputs in some unit type."""
    return tuple(sorted({supplier.agency for unit in catalog.unit_types.values()
                         for supplier in suppliers(unit).values() if supplier.kind == SYSTEM}))
