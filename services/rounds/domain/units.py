"""The registry of evaluated units: the province, its departments and agencies, central
agencies located in it, and the district and commune People's Committees, as a tree.

Units are never deleted. A unit that is merged, split or abolished keeps its code and its
history: `active_to` is set and `merged_into` names the successor, so results recorded
under the old code stay attached to a real unit. Active periods are half-open,
[active_from, active_to): `active_to` is the first day the unit no longer exists.
"""
from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from datetime import date


class UnitType(enum.StrEnum):
    PROVINCE = enum.auto()
    PROVINCE_DEPARTMENT = enum.auto()
    CENTRAL_AGENCY = enum.auto()
    DISTRICT = enum.auto()
    COMMUNE = enum.auto()


# Which parent each type may hang under. Communes sit under a district in the three-tier
# structure and directly under the province since 1 July 2025.
ALLOWED_PARENT_TYPES: dict[UnitType, frozenset[UnitType]] = {
    UnitType.PROVINCE: frozenset(),
    UnitType.PROVINCE_DEPARTMENT: frozenset({UnitType.PROVINCE}),
    UnitType.CENTRAL_AGENCY: frozenset({UnitType.PROVINCE}),
    UnitType.DISTRICT: frozenset({UnitType.PROVINCE}),
    UnitType.COMMUNE: frozenset({UnitType.DISTRICT, UnitType.PROVINCE}),
}


class InvalidUnitRegistry(ValueError):
    """The unit data breaks a tree rule; `code` names the offending unit."""

    def __init__(self, code: str, problem: str):
        self.code = code
        self.problem = problem
        super().__init__(f"unit {code!r}: {problem}")


class UnknownUnit(LookupError):
    def __init__(self, code: str):
        self.code = code
        super().__init__(f"no unit with code {code!r} in the registry")


@dataclasses.dataclass(frozen=True)
class Unit:
    code: str
    name_vi: str
    unit_type: UnitType
    active_from: date
    parent_code: str | None = None
    name_en: str | None = None
    active_to: date | None = None
    # A data flag, never a name in code: e.g. the Military and Border Guard Commands are
    # registered departments that the decision excludes from evaluation (a round does not
    # open while the registry evaluates a unit its catalog's `excludes` names).
    evaluated: bool = True
    merged_into: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit_type", UnitType(self.unit_type))
        if not self.code or not self.name_vi:
            raise InvalidUnitRegistry(self.code, "code and name_vi are required")
        if self.active_to is not None and self.active_to <= self.active_from:
            raise InvalidUnitRegistry(self.code, "active_to must be after active_from")
        if self.merged_into is not None and self.active_to is None:
            raise InvalidUnitRegistry(self.code, "a unit merged into another must have active_to")
        if self.unit_type is UnitType.PROVINCE and self.evaluated:
            raise InvalidUnitRegistry(self.code, "the province evaluates; it is never evaluated")

    def is_active_on(self, on: date) -> bool:
        return self.active_from <= on and (self.active_to is None or on < self.active_to)


class UnitRegistry:
    """All units ever registered, validated as one tree on construction."""

    def __init__(self, units: Iterable[Unit]):
        self._units: dict[str, Unit] = {}
        for unit in units:
            if unit.code in self._units:
                raise InvalidUnitRegistry(unit.code, "duplicate code")
            self._units[unit.code] = unit
        for unit in self._units.values():
            self._check_parent(unit)
        for unit in self._units.values():
            self._check_no_cycle(unit)
            self._check_parent_type_and_period(unit)
            self._check_successor(unit)

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def __len__(self) -> int:
        return len(self._units)

    @property
    def units(self) -> tuple[Unit, ...]:
        return tuple(self._units.values())

    def get(self, code: str) -> Unit:
        try:
            return self._units[code]
        except KeyError:
            raise UnknownUnit(code) from None

    def active_on(self, on: date) -> list[Unit]:
        return [unit for unit in self._units.values() if unit.is_active_on(on)]

    def children(self, code: str, on: date) -> list[Unit]:
        self.get(code)
        return [unit for unit in self.active_on(on) if unit.parent_code == code]

    def evaluated_units(self, on: date) -> list[Unit]:
        return [unit for unit in self.active_on(on) if unit.evaluated]

    def ancestors(self, code: str) -> list[Unit]:
        """Parent first, root last."""
        chain = []
        unit = self.get(code)
        while unit.parent_code is not None:
            unit = self._units[unit.parent_code]
            chain.append(unit)
        return chain

    def _check_parent(self, unit: Unit) -> None:
        if unit.parent_code is None:
            if unit.unit_type is not UnitType.PROVINCE:
                raise InvalidUnitRegistry(unit.code, f"a {unit.unit_type.value} needs a parent")
        elif unit.parent_code not in self._units:
            raise InvalidUnitRegistry(unit.code, f"parent {unit.parent_code!r} does not exist")

    def _check_no_cycle(self, unit: Unit) -> None:
        seen = {unit.code}
        parent_code = unit.parent_code
        while parent_code is not None:
            if parent_code in seen:
                raise InvalidUnitRegistry(unit.code, f"parent chain loops back at {parent_code!r}")
            seen.add(parent_code)
            parent_code = self._units[parent_code].parent_code

    def _check_parent_type_and_period(self, unit: Unit) -> None:
        if unit.parent_code is None:
            return
        parent = self._units[unit.parent_code]
        allowed = ALLOWED_PARENT_TYPES[unit.unit_type]
        if parent.unit_type not in allowed:
            expected = " or ".join(sorted(t.value for t in allowed)) or "no parent"
            raise InvalidUnitRegistry(
                unit.code,
                f"a {unit.unit_type.value} cannot sit under a {parent.unit_type.value} "
                f"({parent.code!r}); expected {expected}",
            )
        outlives_parent = parent.active_to is not None and (
            unit.active_to is None or unit.active_to > parent.active_to
        )
        if unit.active_from < parent.active_from or outlives_parent:
            raise InvalidUnitRegistry(
                unit.code, f"active outside the active period of its parent {parent.code!r}"
            )

    def _check_successor(self, unit: Unit) -> None:
        if unit.merged_into is None:
            return
        successor = self._units.get(unit.merged_into)
        if successor is None or successor.code == unit.code:
            raise InvalidUnitRegistry(unit.code, f"merged_into {unit.merged_into!r} is not another unit")
        assert unit.active_to is not None  # guaranteed by Unit.__post_init__
        if not successor.is_active_on(unit.active_to):
            raise InvalidUnitRegistry(
                unit.code,
                f"successor {successor.code!r} is not active on {unit.active_to.isoformat()}, "
                "the day this unit ends",
            )
