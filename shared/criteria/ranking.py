"""Classification of a total and ranking of units (README "Classification and ranking")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from shared.criteria.model import ClassificationTier


@dataclass(frozen=True)
class RankedUnit:
    unit_id: str
    total: Decimal
    rank: int


def classify(total: Decimal | int | float | str, tiers: Sequence[ClassificationTier]) -> ClassificationTier:
    """The highest tier whose min <= total (bounds inclusive: 800.00 is Tốt, 799.99 is Khá)."""
    value = _decimal(total)
    for tier in tiers:  # listed by descending min, the last at 0 (checked on load)
        if value >= tier.min:
            return tier
    raise ValueError(f"total {value} is below every classification tier")


def rank(units: Iterable[tuple[str, Mapping[str, object]]], tie_breakers: Sequence[str]) -> list[RankedUnit]:
    """Rank units given as (id, {group code: points}), best first.

    Order: total descending, then each tie-breaker group's points descending. Units still tied share
    a rank and the next rank is skipped (1, 1, 3). Within a shared rank, units are listed by id.
    """
    entries = []
    for unit_id, group_points in units:
        points = {code: _decimal(value) for code, value in group_points.items()}
        missing = [code for code in tie_breakers if code not in points]
        if missing:
            raise ValueError(f"unit {unit_id}: no points for tie-breaker groups {', '.join(missing)}")
        total = sum(points.values(), Decimal(0))
        entries.append(((total, *(points[code] for code in tie_breakers)), unit_id, total))
    entries.sort(key=lambda entry: (tuple(-value for value in entry[0]), entry[1]))

    ranked = []
    previous_key = None
    for position, (key, unit_id, total) in enumerate(entries, start=1):
        if key != previous_key:
            current_rank, previous_key = position, key
        ranked.append(RankedUnit(unit_id, total, current_rank))
    return ranked


def _decimal(value: Decimal | int | float | str | object) -> Decimal:
    if isinstance(value, bool):
        raise TypeError(f"expected points, got {value!r}")
    return value if isinstance(value, Decimal) else Decimal(str(value))
