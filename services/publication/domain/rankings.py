"""Rankings (bảng xếp hạng): one per round and ranking scope, computed in one pass at publication.

Scopes: `province_department`, `central_agency`, `district`, `commune` (province-wide) and,
where districts review their communes (the 2021 three-tier model), `commune:<district>`.
Ranks follow the catalog: total descending, then its tie-breaker groups; units still tied
share a rank and the next is skipped (1, 1, 3). A ranking over an incomplete set is marked
partial and names what is missing; every ranking is computed over its whole scope at once,
so a rank never repeats between units that are not tied.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from shared.criteria import rank
from shared.criteria.ranking import classify
from shared.domain.report_header import HeaderedReport, ReportHeader

COMMUNE = "commune"
SCOPE_ORDER = ("province_department", "central_agency", "district", COMMUNE)


def scopes_of(header: ReportHeader) -> tuple[str, ...]:
    """The rankings a report's unit takes part in: its type province-wide, and a commune reviewed by
    its district also within that district."""
    if header.unit_type == COMMUNE and header.reviewer_kind == "district":
        return COMMUNE, district_scope(header.reviewer_unit_code)
    return (header.unit_type,)


def district_scope(district: str) -> str:
    return f"{COMMUNE}:{district}"


def scope_sort_key(scope: str) -> tuple[int, str]:
    base = scope.split(":", 1)[0]
    return (SCOPE_ORDER.index(base) if base in SCOPE_ORDER else len(SCOPE_ORDER), scope)


@dataclasses.dataclass(frozen=True)
class Score(HeaderedReport):
    """The newest score of one report (report.scored)."""

    report_id: str
    header: ReportHeader
    score_id: str
    catalog_version: str
    total: Decimal
    groups: Mapping[str, str]
    criteria: Mapping[str, str]

    @property
    def scopes(self) -> tuple[str, ...]:
        return scopes_of(self.header)


@dataclasses.dataclass(frozen=True)
class PreviousStanding:
    """Where a unit stood in the same ranking of the previous year's published round."""

    rank: int | None
    total: Decimal


@dataclasses.dataclass(frozen=True)
class Standing(Score):
    """One unit's score placed in one published ranking."""

    scope: str
    band: Mapping[str, str]
    rank: int | None
    previous_rank: int | None = None
    previous_total: Decimal | None = None

    @property
    def rank_change(self) -> int | None:
        """Places gained since last year (positive: moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def total_change(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total


@dataclasses.dataclass(frozen=True)
class Ranking:
    scope: str
    standings: tuple[Standing, ...]
    missing_units: tuple[Mapping[str, str], ...] = ()
    missing_districts: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing_units and not self.missing_districts

    def summary(self) -> dict[str, Any]:
        return {"scope": self.scope, "complete": self.complete, "units": len(self.standings),
                "missing_units": [dict(unit) for unit in self.missing_units],
                "missing_districts": list(self.missing_districts)}


@dataclasses.dataclass(frozen=True)
class CatalogRules:
    """What a catalog version says about ranking: its tie-breaker groups and its bands."""

    tie_breakers: Callable[[str], Sequence[str]]
    bands: Callable[[str], Sequence[Any]]  # ClassificationTier, best first

    def band(self, catalog_version: str, total: Decimal) -> dict[str, str]:
        tier = classify(total, self.bands(catalog_version))
        return {"code": tier.code, "name_vi": tier.name.vi, "name_en": tier.name.en}


def build_ranking(scope: str, scores: Iterable[Score], expected: Iterable[ReportHeader], rules: CatalogRules, *,
                  ranked: bool = True, previous: Mapping[str, PreviousStanding] | None = None,
                  missing_districts: Iterable[str] = ()) -> Ranking:
    """Rank `scores` (the members of `scope`) in one pass; `expected` are the headers of the reports
    the scope should hold, and the units without a score are named as missing. `previous` maps unit codes to
    last year's standing in the same scope."""
    members = list(scores)
    previous = previous or {}
    scored_units = {score.unit_code for score in members}
    missing = tuple({"unit_code": unit.unit_code, "unit_name_vi": unit.unit_name_vi}
                    for unit in sorted(expected, key=lambda unit: unit.unit_code) if unit.unit_code not in scored_units)
    ranks: dict[str, int] = {}
    if ranked and members:
        tie_breakers = rules.tie_breakers(members[0].catalog_version)
        ranks = {entry.unit_id: entry.rank
                 for entry in rank([(score.report_id, score.groups) for score in members], tie_breakers)}
    standings = []
    for score in members:
        before = previous.get(score.unit_code)
        standings.append(Standing(
            **vars(score), scope=scope, band=rules.band(score.catalog_version, score.total),
            rank=ranks.get(score.report_id), previous_rank=before.rank if before else None,
            previous_total=before.total if before else None))
    standings.sort(key=lambda standing: (standing.rank or 0, -standing.total, standing.unit_code))
    return Ranking(scope, tuple(standings), missing, tuple(sorted(missing_districts)))
