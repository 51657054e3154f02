"""When a round opens and closes by itself, each unit's deadline, and the commune results date."""
from datetime import datetime

import pytest

from services.rounds.domain.calendar import VIETNAM_TZ, RoundKind
from services.rounds.domain.review_models import ResultsFlow
from services.rounds.domain.rounds import Round
from services.rounds.domain.units import UnitRegistry, UnitType

from .conftest import RELEASED_PERIODS, small_units

CATALOGS = {UnitType.PROVINCE_DEPARTMENT: "hatinh-2021-ref-1", UnitType.COMMUNE: "hatinh-2021-ref-1"}
ADMIN = "admin@skhcn"


def vn(*args):
    return datetime(*args, tzinfo=VIETNAM_TZ)


@pytest.fixture
def units():
    registry = UnitRegistry(small_units())
    return [registry.get("SNV"), registry.get("18070")]


@pytest.fixture
def planned():
    return Round("2022-annual", RoundKind.ANNUAL_EVALUATION, 2022, CATALOGS, annual_periods=RELEASED_PERIODS)


@pytest.fixture
def opened(planned, units):
    planned.open(units, vn(2021, 11, 10))
    return planned


def test_a_round_opens_with_its_earliest_window_and_closes_with_its_latest(planned):
    assert planned.opens_at == vn(2021, 11, 10)  # communes start before the others
    assert planned.closes_at == vn(2022, 11, 15)


def test_a_planned_round_is_due_to_open_inside_its_period_only(planned):
    assert not planned.is_due_to_open(vn(2021, 11, 9, 23, 59))
    assert planned.is_due_to_open(vn(2021, 11, 10))
    # Planned after its period ended: an administrator decides, nobody is asked to report in the past.
    assert not planned.is_due_to_open(vn(2022, 11, 15))


def test_an_open_round_is_due_to_close_at_its_last_deadline(opened):
    assert not opened.is_due_to_open(vn(2021, 11, 20))
    assert not opened.is_due_to_close(vn(2022, 11, 14, 23, 59))
    assert opened.is_due_to_close(vn(2022, 11, 15))


def test_an_extension_keeps_the_round_open_and_moves_the_unit_deadline(opened):
    opened.grant_extension("18070", vn(2022, 11, 20), by=ADMIN, reason="lũ lụt", now=vn(2022, 11, 9))
    assert opened.deadline_of("18070") == vn(2022, 11, 20)
    assert opened.deadline_of("SNV") == vn(2022, 11, 15)
    assert opened.closes_at == vn(2022, 11, 20)
    assert not opened.is_due_to_close(vn(2022, 11, 19))


def test_the_latest_extension_decides_when_the_round_closes(opened):
    opened.grant_extension("SNV", vn(2022, 12, 31), by=ADMIN, reason="sự cố hệ thống", now=vn(2022, 11, 14))
    opened.grant_extension("SNV", vn(2022, 11, 18), by=ADMIN, reason="rút ngắn gia hạn", now=vn(2022, 11, 15))
    assert opened.closes_at == vn(2022, 11, 18)


def test_commune_results_are_due_when_districts_consolidate_them(planned, units):
    planned.open(units, vn(2021, 11, 10), commune_results_flow=ResultsFlow.DISTRICT_CONSOLIDATION)
    assert planned.commune_results_due == vn(2022, 11, 15)
    assert planned.events[0].to_data()["commune_results_due"] == "2022-11-15T00:00:00+07:00"


def test_no_commune_results_date_when_results_flow_directly(opened):
    assert opened.commune_results_due is None
    assert opened.events[0].to_data()["commune_results_due"] is None


def test_progress_updates_have_no_commune_results_date(units):
    progress = Round("2022-progress-06", RoundKind.PROGRESS_UPDATE, 2022, CATALOGS, period_month=6, annual_periods=RELEASED_PERIODS)
    progress.open(units, vn(2022, 1, 1), commune_results_flow=ResultsFlow.DISTRICT_CONSOLIDATION)
    assert progress.commune_results_due is None
