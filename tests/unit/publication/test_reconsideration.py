import datetime as dt

import pytest

from services.publication.domain.reconsideration import Reconsideration, ReconsiderationRefused

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)


def filed(criteria=("1.4", "2.1"), window_open=True, reason="Có biên bản kèm theo"):
    return Reconsideration.file(window_open=window_open, known_criteria={"1.4", "2.1", "3.2"}, criteria=list(criteria),
                                reason=reason, round_id="2026-annual", report_id="r1", unit_code="STC",
                                unit_name_vi="Sở Tài chính", reviewer_unit_code="SKHCN", published_score_id="s1",
                                filed_by="u", filed_at=NOW)


def test_a_request_names_known_criteria_and_a_reason_within_the_window():
    with pytest.raises(ReconsiderationRefused, match="hết thời hạn"):
        filed(window_open=False)
    with pytest.raises(ReconsiderationRefused, match="9.9"):
        filed(criteria=["9.9"])
    with pytest.raises(ReconsiderationRefused, match="lý do"):
        filed(reason="  ")
    assert filed().status == "pending"


def test_each_criterion_is_answered_and_a_rejection_needs_a_reason():
    request = filed()
    with pytest.raises(ReconsiderationRefused, match="lý do"):
        request.answer("1.4", "rejected", "", by="rv", now=NOW)
    request.answer("1.4", "rejected", "Minh chứng không mới", by="rv", now=NOW)
    assert request.status == "pending" and not request.events
    with pytest.raises(ReconsiderationRefused):
        request.answer("1.4", "accepted", "", by="rv", now=NOW)
    request.answer("2.1", "accepted", "Hợp lệ", by="rv", now=NOW)
    assert request.status == "accepted"
    [event] = request.events
    assert (event.routing_key, event.criteria, event.answers) == (
        "report.reconsideration_accepted", ["2.1"], {"2.1": "Hợp lệ"})


def test_the_final_results_wait_for_an_answer_and_for_the_re_score():
    request = filed(criteria=["1.4"])
    assert request.awaits("s1")
    request.answer("1.4", "accepted", "", by="rv", now=NOW)
    assert request.awaits("s1") and not request.awaits("s2")
    rejected = filed(criteria=["1.4"])
    rejected.answer("1.4", "rejected", "Không đủ căn cứ", by="rv", now=NOW)
    assert not rejected.awaits("s1") and not rejected.events
