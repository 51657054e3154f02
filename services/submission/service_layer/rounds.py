"""Use cases of the reporting calendar: load the unit registry and the review models, create
and open rounds (one draft per unit in scope), change windows and deadlines with a recorded
reason, remind, close, and the scheduler that does the opening, reminding, closing and
rolling over by itself."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.submission.adapters.orm import reports
from services.submission.adapters.seed_files import load_review_models, load_unit_registry
from services.submission.domain.calendar import VIETNAM_TZ, RoundKind, Window
from services.submission.domain.prefill import carried_over_answers
from services.submission.domain.reports import Report
from services.submission.domain.review_models import ReviewerKind
from services.submission.domain.rounds import Round, RoundChangeRefused
from services.submission.domain.units import Unit, UnitType
from services.submission.service_layer.unit_of_work import SubmissionUnitOfWork
from shared.auth import Principal, Role
from shared.authorization import reads_everything, reviewer_kind_of
from shared.cloudevents import CloudEvent
from shared.criteria import CatalogError, available_versions, load_catalog
from shared.domain.errors import Bilingual, Conflict, Forbidden, not_found
from shared.domain.lifecycle import ReportStatus
from shared.domain.round_events import RoundDeadlineApproaching, RoundStatus

log = logging.getLogger(__name__)

UowFactory = Callable[[], SubmissionUnitOfWork]
ROUND = Bilingual("Kỳ báo cáo", "round")


# --- the registry ------------------------------------------------------------------------------------------

def load_units(uow: SubmissionUnitOfWork, paths: Iterable[Path]) -> int:
    """Load unit files (applied in order, as seed_files reads them) into the registry; returns
    how many units they declare. Loading the same files again changes nothing."""
    registry = load_unit_registry(list(paths))
    with uow:
        uow.units.save_all(registry)
        uow.commit()
    return len(registry)


def load_review_models_file(uow: SubmissionUnitOfWork, path: Path) -> int:
    models = load_review_models(path)
    with uow:
        uow.review_models.replace_all(models)
        uow.commit()
    return len(models.models)


def list_units(uow: SubmissionUnitOfWork, on: dt.date | None, unit_type: UnitType | None) -> list[Unit]:
    """The registry, parents before children; `on` keeps the units active that day."""
    with uow:
        registry = uow.units.registry()
    found = registry.active_on(on) if on else registry.units
    order = list(UnitType)
    return sorted((u for u in found if unit_type is None or u.unit_type is unit_type),
                  key=lambda u: (order.index(u.unit_type), u.code))


# --- rounds ------------------------------------------------------------------------------------------------

def round_id_for(kind: RoundKind, year: int, period_month: int | None) -> str:
    """`2026-annual`, `2026-progress-06`."""
    if RoundKind(kind) is RoundKind.ANNUAL_EVALUATION:
        return f"{year}-annual"
    return f"{year}-progress-{period_month or 0:02d}"


def default_catalog_versions() -> dict[UnitType, str]:
    """The newest shipped catalog, for every unit type it evaluates."""
    newest = available_versions()[-1]
    return {UnitType(code): newest for code in load_catalog(newest).unit_types}


def create_round(uow: SubmissionUnitOfWork, kind: RoundKind, year: int, period_month: int | None = None,
                 catalog_versions: Mapping[UnitType, str] | None = None) -> Round:
    versions = dict(catalog_versions or default_catalog_versions())
    for unit_type, version in versions.items():
        try:
            load_catalog(version).unit_type(UnitType(unit_type).value)
        except CatalogError as error:
            raise RoundChangeRefused("catalog_versions", f"Bộ tiêu chí '{version}' không dùng được cho loại đơn vị "
                                     f"'{UnitType(unit_type).value}'", str(error)) from None
    round_ = Round(round_id_for(kind, year, period_month), kind, year, versions, period_month)
    with uow:
        if uow.rounds.get(round_.id) is not None:
            raise _round_exists(round_.id)
        uow.rounds.add(round_)
        try:
            uow.commit()
        except IntegrityError:
            raise _round_exists(round_.id) from None
    return round_


def _round_exists(round_id: str) -> Conflict:
    return Conflict(Bilingual(f"Kỳ báo cáo '{round_id}' đã tồn tại", f"round '{round_id}' already exists"))


def get_round(uow: SubmissionUnitOfWork, round_id: str) -> Round:
    with uow:
        return _round(uow, round_id)


def find_round(uow: SubmissionUnitOfWork, round_id: str) -> Round | None:
    with uow:
        return uow.rounds.get(round_id)


def list_rounds(uow: SubmissionUnitOfWork) -> list[Round]:
    with uow:
        return uow.rounds.list()


def open_round(uow: SubmissionUnitOfWork, round_id: str, now: dt.datetime) -> Round:
    """Open the round on the registry and the review model in force today (Vietnam time): one
    draft per unit in scope, with its reviewer, pre-filled where the criteria did not change."""
    on = now.astimezone(VIETNAM_TZ).date()
    with uow:
        round_ = _round(uow, round_id)
        registry, models = uow.units.registry(), uow.review_models.models()
        units = round_.scope(registry, models, on)
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
        previous = _latest_reports(uow, round_, [u.code for u in units])
        for unit in units:
            reviewer = reviewers[unit.code]
            version = round_.catalog_versions[unit.unit_type]
            uow.reports.add(Report(
                id=str(uuid.uuid4()), round_id=round_id, unit_code=unit.code, unit_name_vi=unit.name_vi,
                unit_type=unit.unit_type.value, reviewer_unit_code=reviewer.reviewer_unit_code,
                reviewer_kind=reviewer.reviewer_kind.value, catalog_version=version,
                answers=_prefill(previous.get(unit.code), unit.unit_type, version)))
        uow.commit()
        return round_


def close_round(uow: SubmissionUnitOfWork, round_id: str, now: dt.datetime) -> Round:
    with uow:
        round_ = _round(uow, round_id)
        round_.close(now)
        uow.commit()
        return round_


def on_round_published(uow: SubmissionUnitOfWork, event: CloudEvent) -> None:
    """The publication service published the round: its calendar is over. A later publication
    (after a re-score) publishes it again; the round keeps its first publication date."""
    round_ = _round(uow, event.data["round_id"])
    if round_.status is not RoundStatus.PUBLISHED:
        round_.publish(dt.datetime.fromisoformat(event.data["published_at"]))


def override_window(uow: SubmissionUnitOfWork, round_id: str, unit_type: UnitType, start: dt.datetime,
                    end: dt.datetime, by: str, reason: str, now: dt.datetime) -> Round:
    with uow:
        round_ = _round(uow, round_id)
        if end <= start:
            raise RoundChangeRefused("end", "Thời điểm kết thúc phải sau thời điểm bắt đầu",
                                     f"the end {end.isoformat()} is not after the start {start.isoformat()}")
        round_.override_window(unit_type, Window(start, end), by=by, reason=reason, now=now)
        uow.commit()
        return round_


def grant_extension(uow: SubmissionUnitOfWork, round_id: str, unit_code: str, until: dt.datetime, by: str,
                    reason: str, now: dt.datetime) -> Round:
    with uow:
        round_ = _round(uow, round_id)
        round_.grant_extension(unit_code, until, by=by, reason=reason, now=now)
        uow.commit()
        return round_


def send_reminders(uow: SubmissionUnitOfWork, round_id: str, now: dt.datetime) -> list[RoundDeadlineApproaching]:
    with uow:
        round_ = _round(uow, round_id)
        reminders = round_.due_reminders(now, _submitted_unit_codes(uow, round_id))
        uow.commit()
        return reminders


def check_deadline(uow: SubmissionUnitOfWork, report: Report, now: dt.datetime) -> None:
    """Raise SubmissionClosed if the report's unit may no longer submit it.

    Only a first submission is held to the calendar: a report returned for revision is
    resubmitted on the reviewer's terms. A report whose round is not stored here (made
    before the calendar existed) has no deadline to check.
    """
    round_ = uow.rounds.get(report.round_id)
    if round_ is not None and report.submitted_at is None:
        round_.check_can_submit(uow.units.get(report.unit_code), now)


# --- the scheduler -----------------------------------------------------------------------------------------

def run_calendar(uow_factory: UowFactory, now: dt.datetime) -> None:
    """One tick of the scheduler: open the planned rounds whose period has come, close the open
    ones whose last deadline (extensions included) has passed, send the reminders that are due
    in the others, and plan next year's annual round while this year's is open. Each step runs
    in its own transaction, so one failing round does not hold the others up."""
    with uow_factory() as uow:
        active = uow.rounds.list(RoundStatus.PLANNED, RoundStatus.OPEN)
    known = {round_.id for round_ in active}
    for round_ in active:
        if round_.is_due_to_close(now):
            _attempt(close_round, uow_factory(), round_.id, now)
            continue
        if round_.is_due_to_open(now):
            _attempt(open_round, uow_factory(), round_.id, now)
        elif round_.status is not RoundStatus.OPEN:
            continue
        _attempt(send_reminders, uow_factory(), round_.id, now)
        following = round_id_for(RoundKind.ANNUAL_EVALUATION, round_.year + 1, None)
        if round_.kind is RoundKind.ANNUAL_EVALUATION and following not in known:
            _attempt(_plan_following_year, uow_factory(), round_.year + 1)


def _plan_following_year(uow: SubmissionUnitOfWork, year: int) -> None:
    with uow:
        if uow.rounds.get(round_id_for(RoundKind.ANNUAL_EVALUATION, year, None)) is not None:
            return
    create_round(uow, RoundKind.ANNUAL_EVALUATION, year)


def _attempt(use_case, uow: SubmissionUnitOfWork, *args) -> None:
    try:
        use_case(uow, *args)
    except Exception:  # logged; the next tick tries again
        log.exception("reporting calendar: %s%r failed", use_case.__name__, args)


# --- completeness ------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class LateUnit:
    unit_code: str
    unit_name_vi: str
    unit_type: str
    deadline: dt.datetime


@dataclasses.dataclass(frozen=True)
class Completeness:
    round_id: str
    as_of: dt.datetime
    counts: dict[str, dict[str, int]]  # unit type → report status → number of reports
    late: list[LateUnit]


def completeness(uow: SubmissionUnitOfWork, round_id: str, principal: Principal, now: dt.datetime) -> Completeness:
    """Where the round stands. Admins, auditors and the round's reviewing department see every
    unit; a district reviewer sees the communes it reviews. A reviewer whose unit reviews
    nothing in this round in its role (a `district_reviewer` token of a department) sees nothing."""
    with uow:
        round_ = _round(uow, round_id)
        query = sa.select(reports.c.unit_code, reports.c.unit_name_vi, reports.c.unit_type, reports.c.status,
                          reports.c.submitted_at).where(reports.c.round_id == round_id).order_by(reports.c.unit_code)
        if not reads_everything(principal):
            _require_reviewing_body(uow, round_id, principal)
        if principal.role is Role.DISTRICT_REVIEWER:
            query = query.where(reports.c.reviewer_unit_code == principal.unit)
        rows = uow.session.execute(query).all()
        in_scope = set(round_.units_in_scope)  # the whole scope, read once
    counts: dict[str, dict[str, int]] = {}
    late = []
    for row in rows:
        by_status = counts.setdefault(row.unit_type, dict.fromkeys((s.value for s in ReportStatus), 0))
        by_status[row.status] += 1
        if row.submitted_at is None and row.unit_code in in_scope:
            deadline = round_.deadline_of(row.unit_code)
            if now >= deadline:
                late.append(LateUnit(row.unit_code, row.unit_name_vi, row.unit_type, deadline))
    return Completeness(round_id, now, counts, late)


# --- helpers -----------------------------------------------------------------------------------------------

def _require_reviewing_body(uow: SubmissionUnitOfWork, round_id: str, principal: Principal) -> None:
    """The caller's unit reviews some report of the round, in the kind its role fits."""
    kind = reviewer_kind_of(principal)
    assigned = kind is not None and uow.session.execute(
        sa.select(reports.c.id).where(reports.c.round_id == round_id, reports.c.reviewer_unit_code == principal.unit,
                                      reports.c.reviewer_kind == kind).limit(1)).first()
    if not assigned:
        raise Forbidden(Bilingual(f"Đơn vị '{principal.unit}' không thẩm định báo cáo nào của kỳ '{round_id}' với "
                                  f"vai trò '{principal.role.value}'",
                                  f"unit '{principal.unit}' reviews no report of round '{round_id}' as "
                                  f"'{principal.role.value}'"))


