"""A unit's home counts the days to its deadline only while the report is the unit's to send; a sent report says
where it stands, in the province's words."""
import pytest

from services.portal.entrypoints.progress import Summary


def summary_of(status: str, **report) -> Summary:
    return Summary({"id": "r-1", "status": status, **report}, "Báo cáo năm 2027", deadline=None, days_left=12,
                   filled=36, total=36, missing_evidence=0)


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_a_draft_or_a_returned_report_is_the_units_to_send_by_its_deadline(status):
    assert summary_of(status).to_send


@pytest.mark.parametrize(("status", "said"), [
    ("submitted", "Đã nộp: báo cáo đang chờ thẩm định."),
    ("verified", "Báo cáo đã được thẩm định, đang chờ chấm điểm."),
    ("scored", "Báo cáo đã được thẩm định và chấm điểm; kết quả đang chờ công bố."),
    ("published", "Kết quả của đơn vị trong kỳ báo cáo này đã được công bố."),
])
def test_a_sent_report_says_where_it_stands_instead_of_the_days_left(vietnamese, status, said):
    summary = summary_of(status)
    assert not summary.to_send
    assert summary.standing == said


def test_an_evidence_request_says_by_when_to_answer_it(vietnamese):
    summary = summary_of("evidence_requested", evidence_due_date="2027-11-17")
    assert not summary.to_send
    assert summary.standing == "Cơ quan thẩm định yêu cầu bổ sung minh chứng, hạn bổ sung: 17/11/2027."
