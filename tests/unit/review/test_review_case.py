"""The review case: following submissions, deciding criteria, evidence requests, return,
verification (with and without four-eyes), and what each step records."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from services.review.domain.cases import AWAITING_APPROVAL
from services.review.domain.errors import (
    ApprovalRefused,
    InvalidDecision,
    NotUnderReview,
    SelfApproval,
    UndecidedCriteria,
)
from shared.domain.lifecycle import IllegalTransition
from shared.domain.report_events import ReportEvidenceRequested, ReportReturned, ReportVerified
from tests.unit.review.conftest import NOW, accept_all, pdf, submission

LATER = NOW + dt.timedelta(days=2)


def decide(case, catalog, code, decision="accept", *, values=None, points=None, reason="", by="reviewer-a"):
    return case.decide(catalog, code, decision, values=values, points=points, reason=reason, by=by,
                       by_unit="HT-H-01", now=NOW)


def test_a_submission_opens_the_case_with_its_first_version(case, answers):
    assert case.status == "submitted" and case.revision == 1 and case.submitted_at == NOW
    assert [(s.seq, s.revision, s.kind) for s in case.snapshots] == [(1, 1, "submitted")]
    assert case.current.answers == answers


def test_an_already_known_revision_changes_nothing(case, catalog, answers):
    assert case.receive_submission(submission(answers, revision=1), catalog) is False
    assert len(case.snapshots) == 1 and case.recorded == []


def test_accept_and_adjust_values_give_the_reviewed_answers(case, catalog, answers):
    decide(case, catalog, "1.1")
    made = decide(case, catalog, "1.4", "adjust", values={"tasks_done_on_time": 6}, reason="Biên bản ghi 6 nhiệm vụ")
    assert made.values == {"tasks_done_on_time": {"before": answers["tasks_done_on_time"], "after": 6}}
    assert case.reviewed_answers() == {**answers, "tasks_done_on_time": 6}
    assert case.current.answers == answers  # the unit's declaration is kept as it was
    [first, second] = case.recorded
    assert (second.action, second.criterion, second.before, second.reason) == (
        "decision_recorded", "1.4", None, "Biên bản ghi 6 nhiệm vụ")
    assert second.after["values"]["tasks_done_on_time"]["after"] == 6


@pytest.mark.parametrize("values, points, reason, message", [
    ({"tasks_done_on_time": 6}, None, "  ", "phải nêu lý do"),
    ({}, None, "lý do", "giá trị mới hoặc điểm mới"),
    ({"annual_plan_issued": False}, None, "lý do", "không thuộc tiêu chí 1.4"),
    ({"tasks_done_on_time": -1}, None, "lý do", "phải là số nguyên không âm"),
    ({"tasks_done_on_time": 2.5}, None, "lý do", "phải là số nguyên không âm"),
    ({"tasks_done_on_time": "sáu"}, None, "lý do", "phải là số nguyên không âm"),
    ({"tasks_done_on_time": None}, None, "lý do", "không được để trống"),
    ({"tasks_done_on_time": 11}, None, "lý do", "không được lớn hơn trường “Tổng số nhiệm vụ được giao \\(b\\)”"),
    ({}, Decimal("31"), "lý do", "phải từ 0 đến 30"),
    ({}, Decimal("12.345"), "lý do", "tối đa 2 chữ số thập phân"),
])
def test_an_invalid_adjustment_is_refused_and_changes_nothing(case, catalog, values, points, reason, message):
    with pytest.raises(InvalidDecision, match=message):
        decide(case, catalog, "1.4", "adjust", values=values, points=points, reason=reason)
    assert case.decisions == {} and case.recorded == []


def test_an_adjustment_to_the_declared_value_is_refused(case, catalog, answers):
    with pytest.raises(InvalidDecision, match="trùng với giá trị đơn vị kê khai"):
        decide(case, catalog, "1.4", "adjust", values={"tasks_done_on_time": answers["tasks_done_on_time"]},
               reason="lý do")


def test_an_unknown_criterion_or_points_on_an_information_criterion_is_refused(case, catalog):
    with pytest.raises(InvalidDecision, match="không có trong bộ tiêu chí"):
        decide(case, catalog, "9.9")
    with pytest.raises(InvalidDecision, match="chỉ để thông tin"):
        decide(case, catalog, "2.5", "adjust", points=Decimal("1"), reason="x")
    with pytest.raises(InvalidDecision, match="không kèm giá trị"):
        decide(case, catalog, "1.1", "accept", values={"annual_plan_issued": False})


def test_a_shared_field_has_one_reviewed_value(case, catalog):
    decide(case, catalog, "2.2", "adjust", values={"staff_total": 40}, reason="Danh sách cán bộ có 40 người")
    with pytest.raises(InvalidDecision, match="đã được điều chỉnh thành 40 ở tiêu chí 2.2"):
        decide(case, catalog, "3.1", "adjust", values={"staff_total": 45}, reason="khác")
    decide(case, catalog, "3.1", "adjust", values={"staff_total": 40, "staff_with_computer": 7}, reason="Kiểm kê")


def test_points_adjustment_records_the_formula_result_it_replaces(case, catalog, answers):
    made = decide(case, catalog, "4.3", "adjust", points=Decimal("12.5"), reason="Dữ liệu cập nhật chậm")
    # An assessed criterion scores its input as it is: the formula gave the declared score.
    assert (made.points, made.points_before) == ("12.50", f"{answers['data_update_score']:.2f}")


def test_verify_needs_every_criterion_with_inputs_decided(case, catalog):
    decide(case, catalog, "1.1")
    with pytest.raises(UndecidedCriteria) as refused:
        case.verify(catalog, four_eyes=False, by="reviewer-a", by_unit="HT-H-01", now=NOW)
    undecided = refused.value.data["undecided"]
    assert undecided[0] == "1.2" and "1.1" not in undecided
    assert len(undecided) == len(catalog.criteria) - 1
    assert case.status == "submitted" and case.events == []


def test_verification_publishes_the_reviewed_values_and_every_adjustment(case, catalog, answers):
    decide(case, catalog, "1.4", "adjust", values={"tasks_done_on_time": 6}, reason="Biên bản")
    decide(case, catalog, "4.3", "adjust", points=Decimal("12.5"), reason="Chậm cập nhật")
    accept_all(case, catalog)
    case.verify(catalog, four_eyes=False, by="reviewer-a", by_unit="HT-H-01", now=LATER)
    assert case.status == "verified"
    [event] = case.events
    assert isinstance(event, ReportVerified)
    assert event.answers == {**answers, "tasks_done_on_time": 6}
    assert event.self_assessed_answers == answers
    assert event.points_overrides == {"4.3": "12.50"}
    assert event.reviewer_unit_code == "HT-H-01" and event.verified_by == "reviewer-a"
    lines = [(a["criterion"], a["target"], a["field"], a["before"], a["after"], a["reason"]) for a in event.adjustments]
    assert lines == [
        ("1.4", "field", "tasks_done_on_time", answers["tasks_done_on_time"], 6, "Biên bản"),
        ("4.3", "points", None, f"{answers['data_update_score']:.2f}", "12.50", "Chậm cập nhật"),
    ]
    assert case.recorded[-1].action == "verified"


def test_an_evidence_request_and_the_reply_show_what_changed(case, catalog, answers):
    decide(case, catalog, "1.1")
    decide(case, catalog, "1.3")
    decide(case, catalog, "2.1")
    request = case.request_evidence(catalog, [{"criterion": "1.4", "message": "Bổ sung biên bản"},
                                              {"criterion": "1.1", "message": "Bản ký số của kế hoạch"}],
                                    dt.date(2026, 12, 10), by="reviewer-a", by_unit="HT-H-01", now=NOW)
    assert case.status == "evidence_requested" and request.is_open
    [event] = case.events
    assert isinstance(event, ReportEvidenceRequested) and event.due_date == "2026-12-10"
    assert event.requests[0] == {"criterion": "1.4", "message": "Bổ sung biên bản"}

    case.receive_evidence(answers={**answers, "dt_meetings_count": 4},
                          evidence={"1.1": [pdf("f1")], "1.4": [pdf("f2")]}, note="Đã bổ sung",
                          by="reporter", at=LATER, catalog=catalog)
    assert case.status == "submitted" and not request.is_open
    assert request.reply["changes"] == [{"field": "dt_meetings_count", "before": answers["dt_meetings_count"],
                                         "after": 4}]
    assert [(f["criterion"], f["file_id"]) for f in request.reply["new_files"]] == [("1.4", "f2")]
    # The requested criteria and the one whose value changed are open again; the others stand.
    assert set(case.decisions) == {"2.1"}
    reopened = [entry.criterion for entry in case.recorded if entry.action == "decision_reopened"]
    assert sorted(reopened) == ["1.1", "1.3"]
    assert [s.kind for s in case.snapshots] == ["submitted", "evidence_provided"]


def test_an_evidence_request_needs_a_future_date_and_known_criteria(case, catalog):
    with pytest.raises(InvalidDecision, match="đã qua"):
        case.request_evidence(catalog, [{"criterion": "1.4", "message": "x"}], dt.date(2026, 11, 30),
                              by="a", by_unit="HT-H-01", now=NOW)
    with pytest.raises(InvalidDecision, match="'7.1' không có"):
        case.request_evidence(catalog, [{"criterion": "7.1", "message": "x"}], dt.date(2026, 12, 30),
                              by="a", by_unit="HT-H-01", now=NOW)
    assert case.status == "submitted"


def test_return_then_resubmission_keeps_both_versions_and_only_reopens_what_changed(case, catalog, answers):
    accept_all(case, catalog)
    case.return_for_revision(catalog, "Số liệu chưa khớp", {"1.4": "Kiểm tra số nhiệm vụ"}, by="reviewer-a",
                             by_unit="HT-H-01", now=NOW)
    assert case.status == "returned"
    [event] = case.events
    assert isinstance(event, ReportReturned) and event.criterion_comments == {"1.4": "Kiểm tra số nhiệm vụ"}
    with pytest.raises(NotUnderReview):
        decide(case, catalog, "1.4")

    revised = {**answers, "tasks_done_on_time": answers["tasks_done_on_time"] - 1}
    assert case.receive_submission(submission(revised, revision=2, at=LATER), catalog)
    assert (case.status, case.revision, case.review_comment) == ("submitted", 2, "")
    assert [s.revision for s in case.snapshots] == [1, 2]
    assert case.undecided(catalog) == ["1.4"]


def test_four_eyes_needs_a_second_reviewer(case, catalog):
    accept_all(case, catalog)
    case.verify(catalog, four_eyes=True, by="reviewer-a", by_unit="HT-H-01", now=NOW)
    assert (case.status, case.queue_status, case.events) == ("submitted", AWAITING_APPROVAL, [])
    with pytest.raises(SelfApproval, match="không thể tự phê duyệt"):
        case.approve(catalog, by="reviewer-a", by_unit="HT-H-01", now=LATER)
    with pytest.raises(ApprovalRefused, match="đang chờ phê duyệt"):
        case.verify(catalog, four_eyes=True, by="reviewer-b", by_unit="HT-H-01", now=NOW)
    case.approve(catalog, by="reviewer-b", by_unit="HT-H-01", now=LATER)
    [event] = case.events
    assert case.status == "verified" and event.verified_by == "reviewer-a"
    assert [(e.action, e.actor) for e in case.recorded[-2:]] == [("verification_requested", "reviewer-a"),
                                                                 ("approved", "reviewer-b")]


def test_a_change_after_a_four_eyes_verification_withdraws_it(case, catalog):
    accept_all(case, catalog)
    case.verify(catalog, four_eyes=True, by="reviewer-a", by_unit="HT-H-01", now=NOW)
    decide(case, catalog, "1.4", "adjust", values={"tasks_done_on_time": 6}, reason="Sai số", by="reviewer-b")
    assert case.queue_status == "submitted"
    assert "verification_withdrawn" in [entry.action for entry in case.recorded]
    with pytest.raises(ApprovalRefused, match="Không có kết quả xác nhận"):
        case.approve(catalog, by="reviewer-b", by_unit="HT-H-01", now=LATER)


def test_verify_is_refused_while_the_unit_is_answering(case, catalog):
    case.request_evidence(catalog, [{"criterion": "1.4", "message": "x"}], dt.date(2026, 12, 10),
                          by="a", by_unit="HT-H-01", now=NOW)
    with pytest.raises(IllegalTransition, match="chờ đơn vị bổ sung minh chứng, không thể xác nhận"):
        case.verify(catalog, four_eyes=False, by="a", by_unit="HT-H-01", now=NOW)


def test_every_entry_names_the_version_its_actor_acted_on(case, catalog):
    case.version = 3  # as loaded from the database
    decide(case, catalog, "1.1")
    assert [(e.subject_version, e.actor, e.actor_unit, e.report_id) for e in case.recorded] == [
        (3, "reviewer-a", "HT-H-01", "r-1")]
