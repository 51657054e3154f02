"""A number typed into the portal is read as the page's language writes it, and never guessed: on a Vietnamese page
"1.000" is one thousand (as the page's own hint writes it) and "87,5" eighty-seven and a half; "87.5" has a decimal
point (a group has three digits); "1,000", which Vietnamese reads as one and English as one thousand, is refused
beside its field and nothing is sent. English pages are the mirror image. The API always gets its machine decimal."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from services.portal.domain.numbers import AmbiguousNumber, typed_number
from services.portal.entrypoints.report_form import shown
from tests.unit.portal.rendered import REVIEWER

READ_ALIKE = {"100": "100", "0": "0", "-3": "-3", "007": "7", "1.000.000": "1000000", "1,000,000": "1000000",
              "1.000,5": "1000.5", "1,000.5": "1000.5", "0,25": "0.25", "0.25": "0.25", "1,5": "1.5", "1.5": "1.5",
              "22.50": "22.5", "22,50": "22.5", "0,500": "0.5", "0.500": "0.5"}


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_a_number_written_one_way_only_reads_the_same_on_either_page(locale):
    assert {text: typed_number(text, locale) for text in READ_ALIKE} == READ_ALIKE


def test_a_vietnamese_page_reads_its_own_grouping_and_refuses_a_lone_comma_before_three_digits():
    assert [typed_number(text, "vi") for text in ("1.000", "12.345", "87,5", "87.5")] == [
        "1000", "12345", "87.5", "87.5"]
    for text, readings in (("1,000", (Decimal(1000), Decimal(1))), ("2,500", (Decimal(2500), Decimal("2.5")))):
        with pytest.raises(AmbiguousNumber) as refused:
            typed_number(text, "vi")
        assert refused.value.readings == readings


def test_an_english_page_is_the_mirror_image():
    assert [typed_number(text, "en") for text in ("1,000", "12,345", "87.5", "87,5")] == [
        "1000", "12345", "87.5", "87.5"]
    with pytest.raises(AmbiguousNumber) as refused:
        typed_number("1.000", "en")
    assert refused.value.readings == (Decimal(1000), Decimal(1))


def test_a_text_that_is_no_number_either_way_is_left_for_the_api_to_name():
    assert [typed_number(text, "vi") for text in ("abc", "1.2.3", "1,2,3", "1.00.000", "-", ",", "1e3")] == [None] * 7


def test_an_answer_is_shown_back_in_its_box_as_the_page_writes_it_and_reads_back_the_same(vietnamese):
    percent, count = {"type": "percent"}, {"type": "int"}
    assert [shown(percent, "87.5"), shown(count, 1000), shown(count, 2), shown(percent, 92.5)] == [
        "87,5", "1000", "2", "92,5"]
    assert typed_number(shown(percent, "87.5"), "vi") == "87.5" and typed_number(shown(count, 1000), "vi") == "1000"
    assert shown(percent, "nhiều") == "nhiều"  # a draft's value that is no number, as typed
    assert shown({"type": "text"}, "87.5") == "87.5"


def post(client, path: str, lang: str, data: dict):
    client.set_cookie("lang", lang)
    return client.post(path, data=data)


def flat(response) -> str:
    return re.sub(r"\s+", " ", response.text)


def test_one_thousand_typed_the_vietnamese_way_is_saved_as_one_thousand(client, api):
    saved = post(client, "/reports/r1/groups/1", "vi", {"dt_meetings_count": "1.000"})
    assert saved.status_code == 302
    assert api.sent == [("PATCH", "/reports/r1", {"answers": {"dt_meetings_count": "1000"}})]
    post(client, "/reports/r1/groups/4", "vi", {"civil_registers_digitised_pct": "92,5"})
    assert api.sent[-1] == ("PATCH", "/reports/r1", {"answers": {"civil_registers_digitised_pct": "92.5"}})


def test_a_number_read_two_ways_is_refused_beside_its_field_and_nothing_is_sent(client, api):
    refused = post(client, "/reports/r1/groups/1", "vi", {"dt_meetings_count": "1,000", "dt_news_count": "4"})
    assert refused.status_code == 422 and api.sent == []
    html = flat(refused)
    message = "Số “1,000” đọc được hai cách: 1000 hoặc 1. Hãy gõ lại theo đúng một trong hai cách viết này."
    assert re.search(r'<p id="dt_meetings_count-error" class="error-message" aria-live="polite">'
                     r'<span class="visually-hidden">Lỗi:</span> ' + re.escape(message), html)
    assert f'<a href="#dt_meetings_count">{message}</a>' in html  # the error summary links to the field
    assert re.search(r'id="dt_meetings_count" name="dt_meetings_count" value="1,000"', html)  # as typed
    english = flat(post(client, "/reports/r1/groups/1", "en", {"dt_meetings_count": "2.500"}))
    assert "The number “2.500” reads two ways: 2500 or 2.5. Type it again as one of the two." in english
    assert api.sent == []


def test_the_group_page_shows_a_decimal_answer_in_its_box_the_vietnamese_way(client):
    client.set_cookie("lang", "vi")
    html = flat(client.get("/reports/r1/groups/4"))
    assert 'name="civil_registers_digitised_pct" value="87,5"' in html


def test_autosave_reads_the_number_the_same_way(client, api):
    saved = post(client, "/reports/r1/autosave", "vi", {"dt_meetings_count": "1.000"}).json
    assert saved["errors"] == {} and api.sent == [("PATCH", "/reports/r1", {"answers": {"dt_meetings_count": "1000"}})]
    refused = post(client, "/reports/r1/autosave", "vi", {"dt_meetings_count": "1,000", "dt_news_count": "4"}).json
    assert refused["errors"] == {"dt_meetings_count": "Số “1,000” đọc được hai cách: 1000 hoặc 1. "
                                                      "Hãy gõ lại theo đúng một trong hai cách viết này."}
    assert api.sent[1:] == [("PATCH", "/reports/r1", {"answers": {"dt_news_count": "4"}})]  # the others are kept


def test_the_reviewers_adjustment_reads_the_number_the_same_way(client, api, signed_in_as):
    signed_in_as[0] = REVIEWER
    adjustment = {"criterion": "1.7", "type-late_reports_count": "int", "was-late_reports_count": "",
                  "reason": "Theo sổ theo dõi", "expected_version": "4"}
    refused = post(client, "/reviewer/cases/r1/adjust", "vi", {**adjustment, "value-late_reports_count": "1,000"})
    assert refused.status_code == 422 and api.sent == []
    html = flat(refused)
    message = "Số “1,000” đọc được hai cách: 1000 hoặc 1. Hãy gõ lại theo đúng một trong hai cách viết này."
    assert f'<a href="#adjust-1.7-late_reports_count">{message}</a>' in html
    assert f'<p id="adjust-1.7-late_reports_count-error" class="error-message"><span class="visually-hidden">Lỗi:' \
           f'</span> {message}</p>' in html
    assert 'name="value-late_reports_count" value="1,000"' in html and ">Theo sổ theo dõi</textarea>" in html
    assert post(client, "/reviewer/cases/r1/adjust", "vi", {**adjustment, "value-late_reports_count": "1.000"}
                ).status_code == 302
    assert api.sent[0][2]["values"] == {"late_reports_count": "1000"}
