"""People read names, not codes: a round by its name, a reviewer's refusal naming inputs by their labels, a
date as they write it."""
from services.portal.adapters.api_client import ApiError
from services.portal.entrypoints.labels import day, in_words, input_labels, round_name

FORM = {"groups": [{"code": "1", "criteria": [{"code": "1.1", "inputs": [
    {"key": "so_tthc", "label": {"vi": "Số thủ tục hành chính", "en": "Administrative procedures"}},
    {"key": "so_tthc_truc_tuyen", "label": {"vi": "Số thủ tục trực tuyến", "en": None}}]}]}]}


def test_a_round_is_named_by_its_kind_and_year_and_by_its_id_only_when_unread(vietnamese):
    assert round_name({"kind": "annual_evaluation", "year": 2027}, "2027-annual") == "Kỳ đánh giá năm 2027"
    assert round_name({"kind": "progress_update", "year": 2027, "period_month": 6},
                      "2027-progress-6") == "Kỳ báo cáo tiến độ 6 tháng năm 2027"
    assert round_name(None, "2027-annual") == "2027-annual"


def test_input_keys_in_a_message_become_their_labels_the_longest_key_first():
    labels = input_labels(FORM, "en")
    assert labels == {"so_tthc": "Administrative procedures", "so_tthc_truc_tuyen": "Số thủ tục trực tuyến"}
    said = in_words("Giá trị mới của 'so_tthc_truc_tuyen' trùng; các trường: so_tthc, so_tthc_truc_tuyen",
                    input_labels(FORM, "vi"))
    assert said == ("Giá trị mới của “Số thủ tục trực tuyến” trùng; các trường: “Số thủ tục hành chính”, "
                    "“Số thủ tục trực tuyến”")
    assert in_words("tiêu chí 1.1 so_tthc_x", input_labels(FORM, "vi")) == "tiêu chí 1.1 so_tthc_x"


def test_a_refusal_is_reworded_in_its_detail_and_field_messages_and_keeps_its_rules_and_data():
    refusal = ApiError(422, {"type": "x/invalid-decision", "title": "Quyết định thẩm định không hợp lệ",
                             "detail": "Giá trị mới của 'so_tthc' không được để trống", "field": "so_tthc",
                             "errors": {"values.so_tthc": [{"rule": "required", "message_vi": "'so_tthc' trống",
                                                            "message_en": "'so_tthc' empty"}]}})
    said = refusal.reworded(lambda text: in_words(text, input_labels(FORM, "vi")))
    assert said.detail == "Giá trị mới của “Số thủ tục hành chính” không được để trống"
    assert said.problem["errors"] == {"values.so_tthc": [{"rule": "required", "message_vi": "“Số thủ tục hành chính” trống",
                                                          "message_en": "“Số thủ tục hành chính” empty"}]}
    assert said.problem["field"] == "so_tthc" and said.status == 422


def test_a_date_or_an_instant_reads_as_people_write_it_on_its_day_in_vietnam():
    assert day("2027-11-15") == "15/11/2027"
    assert day("2027-11-09T17:30:00+00:00") == "10/11/2027"  # 00:30 on the 10th in Vietnam
    assert day(None) == ""


def test_field_messages_are_read_in_the_pages_language_without_their_rule_names():
    refusal = ApiError(422, {"errors": {
        "year": [{"rule": "range", "message_vi": "Năm từ 2000 đến 2100", "message_en": "Year from 2000 to 2100"}],
        "kind": ["Không hợp lệ"], "values": {"so_tthc": [{"rule": "required", "message_vi": "Bắt buộc"}]}}})
    assert refusal.field_errors() == {"year": "Năm từ 2000 đến 2100", "kind": "Không hợp lệ", "values": "Bắt buộc"}
    assert refusal.field_errors("en") == {"year": "Year from 2000 to 2100", "kind": "Không hợp lệ",
                                          "values": "Bắt buộc"}
