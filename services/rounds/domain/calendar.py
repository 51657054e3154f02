"""The reporting calendar of the 2021 decision, as instants in Vietnam time.

What the decision says (Điều 2, khoản 2, điểm b–c):
- annual evaluation period: communes from 10 Nov of the previous year to 10 Nov of the
  evaluation year; departments, central agencies and districts from 15 Nov to 15 Nov;
- districts publish their communes' results and report them to the province "before
  15 Nov" each year;
- progress updates (not evaluated) at 3, 6 and 9 months, "before the 15th of the last
  month of the period".

How this module reads it:
- The annual periods are data: each unit type's catalog states its `evaluation_period`
  (in the released catalog, the dates above), and a round's windows come from the catalog
  versions it uses (`AnnualPeriod`), so a new decision changes a catalog, not this module.
- Every period and window is half-open, [start, end), so a boundary day belongs to one
  period only. Boundaries are midnight at the start of the named day, Asia/Ho_Chi_Minh.
- A deadline is the exclusive `end` instant. "Before 15 Nov" is end = 15 Nov 00:00 +07:00:
  the last accepted moment is 14 Nov 23:59:59.999999, and anything at or after 15 Nov
  00:00 is late. The annual window of a unit type closes when its period ends, so a
  commune's annual report is due before 10 Nov and the others' before 15 Nov.
- Progress updates use calendar periods (proposed interpretation in the catalog): the
  3-, 6- and 9-month windows open on 1 Jan and are due before 15 Mar, 15 Jun and 15 Sep.
- Dates are fixed by the decision, so nothing moves for weekends or holidays: a deadline
  whose last day is a Saturday stays there.
"""
from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.rounds.domain.units import UnitType
from shared.criteria.model import PeriodBoundary

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PROGRESS_MONTHS = (3, 6, 9)
PROGRESS_DUE_DAY = 15
DISTRICT_RESULTS_DUE = (11, 15)


class RoundKind(enum.StrEnum):
    ANNUAL_EVALUATION = enum.auto()
    PROGRESS_UPDATE = enum.auto()


def require_aware(moment: datetime) -> datetime:
    """Naive datetimes are refused: a deadline compared with one would silently shift by 7 h."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; use an aware datetime")
    return moment


def local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VIETNAM_TZ)


@dataclasses.dataclass(frozen=True)
class Window:
    """A half-open interval of time, [start, end)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_aware(self.start)
        require_aware(self.end)
        if self.end <= self.start:
            raise ValueError(f"window end {self.end.isoformat()} is not after its start")

    def contains(self, moment: datetime) -> bool:
        return self.start <= require_aware(moment) < self.end

    def as_iso(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclasses.dataclass(frozen=True)
class ProgressWindow:
    period_month: int
    window: Window

    @property
    def due(self) -> datetime:
        return self.window.end


@dataclasses.dataclass(frozen=True)
class AnnualPeriod:
    """A unit type's annual evaluation period as its catalog states it: the day it starts and the day it
    ends, each a month and day with a year offset from the evaluation year (the end day is excluded)."""

    start: PeriodBoundary
    end: PeriodBoundary

    def window(self, year: int) -> Window:
        return Window(_midnight_of(self.start, year), _midnight_of(self.end, year))


def _midnight_of(boundary: PeriodBoundary, year: int) -> datetime:
    return local_midnight(date(year + boundary.year_offset, boundary.month, boundary.day))


def annual_window(unit_type: UnitType, year: int, periods: Mapping[UnitType, AnnualPeriod]) -> Window:
    try:
        period = periods[UnitType(unit_type)]
    except KeyError:
        raise ValueError(f"{unit_type!r} units are not evaluated") from None
    return period.window(year)


def district_commune_results_due(year: int) -> datetime:
    """Exclusive: a district's commune results at or after this instant are late."""
    month, day = DISTRICT_RESULTS_DUE
    return local_midnight(date(year, month, day))


def progress_window(year: int, period_month: int) -> Window:
    if period_month not in PROGRESS_MONTHS:
        raise ValueError(f"progress updates are at months {PROGRESS_MONTHS}, not {period_month}")
    return Window(
        local_midnight(date(year, 1, 1)), local_midnight(date(year, period_month, PROGRESS_DUE_DAY))
    )


def progress_windows(year: int) -> tuple[ProgressWindow, ...]:
    return tuple(ProgressWindow(month, progress_window(year, month)) for month in PROGRESS_MONTHS)


def default_window(kind: RoundKind, unit_type: UnitType, year: int, period_month: int | None,
                   periods: Mapping[UnitType, AnnualPeriod]) -> Window:
    if RoundKind(kind) is RoundKind.ANNUAL_EVALUATION:
        return annual_window(unit_type, year, periods)
    if period_month is None:
        raise ValueError("a progress update needs its period month (3, 6 or 9)")
    return progress_window(year, period_month)


def default_windows(
    kind: RoundKind, year: int, period_month: int | None, unit_types: Iterable[UnitType],
    periods: Mapping[UnitType, AnnualPeriod],
) -> dict[UnitType, Window]:
    return {UnitType(t): default_window(kind, t, year, period_month, periods) for t in unit_types}


def submission_deadline(
    kind: RoundKind, unit_type: UnitType, year: int, period_month: int | None = None, *,
    periods: Mapping[UnitType, AnnualPeriod],
) -> datetime:
    """The exclusive deadline computed from the rules (an admin override may replace it)."""
    return default_window(kind, unit_type, year, period_month, periods).end


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def describe_deadline(deadline: datetime) -> tuple[str, str]:
    """The deadline in words, (Vietnamese, English), in Vietnam time."""
    local = require_aware(deadline).astimezone(VIETNAM_TZ)
    at_vi = f"trước {local:%H:%M} ngày {local:%d/%m/%Y}"
    at_en = f"before {local:%H:%M} on {local.day} {_MONTHS_EN[local.month - 1]} {local.year}"
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        last = local - timedelta(days=1)
        at_vi += f" (tức hết ngày {last:%d/%m/%Y})"
        at_en += f" (the end of {last.day} {_MONTHS_EN[last.month - 1]} {last.year})"
    return f"{at_vi}, giờ Việt Nam", f"{at_en}, Vietnam time (Asia/Ho_Chi_Minh)"
