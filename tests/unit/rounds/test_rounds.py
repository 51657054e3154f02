import dataclasses
import json
from datetime import date, datetime, timedelta

import pytest

from services.rounds.domain.calendar import VIETNAM_TZ, RoundKind, Window
from services.rounds.domain.refusals import (
    ExcludedUnitEvaluated,
    IllegalRoundTransition,
    ReasonRequired,
    SubmissionClosed,
    UnitNotInScope,
)
from services.rounds.domain.review_models import NoReviewer
from services.rounds.domain.rounds import Round
from services.rounds.domain.units import UnitRegistry, UnitType
from shared.domain.round_events import RoundClosed, RoundDeadlineApproaching, RoundOpened, RoundStatus

from .conftest import RELEASED_EXCLUDED, RELEASED_PERIODS, make_unit, small_units

CATALOGS = {UnitType.PROVINCE_DEPARTMENT: "hatinh-2021-ref-1", UnitType.COMMUNE: "hatinh-2021-ref-1"}
DEPARTMENT_DEADLINE = datetime(2025, 11, 15, tzinfo=VIETNAM_TZ)
COMMUNE_DEADLINE = datetime(2025, 11, 10, tzinfo=VIETNAM_TZ)
OPENED = datetime(2025, 10, 1, 8, tzinfo=VIETNAM_TZ)
ADMIN = "admin@skhcn"


def vn(*args):
    return datetime(*args, tzinfo=VIETNAM_TZ)


@pytest.fixture
def units():
    registry = UnitRegistry(small_units() + [make_unit("18076-2025", UnitType.COMMUNE, active_from=date(2025, 7, 1))])
    return {code: registry.get(code) for code in ("SNV", "SKHCN", "18073-2025", "18076-2025", "KBNN")}


@pytest.fixture
def annual(units):
    round_ = Round("annual-2025", RoundKind.ANNUAL_EVALUATION, 2025, CATALOGS, annual_periods=RELEASED_PERIODS)
    round_.open([units["SNV"], units["SKHCN"], units["18073-2025"], units["18076-2025"]], OPENED)
    return round_


def test_windows_are_computed_from_the_calendar_by_default():
    round_ = Round("annual-2025", RoundKind.ANNUAL_EVALUATION, 2025, CATALOGS, annual_periods=RELEASED_PERIODS)
    assert round_.status is RoundStatus.PLANNED
    assert round_.windows[UnitType.PROVINCE_DEPARTMENT] == Window(vn(2024, 11, 15), DEPARTMENT_DEADLINE)
    assert round_.windows[UnitType.COMMUNE] == Window(vn(2024, 11, 10), COMMUNE_DEADLINE)
    assert round_.ranked


def test_progress_update_is_not_ranked_and_due_before_the_15th():
    round_ = Round("progress-2025-06", RoundKind.PROGRESS_UPDATE, 2025, CATALOGS, period_month=6, annual_periods=RELEASED_PERIODS)
    assert not round_.ranked
    assert round_.windows[UnitType.COMMUNE] == Window(vn(2025, 1, 1), vn(2025, 6, 15))


@pytest.mark.parametrize(
    "kind, month, problem",
    [
        (RoundKind.PROGRESS_UPDATE, None, "progress update"),
        (RoundKind.PROGRESS_UPDATE, 12, "not 12"),
        (RoundKind.ANNUAL_EVALUATION, 3, "no period month"),
    ],
)
def test_period_month_must_fit_the_kind(kind, month, problem):
    with pytest.raises(ValueError, match=problem):
        Round("r", kind, 2025, CATALOGS, period_month=month, annual_periods=RELEASED_PERIODS)


def test_lifecycle_runs_planned_open_closed_published(annual):
    annual.close(vn(2025, 11, 20))
    annual.publish(vn(2025, 12, 10))
    assert annual.status is RoundStatus.PUBLISHED
    assert [type(e) for e in annual.events] == [RoundOpened, RoundClosed]


