"""Use cases of a round: create it, open it (one draft per unit in scope, with its reviewer), change a
window or a unit's deadline with a recorded reason, remind, close, follow its publication, and the
deadline check a submission goes through."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from services.rounds.domain.calendar import VIETNAM_TZ, AnnualPeriod, RoundKind, Window
from services.rounds.domain.prefill import carried_over_answers
from services.rounds.domain.refusals import RoundChangeRefused
from services.rounds.domain.review_models import ReviewerKind
from services.rounds.domain.rounds import Round, round_id_for
from services.rounds.domain.units import UnitType
from services.rounds.service_layer.unit_of_work import Draft, RoundsUnitOfWork, SubmittedAnswers
from shared.criteria import CatalogError, available_versions, load_catalog
from shared.domain.errors import Bilingual, Conflict, DuplicateRecord, not_found
from shared.domain.round_events import RoundDeadlineApproaching, RoundPublished, RoundStatus

ROUND = Bilingual("Kỳ báo cáo", "round")


def default_catalog_versions() -> dict[UnitType, str]:
    """The newest shipped catalog, for every unit type it evaluates."""
    newest = available_versions()[-1]
    return {UnitType(code): newest for code in load_catalog(newest).unit_types}


def annual_periods(catalog_versions: Mapping[UnitType, str]) -> dict[UnitType, AnnualPeriod]:
    """Each unit type's annual evaluation period, as the catalog version chosen for it states it."""
    periods = {}
    for unit_type, version in catalog_versions.items():
        try:
            catalog = load_catalog(version).unit_type(UnitType(unit_type).value)
        except CatalogError as error:
            raise RoundChangeRefused("catalog_versions", f"Bộ tiêu chí '{version}' không dùng được cho loại đơn vị "
                                     f"'{UnitType(unit_type).value}'", str(error)) from None
        periods[UnitType(unit_type)] = AnnualPeriod(catalog.period_start, catalog.period_end)
    return periods


def excluded_units(catalog_versions: Mapping[UnitType, str]) -> dict[UnitType, frozenset[str]]:
    """The Vietnamese names of the units each unit type's catalog version excludes from evaluation."""
    return {unit_type: frozenset(name.vi for name in load_catalog(version).unit_type(unit_type.value).excludes)
            for unit_type, version in catalog_versions.items()}


def create_round(uow: RoundsUnitOfWork, kind: RoundKind, year: int, period_month: int | None = None,
                 catalog_versions: Mapping[UnitType, str] | None = None) -> Round:
    versions = dict(catalog_versions or default_catalog_versions())
    round_ = Round(round_id_for(kind, year, period_month), kind, year, versions, period_month,
                   annual_periods=annual_periods(versions))
    with uow:
        if uow.rounds.get(round_.id) is not None:
            raise _round_exists(round_.id)
        uow.rounds.add(round_)
        try:
            uow.commit()
        except DuplicateRecord:
            raise _round_exists(round_.id) from None
    return round_


def _round_exists(round_id: str) -> Conflict:
    return Conflict(Bilingual(f"Kỳ báo cáo '{round_id}' đã tồn tại", f"round '{round_id}' already exists"))


def get_round(uow: RoundsUnitOfWork, round_id: str) -> Round:
    with uow:
        return existing_round(uow, round_id)


def find_round(uow: RoundsUnitOfWork, round_id: str) -> Round | None:
    with uow:
        return uow.rounds.get(round_id)


def list_rounds(uow: RoundsUnitOfWork) -> list[Round]:
    with uow:
        return uow.rounds.list()


