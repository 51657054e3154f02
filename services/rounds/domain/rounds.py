"""A reporting round: one annual evaluation, or one 3/6/9-month progress update, of a year.

The round owns the submission windows of each unit type (computed from the calendar
rules and the annual periods of its catalog versions; an admin may override one, with a
recorded reason), the per-unit extensions, the
units in scope, and the reminders already sent. Its lifecycle is
planned → open → closed → published.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from services.rounds.domain.calendar import (
    PROGRESS_MONTHS,
    VIETNAM_TZ,
    AnnualPeriod,
    RoundKind,
    Window,
    default_windows,
    describe_deadline,
    district_commune_results_due,
    require_aware,
)
from services.rounds.domain.refusals import (
    ExcludedUnitEvaluated,
    IllegalRoundTransition,
    ReasonRequired,
    RoundChangeRefused,
    SubmissionClosed,
    UnitNotInScope,
)
from services.rounds.domain.review_models import ResultsFlow, ReviewModels
from services.rounds.domain.units import Unit, UnitRegistry, UnitType
from shared.domain.events import Event
from shared.domain.round_events import RoundClosed, RoundDeadlineApproaching, RoundOpened, RoundStatus

REMINDER_DAYS_BEFORE = (7, 1)


ALLOWED_TRANSITIONS: dict[RoundStatus, frozenset[RoundStatus]] = {
    RoundStatus.PLANNED: frozenset({RoundStatus.OPEN}),
    RoundStatus.OPEN: frozenset({RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset({RoundStatus.PUBLISHED}),
    RoundStatus.PUBLISHED: frozenset(),
}


@dataclasses.dataclass(frozen=True)
class WindowOverride:
    unit_type: UnitType
    before: Window
    after: Window
    by: str
    at: datetime
    reason: str


@dataclasses.dataclass(frozen=True)
class Extension:
    """Unit `unit_code` may submit until `until` (exclusive, like every deadline)."""

    unit_code: str
    until: datetime
    by: str
    at: datetime
    reason: str


def round_id_for(kind: RoundKind, year: int, period_month: int | None) -> str:
    """`2026-annual`, `2026-progress-06`."""
    if RoundKind(kind) is RoundKind.ANNUAL_EVALUATION:
        return f"{year}-annual"
    return f"{year}-progress-{period_month or 0:02d}"


class Round:
    def __init__(
        self,
        id: str,
        kind: RoundKind,
        year: int,
        catalog_versions: Mapping[UnitType, str],
        period_month: int | None = None,
        *,
        annual_periods: Mapping[UnitType, AnnualPeriod],
    ):
        """`annual_periods` are the evaluation periods the catalog versions state, by unit type."""
        self.id = id
        self.kind = RoundKind(kind)
        self.year = year
        self.period_month = period_month
        if self.kind is RoundKind.ANNUAL_EVALUATION and period_month is not None:
            raise RoundChangeRefused("period_month", "Kỳ đánh giá năm không có tháng của kỳ",
                                     "an annual evaluation has no period month")
        if self.kind is RoundKind.PROGRESS_UPDATE and period_month not in PROGRESS_MONTHS:
            raise RoundChangeRefused("period_month", f"Kỳ cập nhật tiến độ chỉ vào các tháng {PROGRESS_MONTHS}",
                                     f"a progress update is at month {PROGRESS_MONTHS}, not {period_month}")
        self.catalog_versions = {UnitType(t): v for t, v in catalog_versions.items()}
        if not self.catalog_versions:
            raise RoundChangeRefused("catalog_versions", "Kỳ báo cáo cần bộ tiêu chí cho ít nhất một loại đơn vị",
                                     "a round needs a catalog version for at least one unit type")
        self.windows = default_windows(self.kind, year, period_month, self.catalog_versions, annual_periods)
        self.status = RoundStatus.PLANNED
        # Code → unit type; a stored round reads it lazily (see adapters/orm.py, StoredScope).
        self.units_in_scope: Mapping[str, UnitType] = {}
        self.window_overrides: list[WindowOverride] = []
        self.extensions: list[Extension] = []
        self.reminders_sent: set[tuple[UnitType, int]] = set()
        self.opened_at: datetime | None = None
        self.commune_results_due: datetime | None = None
        self.closed_at: datetime | None = None
        self.published_at: datetime | None = None
        self.events: list[Event] = []

    @property
    def ranked(self) -> bool:
        """Only annual evaluations are scored and ranked; progress updates are not."""
        return self.kind is RoundKind.ANNUAL_EVALUATION

    @property
    def opens_at(self) -> datetime:
        """The earliest window start: from then on some unit may submit."""
        return min(window.start for window in self.windows.values())

    @property
    def closes_at(self) -> datetime:
        """The latest deadline or extension: from then on nobody may submit."""
        return max([window.end for window in self.windows.values()]
                   + [self.deadline_of(code) for code in {e.unit_code for e in self.extensions}])

    def deadline_of(self, unit_code: str) -> datetime:
        """The unit's exclusive deadline, its latest extension included."""
        deadline = self.windows[self._unit_type_in_scope(unit_code)].end
        extension = self._latest_extension(unit_code)
        return max(deadline, extension.until) if extension else deadline

    def is_due_to_open(self, now: datetime) -> bool:
        """Planned and inside its submission period. A round planned after its period ended is
        left for an administrator to open, so that nobody is asked to report in the past."""
        return self.status is RoundStatus.PLANNED and self.opens_at <= require_aware(now) < self.closes_at

    def is_due_to_close(self, now: datetime) -> bool:
        return self.status is RoundStatus.OPEN and require_aware(now) >= self.closes_at

    def scope(self, registry: UnitRegistry, review_models: ReviewModels, on: date,
              excluded: Mapping[UnitType, Collection[str]]) -> list[Unit]:
        """The units this round evaluates on `on`: active, evaluated, of a type with a catalog.

        None may be a unit its catalog excludes (`excluded`: the Vietnamese names each unit
        type's catalog excludes) and each must have a reviewer under the model in force, so a
        configuration gap fails here, before the round opens, rather than when a report is
        submitted.
        """
        units = [u for u in registry.evaluated_units(on) if u.unit_type in self.catalog_versions]
        for unit in units:
            if unit.name_vi in excluded.get(unit.unit_type, ()):
                raise ExcludedUnitEvaluated(unit.code, unit.name_vi, self.catalog_versions[unit.unit_type])
            review_models.reviewer_for(unit, registry, on)
        return units

    def open(self, units_in_scope: Iterable[Unit], now: datetime, *,
             commune_results_flow: ResultsFlow = ResultsFlow.DIRECT, reporting_districts: Iterable[str] = (),
             reviewers: Mapping[str, tuple[str, str]] | None = None, reviewing_body: str = "") -> None:
        """`commune_results_flow` comes from the review model in force when the round opens;
        `reporting_districts` are the districts that review communes in it and owe the province
        their communes' results; `reviewers` maps unit codes to (reviewer unit code, reviewer kind);
        `reviewing_body` is the department the model names."""
        require_aware(now)
        units = list(units_in_scope)
        missing = {u.unit_type for u in units} - self.catalog_versions.keys()
        if missing:
            raise ValueError(f"no catalog version for unit types {sorted(t.value for t in missing)}")
        self._move_to(RoundStatus.OPEN)
        self.opened_at = now
        self.units_in_scope = {u.code: u.unit_type for u in units}
        self.commune_results_due = self._commune_results_due(commune_results_flow)
        self.events.append(
            RoundOpened(
                **self._which(),
                catalog_versions={t.value: v for t, v in self.catalog_versions.items()},
                windows={t.value: w.as_iso() for t, w in self.windows.items()},
                unit_codes=tuple(self.units_in_scope),
                units=tuple(_unit_in_scope(unit, (reviewers or {}).get(unit.code, ("", ""))) for unit in units),
                opened_at=now.isoformat(),
                commune_results_due=self.commune_results_due.isoformat() if self.commune_results_due else None,
                reporting_districts=tuple(sorted(reporting_districts)),
                reviewing_body=reviewing_body,
            )
        )

    def _which(self) -> dict[str, Any]:
        """What names the round in its period events (`RoundPeriodEvent`): its id, kind, year and month."""
        return {"round_id": self.id, "kind": self.kind.value, "year": self.year, "period_month": self.period_month}

    def close(self, now: datetime) -> None:
        require_aware(now)
        self._move_to(RoundStatus.CLOSED)
        self.closed_at = now
        self.events.append(
            RoundClosed(
                **self._which(),
                closed_at=now.isoformat(),
            )
        )

    def publish(self, now: datetime) -> None:
        require_aware(now)
        self._move_to(RoundStatus.PUBLISHED)
        self.published_at = now

    def override_window(
        self, unit_type: UnitType, window: Window, by: str, reason: str, now: datetime
    ) -> None:
        unit_type = UnitType(unit_type)
        if self.status not in (RoundStatus.PLANNED, RoundStatus.OPEN):
            raise IllegalRoundTransition(self.status, self.status)
        if unit_type not in self.windows:
            raise RoundChangeRefused("unit_type", f"Kỳ báo cáo này không có thời gian nộp cho loại đơn vị "
                                     f"'{unit_type.value}'", f"this round has no {unit_type.value} window")
        _require_reason(reason, by)
        self._require_plausible("start", window.start, window.end)
        self.window_overrides.append(
            WindowOverride(unit_type, self.windows[unit_type], window, by, require_aware(now), reason)
        )
        self.windows[unit_type] = window
        # Reminders count back from the new deadline.
        self.reminders_sent = {r for r in self.reminders_sent if r[0] is not unit_type}

    def grant_extension(
        self, unit_code: str, until: datetime, by: str, reason: str, now: datetime
    ) -> None:
        if self.status is not RoundStatus.OPEN:
            raise IllegalRoundTransition(self.status, self.status)
        _require_reason(reason, by)
        self._require_plausible("until", until)
        deadline = self.windows[self._unit_type_in_scope(unit_code)].end
        if require_aware(until) <= deadline:
            raise RoundChangeRefused(
                "until", f"Gia hạn phải kết thúc sau hạn chót {describe_deadline(deadline)[0]}",
                f"an extension must end after the deadline {deadline.isoformat()}, not {until.isoformat()}")
        self.extensions.append(Extension(unit_code, until, by, require_aware(now), reason))

    def check_can_submit(self, unit: Unit, now: datetime) -> None:
        """Raise SubmissionClosed unless `unit` may submit at `now`.

        Outside the window, the most recently granted extension of the unit decides.
        """
        require_aware(now)
        who_vi, who_en = f"{unit.name_vi} ({unit.code})", f"{unit.name_en or unit.name_vi} ({unit.code})"
        if self.status is not RoundStatus.OPEN:
            raise SubmissionClosed(
                self.id,
                unit.code,
                f"Kỳ báo cáo {self.id} không mở nhận báo cáo (trạng thái: {self.status.value}); "
                f"{who_vi} không thể nộp.",
                f"Round {self.id} is not accepting reports (status: {self.status.value}); "
                f"{who_en} cannot submit.",
            )
        window = self.windows[self._unit_type_in_scope(unit.code)]
        if now < window.start:
            opens = window.start.astimezone(VIETNAM_TZ)
            opens_vi, opens_en = f"{opens:%H:%M} ngày {opens:%d/%m/%Y}", opens.isoformat()
            raise SubmissionClosed(
                self.id,
                unit.code,
                f"Chưa đến thời gian nộp báo cáo của {who_vi} trong kỳ {self.id}: mở từ {opens_vi}.",
                f"Submission for {who_en} in round {self.id} has not opened yet: it opens at {opens_en}.",
            )
        if now < window.end:
            return
        extension = self._latest_extension(unit.code)
        if extension is not None and now < extension.until:
            return
        if extension is None:
            deadline_vi, deadline_en = describe_deadline(window.end)
            raise SubmissionClosed(
                self.id,
                unit.code,
                f"Đã hết hạn nộp báo cáo của {who_vi} trong kỳ {self.id}: hạn chót là {deadline_vi}.",
                f"Submission closed for {who_en} in round {self.id}: the deadline was {deadline_en}.",
            )
        until_vi, until_en = describe_deadline(extension.until)
        raise SubmissionClosed(
            self.id,
            unit.code,
            f"Đã hết thời gian gia hạn nộp báo cáo của {who_vi} trong kỳ {self.id}: "
            f"gia hạn đến {until_vi}.",
            f"Submission closed for {who_en} in round {self.id}: its extension ran {until_en}.",
        )

    def due_reminders(self, now: datetime, submitted_unit_codes: Iterable[str]) -> list[RoundDeadlineApproaching]:
        """Reminders 7 days and 1 day before each deadline, each sent at most once.

        A reminder is due from its moment until the deadline. If several are due at once
        (the caller did not run for a while), only the most urgent is sent; the staler one
        is marked as sent so it never goes out late. A reminder with nobody left to remind
        is marked as sent too. The returned events are also recorded in `events`.
        """
        require_aware(now)
        if self.status is not RoundStatus.OPEN:
            return []
        submitted = set(submitted_unit_codes)
        reminders = []
        for unit_type, window in self.windows.items():
            due = [
                days
                for days in REMINDER_DAYS_BEFORE
                if (unit_type, days) not in self.reminders_sent
                and window.end - timedelta(days=days) <= now < window.end
            ]
            if not due:
                continue
            self.reminders_sent.update((unit_type, days) for days in due)
            # A unit with an extension past this deadline is not due yet: it is not reminded of it.
            pending = tuple(
                code for code, t in self.units_in_scope.items()
                if t is unit_type and code not in submitted and self.deadline_of(code) <= window.end
            )
            if pending:
                reminders.append(
                    RoundDeadlineApproaching(
                        round_id=self.id,
                        unit_type=unit_type.value,
                        deadline=window.end.isoformat(),
                        days_left=min(due),
                        unit_codes=pending,
                    )
                )
        self.events.extend(reminders)
        return reminders

    def _commune_results_due(self, flow: ResultsFlow) -> datetime | None:
        """Only annual results are published, and only districts consolidate them by a date of their own."""
        if (self.kind is RoundKind.ANNUAL_EVALUATION and UnitType.COMMUNE in self.catalog_versions
                and flow is ResultsFlow.DISTRICT_CONSOLIDATION):
            return district_commune_results_due(self.year)
        return None

    def _require_plausible(self, field: str, *moments: datetime) -> None:
        """A window or an extension stays within a year of the round's period: a date like
        0001-01-01 is a typing error, not a decision."""
        earliest, latest = date(self.year - 2, 1, 1), date(self.year + 2, 1, 1)
        for moment in moments:
            if not earliest <= require_aware(moment).date() < latest:
                raise RoundChangeRefused(
                    field, f"Thời điểm {moment.isoformat()} nằm ngoài khoảng {earliest:%d/%m/%Y} – {latest:%d/%m/%Y} "
                    f"mà kỳ báo cáo năm {self.year} có thể dùng",
                    f"{moment.isoformat()} is outside {earliest.isoformat()} … {latest.isoformat()}, "
                    f"the years a round of {self.year} can use")

    def _move_to(self, requested: RoundStatus) -> None:
        if requested not in ALLOWED_TRANSITIONS[self.status]:
            raise IllegalRoundTransition(self.status, requested)
        self.status = requested

    def _unit_type_in_scope(self, unit_code: str) -> UnitType:
        try:
            return self.units_in_scope[unit_code]
        except KeyError:
            raise UnitNotInScope(unit_code, self.id) from None

    def _latest_extension(self, unit_code: str) -> Extension | None:
        granted = [e for e in self.extensions if e.unit_code == unit_code]
        return granted[-1] if granted else None


def _require_reason(reason: str, by: str) -> None:
    if not reason or not reason.strip():
        raise ReasonRequired("reason", "Cần nêu lý do của thay đổi này", "a reason is required for this change")
    if not by or not by.strip():
        raise ReasonRequired("by", "Cần ghi rõ người quản trị thực hiện thay đổi",
                             "the administrator making the change must be named")


def _unit_in_scope(unit: Unit, reviewer: tuple[str, str]) -> dict[str, str]:
    return {"code": unit.code, "unit_name_vi": unit.name_vi, "unit_type": unit.unit_type.value,
            "reviewer_unit_code": reviewer[0], "reviewer_kind": reviewer[1]}