def _round(uow: SubmissionUnitOfWork, round_id: str) -> Round:
    round_ = uow.rounds.get(round_id)
    if round_ is None:
        raise not_found(ROUND, round_id)
    return round_


def _submitted_unit_codes(uow: SubmissionUnitOfWork, round_id: str) -> list[str]:
    query = sa.select(reports.c.unit_code).where(reports.c.round_id == round_id, reports.c.submitted_at.is_not(None))
    return list(uow.session.execute(query).scalars())


def _latest_reports(uow: SubmissionUnitOfWork, round_: Round, unit_codes: list[str]) -> dict[str, Any]:
    """Each unit's last submitted report in a round whose period began before this one's (by the
    calendar, not by when an admin happened to open it); drafts never submitted carry nothing."""
    earlier = sorted((r for r in uow.rounds.list() if r.opens_at < round_.opens_at), key=lambda r: r.opens_at)
    if not earlier:
        return {}
    order = {r.id: position for position, r in enumerate(earlier)}
    query = (sa.select(reports.c.unit_code, reports.c.round_id, reports.c.unit_type, reports.c.catalog_version,
                       reports.c.answers)
             .where(reports.c.round_id.in_(order), reports.c.unit_code.in_(unit_codes),
                    reports.c.submitted_at.is_not(None)))
    rows = sorted(uow.session.execute(query), key=lambda row: order[row.round_id])
    return {row.unit_code: row for row in rows}


def _prefill(previous, unit_type: UnitType, catalog_version: str) -> dict[str, Any]:
    if previous is None or not previous.answers:
        return {}
    return carried_over_answers(previous.answers, load_catalog(previous.catalog_version).unit_type(previous.unit_type),
                                load_catalog(catalog_version).unit_type(unit_type.value))
