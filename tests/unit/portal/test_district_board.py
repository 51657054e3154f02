"""A district's communes board says what its officer needs: by when the district must report its communes' results
to the province and how many days are left, whether and when it reported and which version, how many communes are
scored and so ready to publish against those still in review or not submitted; it offers to publish only what is
new, else says why not; its rounds are those in which the district reviews communes."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import requests

from services.portal.adapters.api_client import ApiError
from services.portal.entrypoints import progress
from tests.unit.portal.rendered import REVIEWER, page

# 2023: the three-tier model, results due before 15/11 (00:00 in Vietnam); 2027: two tiers, no district.
ROUNDS = [{"id": "2027-annual", "kind": "annual_evaluation", "year": 2027, "status": "open",
           "commune_results_due": None},
          {"id": "2023-annual", "kind": "annual_evaluation", "year": 2023, "status": "closed",
           "commune_results_due": "2023-11-14T17:00:00+00:00"}]
BOARD = "/reviewer/district?round_id=2023-annual"
PUBLISH_BUTTON = "Công bố kết quả cấp xã và báo cáo tỉnh"


def commune(code: str, status: str) -> dict:
    return {"id": f"r-{code}", "round_id": "2023-annual", "unit_code": code, "unit_name_vi": f"Xã {code}",
            "status": status}


@pytest.fixture
def district_board(api, signed_in_as, monkeypatch):
    """The district reviewer's board on 9 November 2023 (Vietnam time), its communes and report as a test sets."""
    signed_in_as[0] = REVIEWER
    monkeypatch.setattr(progress, "utc_now", lambda: dt.datetime(2023, 11, 9, 3, 0, tzinfo=dt.timezone.utc))
    api.answers["/rounds"] = ROUNDS

    def set_board(statuses: list[str], report: dict):
        api.answers["/reports"] = [commune(f"180{index}", status) for index, status in enumerate(statuses)]
        api.answers["/rounds/2023-annual/district-reports"] = [{"district": "436", "due": ROUNDS[1][
            "commune_results_due"], "communes_published": 0, "reported_at": None, "snapshot_version": None,
            "late": False, "status": "pending", **report}]
    return set_board


def test_a_district_that_published_and_reported_everything_is_told_so_and_offered_no_button(client, district_board):
    district_board(["published"] * 6, {"status": "reported", "communes_published": 6, "snapshot_version": 2,
                                       "reported_at": "2023-11-08T02:00:00+00:00"})
    html = page(client, BOARD, "vi")
    assert "Hạn nộp: hết ngày 14/11/2023." in html  # reported: no days counted to a deadline already met
    assert "Đã báo cáo ngày 08/11/2023: kết quả của 6 xã, phiên bản 2 của kết quả kỳ đánh giá." in html
    assert "Không có kết quả mới để công bố" in html and PUBLISH_BUTTON not in html
    assert re.search(r'<li><span class="counts__n">6</span> Đã công bố</li>', html)


def test_scored_communes_not_yet_reported_are_counted_with_the_days_left_and_offered_for_publication(
        client, district_board):
    district_board(["scored", "scored", "verified", "evidence_requested", "draft", "returned"], {})
    html = page(client, BOARD, "vi")
    assert "Hạn nộp: hết ngày 14/11/2023, còn 5 ngày." in html
    assert "Chưa báo cáo UBND tỉnh." in html
    counts = dict((label, int(count)) for count, label in re.findall(r'counts__n">(\d+)</span> ([^<]+)</li>', html))
    assert counts == {"Đã chấm điểm, sẵn sàng công bố": 2, "Đang thẩm định": 2, "Chưa nộp": 2}
    assert "2 kết quả xã đã chấm điểm là mới kể từ lần công bố trước." in html and PUBLISH_BUTTON in html
    english = page(client, BOARD, "en")
    assert "Due by the end of 14/11/2023, 5 days left." in english and "Not reported to the province yet." in english
    assert "Publish commune results and report to the province" in english


