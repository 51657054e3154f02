"""Submission-time validation: one test per rule id, with the Vietnamese and English messages."""

from dataclasses import replace

import pytest

from shared.criteria import InputField
from shared.criteria.validation import validate_answers
from shared.domain.bilingual import Bilingual


@pytest.fixture(scope="module")
def commune(catalog):
    return catalog.unit_type("commune")


def only_issue(issues, rule):
    matching = [issue for issue in issues if issue.rule == rule]
    assert len(matching) == 1, issues
    return matching[0]


def test_valid_draft_has_no_issues(commune):
    report = validate_answers(commune, {"tasks_done_on_time": 7, "tasks_assigned": 8, "annual_plan_issued": True,
                                        "civil_registers_digitised_pct": "64.5", "dt_budget_allocated": None},
                              final=False)
    assert report.ok and report.errors == () and report.warnings == ()


def test_unknown_field(commune):
    issue = only_issue(validate_answers(commune, {"budget": 3}, final=False).errors, "unknown_field")
    assert issue.field == "budget"
    assert issue.message_vi == "Trường 'budget' không thuộc bộ tiêu chí của loại đơn vị này"
    assert issue.message_en == "Field 'budget' is not part of this unit type's criteria"


@pytest.mark.parametrize(("field", "value", "message_vi", "message_en"), [
    ("annual_plan_issued", "true", "Trường “Đã ban hành” phải là Có hoặc Không (true/false)",
     "Field “Issued” must be true or false"),
    ("tasks_done_on_time", 2.5, "Trường “Số nhiệm vụ hoàn thành đúng hạn (a)” phải là số nguyên không âm",
     "Field “Completed on time (a)” must be a non-negative whole number"),
    ("tasks_done_on_time", True, "Trường “Số nhiệm vụ hoàn thành đúng hạn (a)” phải là số nguyên không âm",
     "Field “Completed on time (a)” must be a non-negative whole number"),
    ("data_update_score", "12.345", "Trường “Điểm thẩm định” phải là số, tối đa 2 chữ số thập phân",
     "Field “Assessed score” must be a number with at most 2 decimal places"),
    ("satisfaction_pct", "chín mươi",
     "Trường “Tỷ lệ hài lòng” phải là tỷ lệ phần trăm từ 0 đến 100, tối đa 2 chữ số thập phân",
     "Field “Satisfaction rate” must be a percentage from 0 to 100 with at most 2 decimal places"),
])
def test_wrong_type(commune, field, value, message_vi, message_en):
    issue = only_issue(validate_answers(commune, {field: value}, final=False).errors, "type")
    assert (issue.field, issue.message_vi, issue.message_en) == (field, message_vi, message_en)


@pytest.mark.parametrize("value", [5, "5", 5.0, "5.00"])
def test_whole_numbers_may_arrive_as_text_or_float(commune, value):
    assert validate_answers(commune, {"tasks_assigned": value}, final=False).ok


def test_trailing_zeros_are_not_extra_decimals(commune):
    assert validate_answers(commune, {"data_update_score": "12.500"}, final=False).ok


def test_enum(commune):
    issue = only_issue(validate_answers(commune, {"it_officer_level": 5}, final=False).errors, "enum")
    assert issue.message_vi == "Trường “Mức bố trí cán bộ CNTT” chỉ nhận một trong các giá trị: 0, 1, 2, 3"
    assert issue.message_en == "Field “IT officer arrangement level” must be one of: 0, 1, 2, 3"


def test_negative_count_is_an_error(commune):
    issue = only_issue(validate_answers(commune, {"tasks_done_on_time": -1}, final=False).errors, "min")
    assert issue.message_vi == "Trường “Số nhiệm vụ hoàn thành đúng hạn (a)” phải là số nguyên không âm (đã nhập -1)"
    assert issue.message_en == "Field “Completed on time (a)” must be a non-negative whole number (got -1)"


@pytest.mark.parametrize(("value", "rule"), [(104, "max"), ("-0.5", "min")])
def test_percent_outside_0_100_is_an_error(commune, value, rule):
    issue = only_issue(validate_answers(commune, {"satisfaction_pct": value}, final=False).errors, rule)
    assert issue.message_vi.startswith("Trường “Tỷ lệ hài lòng” phải là tỷ lệ phần trăm từ 0 đến 100 (đã nhập")
    assert issue.message_en.startswith("Field “Satisfaction rate” must be a percentage from 0 to 100 (got")


def test_value_above_a_soft_max_is_a_warning(commune):
    report = validate_answers(commune, {"data_update_score": 25}, final=False)
    assert report.ok
    issue = only_issue(report.warnings, "max")
    assert issue.message_vi == "Trường “Điểm thẩm định” có giá trị 25, vượt mức tối đa 20; vui lòng kiểm tra lại"
    assert issue.message_en == "Field “Assessed score” is 25, above the maximum 20; please check it"


