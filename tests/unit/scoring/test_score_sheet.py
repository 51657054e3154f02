import datetime as dt
from decimal import Decimal

import pytest

from services.scoring.domain.scores import IncompleteInputs, ScoreSheet
from shared.criteria import load_catalog
from shared.domain.report_header import ReportHeader
from tests.support.answers import complete_answers

NOW = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)
COMMUNE = load_catalog("hatinh-2021-ref-1").unit_type("commune")


def sheet_with(answers, overrides=None, no_data=None) -> ScoreSheet:
    """A sheet whose verified inputs are complete, with `answers` over a full set."""
    sheet = ScoreSheet("r1", ReportHeader("2026", "X01", "Xã Thạch Hạ", "commune", "H-TPHT", "district"))
    sheet.take_verified("hatinh-2021-ref-1", 1, {**complete_answers(COMMUNE), **answers}, overrides or {}, no_data)
    return sheet


def test_a_required_input_missing_without_a_no_data_record_is_not_scored():
    answers = complete_answers(COMMUNE)
    del answers["portal_quality_score"]
    sheet = ScoreSheet("r1", ReportHeader("2026", "X01", "Xã Thạch Hạ", "commune", "H-TPHT", "district"))
    sheet.take_verified("hatinh-2021-ref-1", 1, answers, {})
    with pytest.raises(IncompleteInputs, match="portal_quality_score"):
        sheet.score(COMMUNE, reason="verified", now=NOW)
    assert sheet.scores == [] and sheet.events == []

    sheet.take_verified("hatinh-2021-ref-1", 1, answers, {}, {"portal_quality_score": "Cổng không truy cập được"})
    score = sheet.score(COMMUNE, reason="verified", now=NOW)
    [criterion] = [c for c in score.breakdown["criteria"] if c["code"] == "6.6"]
    assert criterion["points"] == "0.00"  # the catalog's rule for a missing value


def test_scoring_records_a_score_and_a_scored_event_with_the_breakdown():
    sheet = sheet_with({"tasks_done_on_time": 7, "tasks_assigned": 48, "annual_plan_issued": True})
    score = sheet.score(COMMUNE, reason="verified revision 1", now=NOW)
    [event] = sheet.events
    assert event.routing_key == "report.scored"
    assert event.criteria["1.4"] == "4.38"  # 7/48 × 30 = 4.375, rounded half-up once
    assert event.total == str(score.total)
    assert event.catalog_version == "hatinh-2021-ref-1" and event.reviewer_kind == "district"


def test_the_same_inputs_under_the_same_catalog_add_no_second_score():
    sheet = sheet_with({"annual_plan_issued": True})
    assert sheet.score(COMMUNE, reason="first", now=NOW) is not None
    assert sheet.score(COMMUNE, reason="again", now=NOW) is None
    assert len(sheet.scores) == 1 and len(sheet.events) == 1


def test_new_verified_inputs_retire_the_old_score_without_deleting_it():
    sheet = sheet_with({"annual_plan_issued": True})
    first = sheet.score(COMMUNE, reason="first", now=NOW)
    sheet.take_verified("hatinh-2021-ref-1", 2, {**complete_answers(COMMUNE), "annual_plan_issued": False}, {})
    second = sheet.score(COMMUNE, reason="second", now=NOW)
    assert [score.current for score in sheet.scores] == [False, True]
    assert sheet.current_score is second and first.total - second.total == Decimal("30.00")


def test_a_reviewer_points_override_is_applied_and_clamped():
    sheet = sheet_with({"portal_quality_score": 10}, overrides={"6.6": "999"})
    sheet.score(COMMUNE, reason="verified", now=NOW)
    assert Decimal(sheet.events[0].criteria["6.6"]) == COMMUNE.criteria_by_code["6.6"].max_points