def test_after_the_due_date_the_board_says_it_passed_and_a_report_is_recorded_late(client, district_board,
                                                                                   monkeypatch):
    monkeypatch.setattr(progress, "utc_now", lambda: dt.datetime(2023, 11, 20, tzinfo=dt.timezone.utc))
    district_board(["scored", "published"], {"status": "reported", "communes_published": 1, "snapshot_version": 1,
                                             "reported_at": "2023-11-16T02:00:00+00:00", "late": True})
    html = page(client, BOARD, "vi")
    assert "Hạn nộp: hết ngày 14/11/2023, đã quá hạn." in html
    assert "Báo cáo nộp sau thời hạn." in html
    assert "Đã quá hạn: báo cáo sẽ được ghi nhận là nộp muộn." in html and PUBLISH_BUTTON in html


def test_a_district_that_reported_some_communes_still_counts_the_days_for_the_others(client, district_board):
    district_board(["published", "submitted"], {"status": "reported", "communes_published": 1, "snapshot_version": 3,
                                                "reported_at": "2023-11-08T02:00:00+00:00"})
    html = page(client, BOARD, "vi")
    assert "Hạn nộp: hết ngày 14/11/2023, còn 5 ngày." in html
    assert "Không có kết quả mới để công bố" in html and PUBLISH_BUTTON not in html


def test_nothing_scored_yet_means_nothing_to_publish(client, district_board):
    district_board(["submitted", "draft"], {})
    html = page(client, BOARD, "vi")
    assert "Chưa có kết quả để công bố: chưa có báo cáo nào của xã được chấm điểm." in html
    assert PUBLISH_BUTTON not in html


def test_the_rounds_offered_are_those_in_which_the_district_reviews_communes(client, district_board):
    district_board(["published"], {"status": "reported", "snapshot_version": 1,
                                   "reported_at": "2023-11-08T02:00:00+00:00"})
    html = page(client, "/reviewer/district", "vi")
    assert re.findall(r'<option value="([^"]+)"', html) == ["2023-annual"]  # not the two-tier 2027 round
    assert client.get("/reviewer/district?round_id=2027-annual").status_code == 404


def test_a_district_without_a_three_tier_round_is_told_it_has_no_communes_to_review(client, district_board, api):
    api.answers["/rounds"] = ROUNDS[:1]
    html = page(client, "/reviewer/district", "vi")
    assert "Huyện chưa có kỳ đánh giá nào có xã cần thẩm định." in html and "<table" not in html


NOT_OWED = "Trong kỳ này huyện không phải báo cáo UBND tỉnh: huyện không thẩm định xã nào trong kỳ."
ROUND_UNKNOWN = "Kỳ đánh giá này chưa được chuyển sang khâu công bố kết quả: huyện chưa có báo cáo nào trong kỳ."
TRY_AGAIN = "Chưa đọc được trạng thái báo cáo tỉnh của huyện; vui lòng thử lại sau."


@pytest.mark.parametrize(("publication_answer", "said"), [
    (ApiError(403, {"title": "Forbidden", "detail": "unit '436' does not review in round '2023-annual' as "
                                                    "'district_reviewer'"}), NOT_OWED),
    ([], NOT_OWED),  # a district reviewing some commune of another's, owing no report of its own
    (ApiError(404, {"title": "Not Found", "detail": "round '2023-annual' not found"}), ROUND_UNKNOWN),
    (ApiError(503, {"title": "Service Unavailable"}), TRY_AGAIN),
    (requests.ConnectionError("connection refused"), TRY_AGAIN),
], ids=["refused", "no-item", "unknown-round", "outage", "unreachable"])
def test_a_report_publication_does_not_give_is_explained_by_why(client, district_board, api, publication_answer,
                                                                said):
    district_board(["scored"], {})
    api.answers["/rounds/2023-annual/district-reports"] = publication_answer
    html = page(client, BOARD, "vi")
    assert f'<p id="province-report-state">{said}</p>' in html
    assert ("Hạn nộp" in html) is (said != NOT_OWED)  # a district owing no report has no due date to meet


def test_a_district_owing_no_report_is_told_so_in_english_too(client, district_board, api):
    district_board(["scored"], {})
    api.answers["/rounds/2023-annual/district-reports"] = ApiError(403, {"title": "Forbidden"})
    assert "Your district owes the province no report in this round: it reviews no commune in it." in page(
        client, BOARD, "en")
