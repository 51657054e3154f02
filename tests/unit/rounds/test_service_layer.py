"""The rounds' use cases on a fake unit of work: opening with one draft per unit, closing, a unit's
extension, the deadline a submission meets, the scheduler's reminders and completeness, in milliseconds."""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import pytest

from services.rounds.domain.calendar import VIETNAM_TZ, RoundKind, Window
from services.rounds.domain.refusals import ExcludedUnitEvaluated, SubmissionClosed
from services.rounds.domain.units import UnitRegistry, UnitType
from services.rounds.service_layer import rounds, scheduler
from services.rounds.service_layer.completeness import round_completeness
from services.rounds.service_layer.unit_of_work import SubmittedAnswers
from shared.auth import Principal, Role
from shared.criteria import load_catalog, read_catalog
from shared.criteria.loader import CATALOGS_DIR
from shared.domain.errors import Conflict, DuplicateRecord, Forbidden
from shared.domain.round_events import (
    RoundClosed,
    RoundDeadlineApproaching,
    RoundOpened,
    RoundStatus,
)
from tests.unit.rounds.fakes import FakeRoundsUnitOfWork

from .conftest import SKHCN, small_units

CATALOG = "hatinh-2021-ref-1"
CATALOGS = {UnitType.PROVINCE_DEPARTMENT: CATALOG, UnitType.COMMUNE: CATALOG}
ADMIN = Principal("quantri", Role.ADMIN, "HT")


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VIETNAM_TZ)


OPENING = vn(2026, 1, 10, 9)
DEPARTMENT_DEADLINE = vn(2026, 11, 15)
COMMUNE_DEADLINE = vn(2026, 11, 10)


@pytest.fixture
def uow(review_models):
    return FakeRoundsUnitOfWork(UnitRegistry(small_units()), review_models)


@pytest.fixture
def opened(uow):
    rounds.create_round(uow, RoundKind.ANNUAL_EVALUATION, 2026, catalog_versions=CATALOGS)
    return rounds.open_round(uow, "2026-annual", OPENING)


def published(uow, event_class) -> list:
    return [event for event in uow.published if isinstance(event, event_class)]


def test_opening_starts_one_draft_per_unit_in_scope_with_its_reviewer(uow, opened):
    assert opened.status is RoundStatus.OPEN
    # Evaluated, active on the day, of a type with a catalog: the central agency and the army are not.
    assert sorted(draft.unit.code for draft in uow.round_reports.drafts) == ["18073-2025", "SKHCN", "SNV"]
    assert {draft.reviewer.reviewer_unit_code for draft in uow.round_reports.drafts} == {SKHCN.code}
    assert {draft.catalog_version for draft in uow.round_reports.drafts} == {CATALOG}
    [event] = published(uow, RoundOpened)
    assert event.round_id == "2026-annual" and event.reviewing_body == SKHCN.code
    assert sorted(event.unit_codes) == ["18073-2025", "SKHCN", "SNV"]


def test_a_new_draft_carries_over_the_answers_of_the_units_last_submitted_report(uow):
    field = load_catalog(CATALOG).unit_type("commune").criteria[0].inputs[0].field
    rounds.create_round(uow, RoundKind.ANNUAL_EVALUATION, 2025, catalog_versions=CATALOGS)
    uow.round_reports.submitted["2025-annual"] = {
        "18073-2025": SubmittedAnswers("commune", CATALOG, {field: 12, "not_in_the_catalog": 1})}
    rounds.create_round(uow, RoundKind.ANNUAL_EVALUATION, 2026, catalog_versions=CATALOGS)
    rounds.open_round(uow, "2026-annual", OPENING)
    drafts = {draft.unit.code: draft for draft in uow.round_reports.drafts}
    assert drafts["18073-2025"].answers == {field: 12}
    assert drafts["SNV"].answers == {}


def test_closing_announces_it(uow, opened):
    closed = rounds.close_round(uow, "2026-annual", vn(2026, 11, 16))
    assert closed.status is RoundStatus.CLOSED
    [event] = published(uow, RoundClosed)
    assert event.closed_at == vn(2026, 11, 16).isoformat()


def test_a_unit_past_its_deadline_is_refused_and_one_with_an_extension_is_not(uow, opened):
    rounds.grant_extension(uow, "2026-annual", "SNV", vn(2026, 11, 20), by="quantri", reason="Lũ lụt",
                           now=vn(2026, 11, 14))
    after_the_deadline = vn(2026, 11, 16)
    rounds.check_deadline(uow, "2026-annual", "SNV", after_the_deadline)
    with pytest.raises(SubmissionClosed, match="hết hạn"):
        rounds.check_deadline(uow, "2026-annual", "SKHCN", after_the_deadline)
    with pytest.raises(SubmissionClosed, match="gia hạn"):
        rounds.check_deadline(uow, "2026-annual", "SNV", vn(2026, 11, 21))


