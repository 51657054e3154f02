import datetime as dt

import pytest

from services.submission.domain.reports import Report, ReportNotEditable
from shared.domain.lifecycle import IllegalTransition, ReportStatus
from shared.domain.report_header import ReportHeader

NOW = dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc)


def draft() -> Report:
    return Report(id="r1",
                  header=ReportHeader(round_id="2026", unit_code="U1", unit_name_vi="Sở Tài chính",
                                      unit_type="province_department", reviewer_unit_code="SKHCN",
                                      reviewer_kind="department"),
                  catalog_version="hatinh-2021-ref-1")


def test_submitting_records_the_answers_in_the_event():
    report = draft()
    report.update_answers({"annual_plan_issued": True, "dt_meetings_count": 3})
    report.submit(by="reporter", now=NOW, evidence={})
    [event] = report.events
    assert event.routing_key == "report.submitted"
    assert event.answers == {"annual_plan_issued": True, "dt_meetings_count": 3}
    assert (event.revision, event.reviewer_unit_code) == (1, "SKHCN")
    assert report.state is ReportStatus.SUBMITTED


def test_a_submitted_report_cannot_be_edited_or_submitted_again():
    report = draft()
    report.submit(by="reporter", now=NOW, evidence={})
    with pytest.raises(ReportNotEditable):
        report.update_answers({"annual_plan_issued": False})
    with pytest.raises(IllegalTransition, match="Báo cáo đã được nộp, không thể nộp lại"):
        report.submit(by="reporter", now=NOW, evidence={})


def test_a_returned_report_reopens_as_a_draft_and_keeps_the_comments():
    report = draft()
    report.submit(by="reporter", now=NOW, evidence={})
    report.returned("Thiếu minh chứng", {"1.1": "Bổ sung kế hoạch"})
    report.update_answers({"annual_plan_issued": True})
    assert report.state is ReportStatus.DRAFT
    assert report.criterion_comments == {"1.1": "Bổ sung kế hoạch"}
    report.submit(by="reporter", now=NOW, evidence={})
    assert report.revision == 2


def test_evidence_reply_names_the_changed_fields():
    report = draft()
    report.update_answers({"dt_meetings_count": 2, "annual_plan_issued": True})
    report.submit(by="reporter", now=NOW, evidence={})
    report.evidence_requested([{"criterion": "1.4", "message": "Gửi biên bản họp"}], "2026-10-10")
    report.events.clear()
    report.provide_evidence(changes={"dt_meetings_count": 3}, note="Đã bổ sung", by="reporter", now=NOW, evidence={})
    [event] = report.events
    assert event.changed_fields == ["dt_meetings_count"]
    assert report.state is ReportStatus.SUBMITTED


def test_evidence_cannot_be_provided_unless_requested():
    report = draft()
    report.submit(by="reporter", now=NOW, evidence={})
    with pytest.raises(IllegalTransition):
        report.provide_evidence(changes={}, note="x", by="reporter", now=NOW, evidence={})


def test_clearing_an_answer_with_none_or_blank_text_removes_it():
    report = draft()
    report.update_answers({"dt_meetings_count": 2})
    report.update_answers({"dt_meetings_count": None, "annual_plan_issued": "  "})
    assert report.answers == {}


def test_the_later_states_are_followed_in_order_only():
    report = draft()
    report.submit(by="reporter", now=NOW, evidence={})
    with pytest.raises(IllegalTransition):
        report.follow(ReportStatus.SCORED)
    for status in (ReportStatus.VERIFIED, ReportStatus.SCORED, ReportStatus.SCORED, ReportStatus.PUBLISHED):
        report.follow(status)
    assert report.state is ReportStatus.PUBLISHED


def test_answers_change_during_an_evidence_request_only_through_the_reply():
    report = draft()
    report.submit(by="reporter", now=NOW, evidence={})
    report.evidence_requested([{"criterion": "1.4", "message": "Gửi biên bản họp"}], "2026-10-10")
    with pytest.raises(ReportNotEditable):
        report.update_answers({"dt_meetings_count": 4})


def test_a_re_score_after_publication_is_followed():
    report = draft()
    report.submit(by="reporter", now=NOW, evidence={})
    for status in (ReportStatus.VERIFIED, ReportStatus.SCORED, ReportStatus.PUBLISHED, ReportStatus.SCORED):
        report.follow(status)
    assert report.state is ReportStatus.SCORED