def test_value_below_a_soft_min_is_a_warning(commune):
    issue = only_issue(validate_answers(commune, {"data_update_score": "-1.5"}, final=False).warnings, "min")
    assert issue.message_vi == ("Trường “Điểm thẩm định” có giá trị -1.5, thấp hơn mức tối thiểu 0; "
                                "vui lòng kiểm tra lại")
    assert issue.message_en == "Field “Assessed score” is -1.5, below the minimum 0; please check it"


@pytest.mark.parametrize(("done", "assigned"), [(9, 8), (1, 0)])
def test_count_numerator_cannot_exceed_denominator(commune, done, assigned):
    errors = validate_answers(commune, {"tasks_done_on_time": done, "tasks_assigned": assigned}, final=False).errors
    issue = only_issue(errors, "numerator_le_denominator")
    assert (issue.field, issue.criterion) == ("tasks_done_on_time", "1.4")
    assert issue.message_vi == (f"Trường “Số nhiệm vụ hoàn thành đúng hạn (a)” ({done}) không được lớn hơn trường "
                                f"“Tổng số nhiệm vụ được giao (b)” ({assigned})")
    assert issue.message_en == f"Field “Completed on time (a)” ({done}) cannot be larger than “Tasks assigned (b)” ({assigned})"


def test_date_fields_must_be_iso(commune):
    # The reference catalog has no date input: give a criterion one.
    field = InputField("plan_date", "date", Bilingual("Ngày ban hành", "Date issued"), required=False)
    criterion = replace(commune.criteria[0], inputs=(field,))
    dated = replace(commune, groups=(replace(commune.groups[0], criteria=(criterion,)),))
    assert validate_answers(dated, {"plan_date": "2021-11-15"}, final=False).ok
    issue = only_issue(validate_answers(dated, {"plan_date": "15/11/2021"}, final=False).errors, "type")
    assert issue.message_vi == "Trường “Ngày ban hành” phải là ngày theo định dạng YYYY-MM-DD (ví dụ 2021-11-15)"
    assert not validate_answers(dated, {"plan_date": "2021-02-30"}, final=False).ok


def test_required_inputs_are_checked_only_on_final_submission(commune):
    assert validate_answers(commune, {}, final=False).ok
    errors = validate_answers(commune, {}, final=True).errors
    issue = next(issue for issue in errors if issue.rule == "required")
    assert issue.field == "annual_plan_issued"
    assert issue.message_vi == "Chưa nhập trường bắt buộc “Đã ban hành”"
    assert issue.message_en == "Required field “Issued” is missing"
    required = {issue.field for issue in errors if issue.rule == "required"}
    assert "late_reports_count" not in required and "part_time_staff" not in required  # optional
    assert "showcase_score" in required


def test_required_check_can_be_limited_to_what_the_unit_reports(commune):
    errors = validate_answers(commune, {}, final=True, sources={"self_report"}).errors
    required = {issue.field for issue in errors if issue.rule == "required"}
    assert "annual_plan_issued" in required
    assert "showcase_score" not in required and "apps_online" not in required  # assessed / system-measured


def test_evidence_is_required_for_a_claim(commune):
    answers = {"annual_plan_issued": True, "dt_budget_allocated": False}
    errors = validate_answers(commune, answers, final=True, evidence={}).errors
    evidence_errors = {issue.criterion: issue for issue in errors if issue.rule == "evidence_required"}
    assert "1.1" in evidence_errors
    assert evidence_errors["1.1"].message_vi == "Tiêu chí 1.1 chưa có tài liệu kiểm chứng (bắt buộc)"
    assert evidence_errors["1.1"].message_en == "Criterion 1.1 needs supporting evidence; none is attached"
    assert evidence_errors["1.1"].field is None
    assert "1.6" not in evidence_errors  # "no budget" claims nothing to back up
    attached = validate_answers(commune, answers, final=True, evidence={"1.1": 2}).errors
    assert "1.1" not in {issue.criterion for issue in attached if issue.rule == "evidence_required"}


def test_evidence_is_not_checked_on_a_draft(commune):
    assert validate_answers(commune, {"annual_plan_issued": True}, final=False).ok


def test_evidence_for_an_unknown_criterion_is_a_caller_error(commune):
    with pytest.raises(KeyError, match="9.9"):
        validate_answers(commune, {}, final=True, evidence={"9.9": 1})


def test_report_to_dict(commune):
    data = validate_answers(commune, {"it_officer_level": 7}, final=False).to_dict()
    assert data == {"errors": [{"field": "it_officer_level", "rule": "enum", "criterion": None,
                                "message_vi": "Trường “Mức bố trí cán bộ CNTT” chỉ nhận một trong các giá trị: 0, 1, 2, 3",
                                "message_en": "Field “IT officer arrangement level” must be one of: 0, 1, 2, 3"}],
                    "warnings": []}