@pytest.mark.parametrize(
    "moves, current, requested",
    [
        (["close"], "planned", "closed"),
        (["publish"], "planned", "published"),
        (["open", "open"], "open", "open"),
        (["open", "publish"], "open", "published"),
        (["open", "close", "publish", "close"], "published", "closed"),
    ],
)
def test_illegal_moves_name_current_and_requested_state(units, moves, current, requested):
    round_ = Round("r", RoundKind.ANNUAL_EVALUATION, 2025, CATALOGS, annual_periods=RELEASED_PERIODS)
    *legal, illegal = moves
    for move in legal:
        _move(round_, move, units)
    with pytest.raises(IllegalRoundTransition) as refused:
        _move(round_, illegal, units)
    assert refused.value.data == {"status": current, "requested": requested}
    assert refused.value.message.vi.startswith("Kỳ báo cáo")


def _move(round_, move, units):
    if move == "open":
        round_.open([units["SNV"]], OPENED)
    else:
        getattr(round_, move)(vn(2025, 12, 1))


def test_round_opened_event_carries_what_other_services_need(annual):
    event = annual.events[0]
    assert event.routing_key == "round.opened" and event.cloudevent_type() == "vn.gov.cqs.round.opened"
    assert event.subject == "rounds/annual-2025"
    payload = event.to_data()
    assert payload["kind"] == "annual_evaluation" and payload["year"] == 2025 and payload["period_month"] is None
    assert payload["catalog_versions"] == {"province_department": "hatinh-2021-ref-1", "commune": "hatinh-2021-ref-1"}
    assert payload["windows"]["commune"] == {
        "start": "2024-11-10T00:00:00+07:00",
        "end": "2025-11-10T00:00:00+07:00",
    }
    assert payload["unit_codes"] == ("SNV", "SKHCN", "18073-2025", "18076-2025")
    json.dumps(payload)


def test_a_naive_time_changes_nothing(units):
    round_ = Round("r", RoundKind.ANNUAL_EVALUATION, 2025, CATALOGS, annual_periods=RELEASED_PERIODS)
    with pytest.raises(ValueError, match="time zone"):
        round_.open([units["SNV"]], datetime(2025, 10, 1, 8))
    assert round_.status is RoundStatus.PLANNED and round_.events == []


def test_round_closed_event(annual):
    annual.close(vn(2025, 11, 20))
    event = annual.events[-1]
    assert event.routing_key == "round.closed"
    assert event.to_data() == {
        "round_id": "annual-2025",
        "kind": "annual_evaluation",
        "year": 2025,
        "period_month": None,
        "closed_at": "2025-11-20T00:00:00+07:00",
    }


def test_a_round_cannot_open_units_without_a_catalog(units):
    round_ = Round("r", RoundKind.ANNUAL_EVALUATION, 2025, CATALOGS, annual_periods=RELEASED_PERIODS)
    with pytest.raises(ValueError, match="central_agency"):
        round_.open([units["KBNN"]], OPENED)


def test_submission_inside_the_window_is_accepted(annual, units):
    annual.check_can_submit(units["SNV"], DEPARTMENT_DEADLINE - timedelta(microseconds=1))
    annual.check_can_submit(units["18073-2025"], vn(2025, 11, 9, 23, 59, 59))


def test_submission_at_the_deadline_is_refused_naming_it_in_both_languages(annual, units):
    with pytest.raises(SubmissionClosed) as refused:
        annual.check_can_submit(units["SNV"], DEPARTMENT_DEADLINE)
    error = refused.value
    assert (error.round_id, error.unit_code) == ("annual-2025", "SNV")
    assert error.message.vi == (
        "Đã hết hạn nộp báo cáo của Sở Nội vụ (SNV) trong kỳ annual-2025: hạn chót là "
        "trước 00:00 ngày 15/11/2025 (tức hết ngày 14/11/2025), giờ Việt Nam."
    )
    assert error.message.en == (
        "Submission closed for Department of Home Affairs (SNV) in round annual-2025: the deadline was "
        "before 00:00 on 15 Nov 2025 (the end of 14 Nov 2025), Vietnam time (Asia/Ho_Chi_Minh)."
    )
    assert error.message.vi in str(error) and error.message.en in str(error)