def test_a_catalog_stating_another_period_moves_the_windows_and_deadlines(uow, tmp_path, monkeypatch):
    # The province moves the communes' period to 1 Dec – 1 Dec: a catalog file changes, not the code.
    moved = shutil.copytree(CATALOGS_DIR / CATALOG, tmp_path / CATALOG)
    commune = moved / "commune.yaml"
    text = commune.read_text(encoding="utf-8")
    for year_offset in (-1, 0):
        text = text.replace(f"{{month: 11, day: 10, year_offset: {year_offset}}}",
                            f"{{month: 12, day: 1, year_offset: {year_offset}}}")
    commune.write_text(text, encoding="utf-8")
    catalog = read_catalog(moved)
    monkeypatch.setattr(rounds, "load_catalog", lambda version: catalog)
    rounds.create_round(uow, RoundKind.ANNUAL_EVALUATION, 2026, catalog_versions=CATALOGS)
    round_ = rounds.open_round(uow, "2026-annual", OPENING)
    assert round_.windows[UnitType.COMMUNE] == Window(vn(2025, 12, 1), vn(2026, 12, 1))
    assert round_.windows[UnitType.PROVINCE_DEPARTMENT] == Window(vn(2025, 11, 15), DEPARTMENT_DEADLINE)
    rounds.check_deadline(uow, "2026-annual", "18073-2025", vn(2026, 11, 30, 23, 59))
    with pytest.raises(SubmissionClosed, match="01/12/2026"):
        rounds.check_deadline(uow, "2026-annual", "18073-2025", vn(2026, 12, 1))


def test_a_round_does_not_open_while_the_registry_evaluates_a_unit_its_catalog_excludes(review_models):
    army_evaluated = [dataclasses.replace(u, evaluated=True) if u.code == "BCHQS" else u for u in small_units()]
    uow = FakeRoundsUnitOfWork(UnitRegistry(army_evaluated), review_models)
    rounds.create_round(uow, RoundKind.ANNUAL_EVALUATION, 2026, catalog_versions=CATALOGS)
    with pytest.raises(ExcludedUnitEvaluated, match="BCHQS"):
        rounds.open_round(uow, "2026-annual", OPENING)
    assert uow.rounds.get("2026-annual").status is RoundStatus.PLANNED and uow.round_reports.drafts == []


def test_a_round_the_calendar_does_not_hold_has_no_deadline(uow):
    rounds.check_deadline(uow, "2019-annual", "SNV", vn(2030, 1, 1))


def test_the_scheduler_reminds_the_units_not_yet_submitted_a_week_before(uow, opened):
    uow.round_reports.submitted["2026-annual"] = {"SKHCN": None}
    scheduler.run_calendar(lambda: uow, DEPARTMENT_DEADLINE - dt.timedelta(days=6))
    reminders = {(r.unit_type, r.days_left, r.unit_codes) for r in published(uow, RoundDeadlineApproaching)}
    # The communes' deadline is the day after: only the more urgent of their two reminders goes out.
    assert reminders == {("province_department", 7, ("SNV",)), ("commune", 1, ("18073-2025",))}
    # And it plans next year's round while this one is open.
    assert uow.rounds.get("2027-annual").status is RoundStatus.PLANNED


def test_the_scheduler_closes_a_round_after_its_last_deadline(uow, opened):
    scheduler.run_calendar(lambda: uow, DEPARTMENT_DEADLINE)
    assert uow.rounds.get("2026-annual").status is RoundStatus.CLOSED
    assert published(uow, RoundClosed)


def test_completeness_counts_reports_by_status_and_names_the_late_units(uow, opened):
    uow.round_reports.submitted["2026-annual"] = {"SKHCN": None}
    uow.round_reports.statuses = {"SKHCN": "submitted"}
    seen = round_completeness(uow, "2026-annual", ADMIN, COMMUNE_DEADLINE)
    assert seen.counts["province_department"]["submitted"] == 1
    assert seen.counts["province_department"]["draft"] == 1
    assert [(late.unit_code, late.deadline) for late in seen.late] == [("18073-2025", COMMUNE_DEADLINE)]


def test_completeness_is_refused_to_a_reviewer_who_reviews_nothing_in_the_round(uow, opened):
    district = Principal("huyen", Role.DISTRICT_REVIEWER, "436")
    with pytest.raises(Forbidden):
        round_completeness(uow, "2026-annual", district, COMMUNE_DEADLINE)
    department = Principal("so.khcn", Role.DEPARTMENT_REVIEWER, SKHCN.code)
    assert round_completeness(uow, "2026-annual", department, COMMUNE_DEADLINE).late



def test_a_round_another_admin_created_at_the_same_moment_is_refused_as_existing(uow, monkeypatch):
    def stored_first_by_another():
        raise DuplicateRecord()

    monkeypatch.setattr(uow, "commit", stored_first_by_another)
    with pytest.raises(Conflict, match="'2026-annual' đã tồn tại"):
        rounds.create_round(uow, RoundKind.ANNUAL_EVALUATION, 2026, catalog_versions=CATALOGS)
