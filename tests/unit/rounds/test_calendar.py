from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.rounds.domain.calendar import (
    VIETNAM_TZ,
    RoundKind,
    Window,
    annual_window,
    describe_deadline,
    district_commune_results_due,
    progress_windows,
    submission_deadline,
)
from services.rounds.domain.units import UnitType

from .conftest import RELEASED_PERIODS

NOT_COMMUNES = [UnitType.PROVINCE_DEPARTMENT, UnitType.CENTRAL_AGENCY, UnitType.DISTRICT]
EVALUATED_TYPES = [UnitType.COMMUNE, *NOT_COMMUNES]
SEVEN_HOURS = timedelta(hours=7)


def vn(*args):
    return datetime(*args, tzinfo=VIETNAM_TZ)


def test_commune_period_runs_10_nov_to_10_nov():
    window = annual_window(UnitType.COMMUNE, 2025, RELEASED_PERIODS)
    assert (window.start, window.end) == (vn(2024, 11, 10), vn(2025, 11, 10))


@pytest.mark.parametrize("unit_type", NOT_COMMUNES)
def test_other_periods_run_15_nov_to_15_nov(unit_type):
    window = annual_window(unit_type, 2025, RELEASED_PERIODS)
    assert (window.start, window.end) == (vn(2024, 11, 15), vn(2025, 11, 15))


@pytest.mark.parametrize("unit_type", EVALUATED_TYPES)
def test_leap_year_2024_window_has_366_days_and_contains_29_february(unit_type):
    window = annual_window(unit_type, 2024, RELEASED_PERIODS)
    assert window.end - window.start == timedelta(days=366)
    assert window.contains(vn(2024, 2, 29, 12))
    assert annual_window(unit_type, 2025, RELEASED_PERIODS).end - annual_window(unit_type, 2025, RELEASED_PERIODS).start == timedelta(days=365)


@given(year=st.integers(min_value=2000, max_value=2100), unit_type=st.sampled_from(EVALUATED_TYPES))
def test_annual_periods_follow_each_other_without_gap_or_overlap(year, unit_type):
    assert annual_window(unit_type, year, RELEASED_PERIODS).end == annual_window(unit_type, year + 1, RELEASED_PERIODS).start


def test_period_is_half_open():
    window = annual_window(UnitType.COMMUNE, 2025, RELEASED_PERIODS)
    assert window.contains(window.start)
    assert window.contains(window.end - timedelta(microseconds=1))
    assert not window.contains(window.end)
    assert not window.contains(window.start - timedelta(microseconds=1))


def test_boundaries_are_midnight_in_vietnam_not_utc():
    window = annual_window(UnitType.PROVINCE_DEPARTMENT, 2025, RELEASED_PERIODS)
    assert window.end.utcoffset() == SEVEN_HOURS
    assert window.end == datetime(2025, 11, 14, 17, 0, tzinfo=timezone.utc)
    assert window.contains(datetime(2025, 11, 14, 16, 59, 59, tzinfo=timezone.utc))
    assert not window.contains(datetime(2025, 11, 14, 17, 0, tzinfo=timezone.utc))


def test_naive_datetimes_are_refused():
    window = annual_window(UnitType.COMMUNE, 2025, RELEASED_PERIODS)
    with pytest.raises(ValueError, match="time zone"):
        window.contains(datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="time zone"):
        Window(datetime(2025, 1, 1), vn(2025, 2, 1))


def test_window_end_must_follow_start():
    with pytest.raises(ValueError, match="not after"):
        Window(vn(2025, 2, 1), vn(2025, 2, 1))


def test_district_results_due_before_15_nov_even_on_a_saturday():
    due = district_commune_results_due(2025)
    assert due.date() == date(2025, 11, 15) and due.weekday() == 5  # Saturday: not moved
    assert due == vn(2025, 11, 15)
    last_accepted = due - timedelta(microseconds=1)
    assert (last_accepted.day, last_accepted.hour, last_accepted.minute, last_accepted.second) == (14, 23, 59, 59)


def test_deadlines_are_not_shifted_for_weekends():
    # The departments' 2025 deadline is Sat 15 Nov, the communes' last day is Sun 9 Nov.
    assert submission_deadline(RoundKind.ANNUAL_EVALUATION, UnitType.PROVINCE_DEPARTMENT, 2025, periods=RELEASED_PERIODS) == vn(2025, 11, 15)
    commune_due = submission_deadline(RoundKind.ANNUAL_EVALUATION, UnitType.COMMUNE, 2025, periods=RELEASED_PERIODS)
    assert commune_due == vn(2025, 11, 10)
    assert (commune_due - timedelta(days=1)).weekday() == 6


def test_progress_updates_are_due_before_15_mar_jun_sep():
    windows = progress_windows(2025)
    assert [w.period_month for w in windows] == [3, 6, 9]
    assert [w.due for w in windows] == [vn(2025, 3, 15), vn(2025, 6, 15), vn(2025, 9, 15)]
    assert all(w.window.start == vn(2025, 1, 1) for w in windows)
    assert submission_deadline(RoundKind.PROGRESS_UPDATE, UnitType.COMMUNE, 2025, 6, periods=RELEASED_PERIODS) == vn(2025, 6, 15)


def test_progress_update_needs_a_valid_month():
    with pytest.raises(ValueError, match="period month"):
        submission_deadline(RoundKind.PROGRESS_UPDATE, UnitType.COMMUNE, 2025, periods=RELEASED_PERIODS)
    with pytest.raises(ValueError, match="not 4"):
        submission_deadline(RoundKind.PROGRESS_UPDATE, UnitType.COMMUNE, 2025, 4, periods=RELEASED_PERIODS)


def test_the_province_has_no_evaluation_period():
    with pytest.raises(ValueError, match="not evaluated"):
        annual_window(UnitType.PROVINCE, 2025, RELEASED_PERIODS)


def test_deadline_description_names_the_last_day_in_both_languages():
    vi, en = describe_deadline(vn(2025, 11, 15))
    assert vi == "trước 00:00 ngày 15/11/2025 (tức hết ngày 14/11/2025), giờ Việt Nam"
    assert en == "before 00:00 on 15 Nov 2025 (the end of 14 Nov 2025), Vietnam time (Asia/Ho_Chi_Minh)"


def test_deadline_description_uses_vietnam_time_for_other_zones():
    vi, en = describe_deadline(datetime(2025, 11, 20, 10, 0, tzinfo=timezone.utc))
    assert vi.startswith("trước 17:00 ngày 20/11/2025")
    assert "end of" not in en