def test_communes_close_before_10_nov(annual, units):
    with pytest.raises(SubmissionClosed, match="10/11/2025"):
        annual.check_can_submit(units["18073-2025"], COMMUNE_DEADLINE)


def test_submission_before_the_window_opens_is_refused(units):
    round_ = Round("progress-2026-03", RoundKind.PROGRESS_UPDATE, 2026, CATALOGS, period_month=3, annual_periods=RELEASED_PERIODS)
    round_.open([units["SNV"]], OPENED)
    with pytest.raises(SubmissionClosed, match="not opened yet: it opens at 2026-01-01T00:00:00\\+07:00"):
        round_.check_can_submit(units["SNV"], vn(2025, 12, 31, 23))


@pytest.mark.parametrize("close_first", [False, True])
def test_no_submission_unless_the_round_is_open(units, close_first):
    round_ = Round("r", RoundKind.ANNUAL_EVALUATION, 2025, CATALOGS, annual_periods=RELEASED_PERIODS)
    if close_first:
        round_.open([units["SNV"]], OPENED)
        round_.close(vn(2025, 10, 2))
    with pytest.raises(SubmissionClosed, match="not accepting reports"):
        round_.check_can_submit(units["SNV"], vn(2025, 10, 3))


def test_units_outside_the_scope_cannot_submit(annual, units):
    with pytest.raises(UnitNotInScope, match="'KBNN'"):
        annual.check_can_submit(units["KBNN"], vn(2025, 10, 3))


def test_an_extension_lets_one_unit_submit_late(annual, units):
    granted_at = vn(2025, 11, 16, 9)
    annual.grant_extension("SNV", vn(2025, 11, 21), ADMIN, "hệ thống lỗi ngày 14/11", granted_at)
    annual.check_can_submit(units["SNV"], vn(2025, 11, 20, 23, 59))
    with pytest.raises(SubmissionClosed):
        annual.check_can_submit(units["SKHCN"], vn(2025, 11, 20))
    [extension] = annual.extensions
    assert (extension.unit_code, extension.by, extension.at, extension.reason) == (
        "SNV", ADMIN, granted_at, "hệ thống lỗi ngày 14/11",
    )


def test_an_expired_extension_is_named_in_the_refusal(annual, units):
    annual.grant_extension("SNV", vn(2025, 11, 21), ADMIN, "lỗi hệ thống", vn(2025, 11, 16))
    with pytest.raises(SubmissionClosed, match="extension ran before 00:00 on 21 Nov 2025") as refused:
        annual.check_can_submit(units["SNV"], vn(2025, 11, 21))
    assert "gia hạn đến trước 00:00 ngày 21/11/2025" in refused.value.message.vi


def test_the_latest_extension_decides(annual, units):
    annual.grant_extension("SNV", vn(2025, 11, 25), ADMIN, "gia hạn", vn(2025, 11, 16))
    annual.grant_extension("SNV", vn(2025, 11, 18), ADMIN, "rút ngắn gia hạn", vn(2025, 11, 17))
    with pytest.raises(SubmissionClosed):
        annual.check_can_submit(units["SNV"], vn(2025, 11, 20))


@pytest.mark.parametrize("reason, by", [("", ADMIN), ("   ", ADMIN), ("lý do", "")])
def test_extension_needs_a_reason_and_an_administrator(annual, reason, by):
    with pytest.raises(ReasonRequired):
        annual.grant_extension("SNV", vn(2025, 11, 21), by, reason, vn(2025, 11, 16))
    assert annual.extensions == []


def test_extension_must_end_after_the_deadline(annual):
    with pytest.raises(ValueError, match="after the deadline"):
        annual.grant_extension("SNV", DEPARTMENT_DEADLINE, ADMIN, "lý do", vn(2025, 11, 1))