def open_round(uow: RoundsUnitOfWork, round_id: str, now: dt.datetime) -> Round:
    """Open the round on the registry and the review model in force today (Vietnam time): one
    draft per unit in scope, with its reviewer, pre-filled where the criteria did not change."""
    on = now.astimezone(VIETNAM_TZ).date()
    with uow:
        round_ = existing_round(uow, round_id)
        registry, models = uow.units.registry(), uow.review_models.models()
        units = round_.scope(registry, models, on, excluded_units(round_.catalog_versions))
        if not units:
            raise Conflict(Bilingual(f"Không có đơn vị nào thuộc phạm vi kỳ '{round_id}' vào ngày {on:%d/%m/%Y}; "
                                     "hãy nạp danh mục đơn vị trước",
                                     f"no unit is in the scope of round '{round_id}' on {on.isoformat()}; "
                                     "load the unit registry first"))
        reviewers = {unit.code: models.reviewer_for(unit, registry, on) for unit in units}
        round_.open(units, now, commune_results_flow=models.for_date(on).results_flow(UnitType.COMMUNE),
                    reporting_districts={r.reviewer_unit_code for r in reviewers.values()
                                         if r.reviewer_kind is ReviewerKind.DISTRICT},
                    reviewers={code: (r.reviewer_unit_code, r.reviewer_kind.value) for code, r in reviewers.items()},
                    reviewing_body=models.for_date(on).reviewing_body.code)
        previous = _last_submitted(uow, round_, [u.code for u in units])
        for unit in units:
            version = round_.catalog_versions[unit.unit_type]
            uow.round_reports.add_draft(Draft(round_id, unit, reviewers[unit.code], version,
                                              _prefill(previous.get(unit.code), unit.unit_type, version)))
        uow.commit()
        return round_


def close_round(uow: RoundsUnitOfWork, round_id: str, now: dt.datetime) -> Round:
    with uow:
        round_ = existing_round(uow, round_id)
        round_.close(now)
        uow.commit()
        return round_


def on_round_published(uow: RoundsUnitOfWork, event: RoundPublished) -> None:
    """The publication service published the round: its calendar is over. A later publication
    (after a re-score) publishes it again; the round keeps its first publication date."""
    round_ = existing_round(uow, event.round_id)
    if round_.status is not RoundStatus.PUBLISHED:
        round_.publish(dt.datetime.fromisoformat(event.published_at))


def override_window(uow: RoundsUnitOfWork, round_id: str, unit_type: UnitType, start: dt.datetime,
                    end: dt.datetime, by: str, reason: str, now: dt.datetime) -> Round:
    with uow:
        round_ = existing_round(uow, round_id)
        if end <= start:
            raise RoundChangeRefused("end", "Thời điểm kết thúc phải sau thời điểm bắt đầu",
                                     f"the end {end.isoformat()} is not after the start {start.isoformat()}")
        round_.override_window(unit_type, Window(start, end), by=by, reason=reason, now=now)
        uow.commit()
        return round_


def grant_extension(uow: RoundsUnitOfWork, round_id: str, unit_code: str, until: dt.datetime, by: str,
                    reason: str, now: dt.datetime) -> Round:
    with uow:
        round_ = existing_round(uow, round_id)
        round_.grant_extension(unit_code, until, by=by, reason=reason, now=now)
        uow.commit()
        return round_


def send_reminders(uow: RoundsUnitOfWork, round_id: str, now: dt.datetime) -> list[RoundDeadlineApproaching]:
    with uow:
        round_ = existing_round(uow, round_id)
        reminders = round_.due_reminders(now, uow.round_reports.submitted_unit_codes(round_id))
        uow.commit()
        return reminders


def check_deadline(uow: RoundsUnitOfWork, round_id: str, unit_code: str, now: dt.datetime) -> None:
    """Raise SubmissionClosed if the unit may no longer submit its report of the round, inside the
    caller's transaction. A round not stored here (a report made before the calendar existed) has
    no deadline to check."""
    round_ = uow.rounds.get(round_id)
    if round_ is not None:
        round_.check_can_submit(uow.units.get(unit_code), now)


def existing_round(uow: RoundsUnitOfWork, round_id: str) -> Round:
    """The round, inside the caller's transaction, or NotFound."""
    round_ = uow.rounds.get(round_id)
    if round_ is None:
        raise not_found(ROUND, round_id)
    return round_


def _last_submitted(uow: RoundsUnitOfWork, round_: Round, unit_codes: list[str]) -> dict[str, SubmittedAnswers]:
    """Each unit's last submitted report in a round whose period began before this one's (by the
    calendar, not by when an admin happened to open it); drafts never submitted carry nothing."""
    earlier = sorted((r for r in uow.rounds.list() if r.opens_at < round_.opens_at), key=lambda r: r.opens_at)
    if not earlier:
        return {}
    return uow.round_reports.last_submitted([r.id for r in earlier], unit_codes)


def _prefill(previous: SubmittedAnswers | None, unit_type: UnitType, catalog_version: str) -> dict[str, Any]:
    if previous is None or not previous.answers:
        return {}
    return carried_over_answers(previous.answers, load_catalog(previous.catalog_version).unit_type(previous.unit_type),
                                load_catalog(catalog_version).unit_type(unit_type.value))
