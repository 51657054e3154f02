"""A number reads as its reader writes it on every page: the services' "344.69" is 344,69 on a Vietnamese page and
344.69 on an English one, "0.00" is 0; a deduction says what it takes away instead of "at most 0 points". The
pages are rendered by the portal itself, its APIs answered by a fake, as the services answer."""
from __future__ import annotations

import re

from services.portal.domain.numbers import number
from tests.unit.portal.rendered import CATALOG, REVIEWER, FakeApi, page


def test_a_number_is_written_as_its_reader_writes_it():
    assert [number(value, "vi") for value in ("344.69", "0.00", "22.50", "1000.00", 1234.5, -15)] == [
        "344,69", "0", "22,5", "1.000", "1.234,5", "-15"]
    assert [number(value, "en") for value in ("344.69", "0.00", "1000.00")] == ["344.69", "0", "1,000"]
    assert number("0.33333", "vi") == "0,33333"  # every digit it has: CLDR's pattern alone would round to 0,333
    assert number(None, "vi") == "—"
    assert number("chưa rõ", "vi") == "chưa rõ"  # not a number (an answer kept from an older form): as given


def test_the_clerks_group_page_writes_scores_in_the_pages_language(client):
    vietnamese = page(client, "/reports/r1/groups/1", "vi")
    assert '<span class="score-panel__total" id="score-total">344,69</span> điểm' in vietnamese
    assert "Nhóm này: 0 / 150" in vietnamese
    assert "(tối đa 30 điểm)" in vietnamese  # 1.1
    assert "344.69" not in vietnamese and "0.00" not in vietnamese
    english = page(client, "/reports/r1/groups/1", "en")
    assert '<span class="score-panel__total" id="score-total">344.69</span> points' in english
    assert "This group: 0 / 150" in english


def test_a_deduction_is_headed_by_what_it_takes_away_from_the_catalogs_rule(client):
    form = FakeApi().answers[f"/catalogs/{CATALOG}/unit-types/commune"]
    deduction = next(criterion for group in form["groups"] for criterion in group["criteria"]
                     if criterion["rule"]["kind"] == "deduction")
    assert (deduction["code"], deduction["max_points"], deduction["min_points"]) == ("1.7", 0, -15)
    vietnamese = page(client, "/reports/r1/groups/1", "vi")
    heading = re.search(r'<h2 id="title-1\.7">(.*?)</h2>', vietnamese).group(1)
    assert "(trừ tối đa 15 điểm)" in heading and "tối đa 0 điểm" not in vietnamese
    english = page(client, "/reports/r1/groups/1", "en")
    assert "(deducts up to 15 points)" in re.search(r'<h2 id="title-1\.7">(.*?)</h2>', english).group(1)


def test_the_task_list_and_the_check_page_write_the_provisional_score_and_numeric_answers(client):
    assert "Điểm tạm tính: 344,69 điểm." in page(client, "/reports/r1", "vi")
    check = page(client, "/reports/r1/check", "vi")
    assert "Điểm tạm tính: 344,69 điểm." in check
    assert re.search(r'id="civil_registers_digitised_pct"><dt>[^<]*</dt> <dd>87,5 %', check)


def test_the_live_score_comes_back_as_the_page_writes_it_and_as_the_api_gives_it(client):
    client.set_cookie("lang", "vi")
    saved = client.post("/reports/r1/autosave", data={"late_reports_count": "3"}).json
    assert (saved["shown_total"], saved["total"]) == ("344,69", "344.69")
    client.set_cookie("lang", "en")
    assert client.post("/reports/r1/autosave", data={"late_reports_count": "3"}).json["shown_total"] == "344.69"


def test_the_public_unit_page_writes_totals_points_and_maxima_in_the_pages_language(client):
    vietnamese = page(client, "/results/units/18073", "vi")
    assert "<strong>1.000</strong> / 1.000" in vietnamese
    assert '<td class="num"><strong>135,33</strong></td><td class="num">150</td>' in vietnamese
    assert '<td class="num">22,5</td><td class="num">30</td>' in vietnamese
    assert "135,33 / 150" in vietnamese  # the radar's key
    assert not re.search(r"\d\.\d\d\b", re.sub(r"<[^>]*>", " ", vietnamese))  # in what is read, not in drawing
    english = page(client, "/results/units/18073", "en")
    assert "<strong>1,000</strong> / 1,000" in english and "135.33 / 150" in english


def test_the_public_ranking_writes_totals_and_group_points_in_the_pages_language(client):
    vietnamese = page(client, "/results/rounds/2027-annual", "vi")
    assert '<td class="num">135,33</td>' in vietnamese and '<td class="num"><strong>1.000</strong></td>' in vietnamese
    assert "Tổng điểm của các đơn vị (thang 1.000)" in vietnamese
    assert '<text x="85.00%" dx="6" y="33" class="chart__value">1.000</text>' in vietnamese  # the bar's value


def test_the_reviewers_case_writes_the_units_numbers_and_their_changes_in_the_pages_language(client, signed_in_as):
    signed_in_as[0] = REVIEWER
    vietnamese = page(client, "/reviewer/cases/r1", "vi")
    assert "80,25 % → 87,5 %" in vietnamese
    assert re.search(r"<dt>[^<]*</dt><dd>87,5 %", vietnamese)
    assert "80.25 % → 87.5 %" in page(client, "/reviewer/cases/r1", "en")


def test_the_public_unit_page_says_what_a_deduction_takes_away_as_the_clerks_form_heads_it(client):
    deduction = r'<tr><td>1\.7</td><td>[^<]*</td><td class="num">[^<]*</td><td class="num">(.*?)</td></tr>'
    assert re.search(deduction, page(client, "/results/units/18073", "vi")).group(1) == "trừ tối đa 15"
    assert re.search(deduction, page(client, "/results/units/18073", "en")).group(1) == "deducts up to 15"


def test_a_form_from_a_scoring_service_without_min_points_still_renders(client, api):
    """The portal may be deployed before the scoring service that gives each criterion its min_points."""
    for group in api.answers[f"/catalogs/{CATALOG}/unit-types/commune"]["groups"]:
        for criterion in group["criteria"]:
            del criterion["min_points"]
    assert "(tối đa 30 điểm)" in page(client, "/reports/r1/groups/1", "vi")
    assert "1.1" in page(client, "/results/units/18073", "vi")