def test_window_override_is_recorded_with_who_when_why_before_and_after(annual, units):
    before = annual.windows[UnitType.PROVINCE_DEPARTMENT]
    after = Window(before.start, vn(2025, 11, 22))
    at = vn(2025, 11, 3, 14)
    annual.override_window(UnitType.PROVINCE_DEPARTMENT, after, ADMIN, "15/11 là thứ Bảy", at)
    [override] = annual.window_overrides
    assert (override.unit_type, override.before, override.after, override.by, override.at, override.reason) == (
        UnitType.PROVINCE_DEPARTMENT, before, after, ADMIN, at, "15/11 là thứ Bảy",
    )
    annual.check_can_submit(units["SNV"], vn(2025, 11, 21))


def test_window_override_needs_a_reason(annual):
    with pytest.raises(ReasonRequired):
        annual.override_window(UnitType.COMMUNE, Window(vn(2024, 11, 10), vn(2025, 11, 12)), ADMIN, " ", OPENED)
    assert annual.window_overrides == []


def test_windows_are_frozen_once_the_round_closes(annual):
    annual.close(vn(2025, 11, 20))
    with pytest.raises(IllegalRoundTransition, match="đã đóng"):
        annual.override_window(UnitType.COMMUNE, Window(vn(2024, 11, 10), vn(2025, 12, 1)), ADMIN, "x", OPENED)


def _reminders(round_, now, submitted=("18076-2025", "SNV")):
    return [(r.unit_type, r.days_left, r.unit_codes) for r in round_.due_reminders(now, submitted)]


def test_reminders_go_out_7_days_and_1_day_before_each_deadline_once(annual):
    day = timedelta(days=1)
    assert _reminders(annual, COMMUNE_DEADLINE - 7 * day - timedelta(seconds=1)) == []
    assert _reminders(annual, COMMUNE_DEADLINE - 7 * day) == [("commune", 7, ("18073-2025",))]
    assert _reminders(annual, COMMUNE_DEADLINE - 6 * day) == []
    assert _reminders(annual, DEPARTMENT_DEADLINE - 7 * day) == [("province_department", 7, ("SKHCN",))]
    assert _reminders(annual, COMMUNE_DEADLINE - day) == [("commune", 1, ("18073-2025",))]
    assert _reminders(annual, COMMUNE_DEADLINE - timedelta(hours=1)) == []
    assert _reminders(annual, DEPARTMENT_DEADLINE - day) == [("province_department", 1, ("SKHCN",))]
    assert _reminders(annual, DEPARTMENT_DEADLINE) == []
    sent = [e for e in annual.events if isinstance(e, RoundDeadlineApproaching)]
    assert len(sent) == 4 and sent[0].routing_key == "round.deadline_approaching"
    assert sent[0].to_data()["deadline"] == "2025-11-10T00:00:00+07:00"


def test_a_missed_7_day_reminder_is_never_sent_late(annual):
    late = COMMUNE_DEADLINE - timedelta(hours=12)
    assert _reminders(annual, late) == [("province_department", 7, ("SKHCN",)), ("commune", 1, ("18073-2025",))]
    assert _reminders(annual, late + timedelta(hours=1)) == []


def test_no_reminder_when_everyone_has_submitted(annual):
    everyone = ("SNV", "SKHCN", "18073-2025", "18076-2025")
    assert _reminders(annual, COMMUNE_DEADLINE - timedelta(days=1), everyone) == []


def test_a_window_override_restarts_the_reminders_of_that_type(annual):
    annual.due_reminders(COMMUNE_DEADLINE - timedelta(days=7), ())
    new_deadline = vn(2025, 11, 20)
    annual.override_window(UnitType.COMMUNE, Window(vn(2024, 11, 10), new_deadline), ADMIN, "bão lụt", OPENED)
    reminders = annual.due_reminders(new_deadline - timedelta(days=7), ())
    [commune] = [r for r in reminders if r.unit_type == "commune"]
    assert (commune.days_left, commune.deadline) == (7, "2025-11-20T00:00:00+07:00")


