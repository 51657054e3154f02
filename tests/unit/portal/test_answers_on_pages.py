"""An answer reads as words on every page that shows one: an option's label instead of its code, Có / Không instead
of true / false, a number as its reader writes it with its unit; the clerk's check page and the reviewer's case
(its answers and what changed since the last review) alike, through the one report_form.answer."""
from __future__ import annotations

import re

from tests.unit.portal.rendered import REVIEWER, page

OPTION_2 = "Bí thư Đảng ủy hoặc Chủ tịch UBND xã làm Tổ trưởng"  # steering_head_level 2
OPTION_1 = "Phó Chủ tịch UBND xã làm Tổ trưởng"


def shown_answer(html: str, key: str) -> str:
    """The text of the check page's answer to the input `key`."""
    return re.search(rf'<div id="{key}"><dt>[^<]*</dt> <dd>(.*?)</dd>', html).group(1).strip()


def test_the_check_page_writes_an_option_as_its_label_and_a_yes_or_no_in_words(client):
    vietnamese = page(client, "/reports/r1/check", "vi")
    assert shown_answer(vietnamese, "steering_head_level") == OPTION_2
    assert shown_answer(vietnamese, "annual_plan_issued") == "Có"
    assert shown_answer(vietnamese, "civil_registers_digitised_pct") == "87,5 %"
    assert "Chưa trả lời" in shown_answer(vietnamese, "dt_meetings_count")
    english = page(client, "/reports/r1/check", "en")
    assert shown_answer(english, "steering_head_level") == "party secretary or chair leads it"
    assert shown_answer(english, "annual_plan_issued") == "Yes"


def test_the_reviewers_case_writes_answers_and_their_changes_in_words(client, signed_in_as):
    signed_in_as[0] = REVIEWER
    vietnamese = page(client, "/reviewer/cases/r1", "vi")
    assert re.search(rf"<dt>Cấp của người đứng đầu tổ</dt><dd>{OPTION_2}", vietnamese)
    assert f"Cấp của người đứng đầu tổ: {OPTION_1} → {OPTION_2}" in vietnamese
    assert ": — → Có" in vietnamese
    assert re.search(r"<dt>[^<]*</dt><dd>Có", vietnamese)