def test_no_reminders_unless_the_round_is_open():
    round_ = Round("r", RoundKind.ANNUAL_EVALUATION, 2025, CATALOGS, annual_periods=RELEASED_PERIODS)
    assert round_.due_reminders(COMMUNE_DEADLINE - timedelta(days=1), ()) == []


def test_scope_holds_active_evaluated_units_of_the_round_types(registry, review_models):
    round_ = Round("annual-2025", RoundKind.ANNUAL_EVALUATION, 2025, CATALOGS, annual_periods=RELEASED_PERIODS)
    scope = round_.scope(registry, review_models, date(2025, 11, 1), RELEASED_EXCLUDED)
    # BCHQS is excluded, STTTT and the 2021 communes no longer exist, KBNN has no catalog here.
    assert [u.code for u in scope] == ["SKHCN", "SNV", "18073-2025"]


def test_scope_refuses_a_unit_the_catalog_excludes_but_the_registry_evaluates(review_models):
    registry = UnitRegistry([dataclasses.replace(u, evaluated=True) if u.code == "BCHQS" else u for u in small_units()])
    round_ = Round("annual-2025", RoundKind.ANNUAL_EVALUATION, 2025, CATALOGS, annual_periods=RELEASED_PERIODS)
    with pytest.raises(ExcludedUnitEvaluated, match=r"Bộ Chỉ huy Quân sự tỉnh' \(BCHQS\) nhưng bộ tiêu chí hatinh-2021-ref-1"):
        round_.scope(registry, review_models, date(2025, 11, 1), RELEASED_EXCLUDED)


def test_scope_fails_when_a_unit_has_no_reviewer(registry, review_models):
    round_ = Round("annual-2020", RoundKind.ANNUAL_EVALUATION, 2020, CATALOGS, annual_periods=RELEASED_PERIODS)
    with pytest.raises(NoReviewer):
        round_.scope(registry, review_models, date(2020, 11, 1), RELEASED_EXCLUDED)


def test_scope_of_the_2025_round_over_the_seed(hatinh_registry, hatinh_review_models):
    catalogs = {t: "hatinh-2021-ref-1" for t in (UnitType.PROVINCE_DEPARTMENT, UnitType.CENTRAL_AGENCY, UnitType.COMMUNE)}
    round_ = Round("annual-2025", RoundKind.ANNUAL_EVALUATION, 2025, catalogs, annual_periods=RELEASED_PERIODS)
    scope = round_.scope(hatinh_registry, hatinh_review_models, date(2025, 11, 14), RELEASED_EXCLUDED)
    by_type = {t: sum(u.unit_type is t for u in scope) for t in catalogs}
    assert by_type == {UnitType.PROVINCE_DEPARTMENT: 15, UnitType.CENTRAL_AGENCY: 8, UnitType.COMMUNE: 69}
    assert not {"BCHQS", "BCHBDBP", "STTTT"} & {u.code for u in scope}


def test_windows_and_extensions_far_from_the_round_are_refused_as_typing_errors():
    round_ = Round("2026-annual", RoundKind.ANNUAL_EVALUATION, 2026, {UnitType.PROVINCE_DEPARTMENT: "v1"}, annual_periods=RELEASED_PERIODS)
    far = datetime(1, 1, 2, tzinfo=VIETNAM_TZ)
    with pytest.raises(ValueError, match="outside"):
        round_.override_window(UnitType.PROVINCE_DEPARTMENT, Window(far, datetime(2026, 11, 15, tzinfo=VIETNAM_TZ)),
                               by="admin", reason="nhập nhầm", now=datetime(2026, 1, 1, tzinfo=VIETNAM_TZ))
    assert round_.window_overrides == []


def test_a_unit_with_an_extension_is_not_reminded_of_the_deadline_it_no_longer_has(annual):
    annual.grant_extension("18073-2025", COMMUNE_DEADLINE + timedelta(days=10), ADMIN, "mất điện kéo dài", OPENED)
    assert _reminders(annual, COMMUNE_DEADLINE - timedelta(days=7)) == []
