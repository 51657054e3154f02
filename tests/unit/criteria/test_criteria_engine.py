"""The engine around the rules: input reading, missing values, overrides, results and hashing."""

import hashlib
import json
from decimal import Decimal

import pytest

from shared.criteria import InputError, score_report
from shared.criteria.engine import canonical_value, inputs_hash
from shared.criteria.loader import canonical_json

D = Decimal
COMMUNE_RATIO = {"tasks_done_on_time": 7, "tasks_assigned": 8}


@pytest.fixture(scope="module")
def commune(catalog):
    return catalog.unit_type("commune")


def test_json_values_of_any_form_score_the_same(commune):
    as_ints = score_report(commune, {"civil_registers_digitised_pct": 64, "data_update_score": 15}, only={"4.2", "4.3"})
    as_texts = score_report(commune, {"civil_registers_digitised_pct": "64.00", "data_update_score": "15"},
                            only={"4.2", "4.3"})
    as_floats = score_report(commune, {"civil_registers_digitised_pct": 64.0, "data_update_score": 15.0},
                             only={"4.2", "4.3"})
    assert as_ints.total == as_texts.total == as_floats.total == D("34.20")
    assert as_ints.inputs_hash == as_texts.inputs_hash == as_floats.inputs_hash


def test_floats_are_read_through_their_decimal_text(commune):
    # 0.1 as a binary float is not 1/10; str() gives the "0.1" the sender meant.
    result = score_report(commune, {"civil_registers_digitised_pct": 0.1}, only={"4.2"})
    assert result.inputs["civil_registers_digitised_pct"] == D("0.1")


@pytest.mark.parametrize(("field", "value"), [("tasks_assigned", "eight"), ("tasks_assigned", True),
                                              ("tasks_assigned", float("nan")), ("annual_plan_issued", 1),
                                              ("tasks_assigned", [8])])
def test_unreadable_values_raise_input_error(commune, field, value):
    with pytest.raises(InputError, match=field):
        score_report(commune, {**COMMUNE_RATIO, "annual_plan_issued": True, field: value})


def test_to_dict_is_json_with_decimal_strings(catalog, commune):
    result = score_report(commune, {**COMMUNE_RATIO, "late_reports_count": 1}, only={"1.4", "1.7", "2.5"})
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["total"] == "21.25"
    assert data["criteria"][0] == {
        "code": "1.4", "group": "1", "kind": "ratio", "points": "26.25", "max_points": "30",
        "inputs_used": {"tasks_done_on_time": "7", "tasks_assigned": "8"},
        "explanation_vi": "Tỷ lệ 7/8 = 87,5% × 30 điểm = 26,25", "explanation_en": "Ratio 7/8 = 87.5% × 30 = 26.25",
        "adjusted": False}
    assert data["criteria"][1]["points"] == "-5.00"
    assert data["criteria"][2]["points"] is None
    assert data["groups"] == [{"code": "1", "points": "21.25", "max_points": "150"},
                              {"code": "2", "points": "0.00", "max_points": "100"}]
    assert data["classification"] == {"code": "yeu", "name_vi": "Yếu", "name_en": "Weak"}
    assert data["catalog_version"] == catalog.identity.version
    assert data["catalog_fingerprint"] == catalog.identity.fingerprint


def test_missing_optional_input_takes_its_default(commune):
    result = score_report(commune, {}, only={"1.7"})
    assert result.criterion("1.7").points == D("0.00")
    assert result.inputs == {"late_reports_count": 0}
    assert result.complete


def test_missing_required_input_scores_zero_and_marks_incomplete(commune):
    result = score_report(commune, {"tasks_done_on_time": 7}, only={"1.4"})
    assert result.criterion("1.4").points == D("0.00")
    assert result.missing_required == ("tasks_assigned",)
    assert not result.complete
    assert result.criterion("1.4").explanation_vi == "Thiếu dữ liệu bắt buộc: tasks_assigned → 0 điểm"
    assert result.criterion("1.4").explanation_en == "Required input missing: tasks_assigned → 0"


def test_points_override_is_clamped_and_flagged(commune):
    result = score_report(commune, COMMUNE_RATIO, only={"1.4"}, points_override={"1.4": "40"})
    score = result.criterion("1.4")
    assert score.points == D("30.00") and score.adjusted
    assert score.explanation_en == "Adjusted by the reviewer to 30 (formula: Ratio 7/8 = 87.5% × 30 = 26.25)"
    assert result.total == D("30.00")


def test_points_override_of_a_deduction_stays_within_its_cap(commune):
    result = score_report(commune, {"late_reports_count": 1}, only={"1.7"}, points_override={"1.7": -50})
    assert result.criterion("1.7").points == D("-15.00")


def test_points_override_rejects_unscored_or_unknown_criteria(commune):
    with pytest.raises(ValueError, match="information only"):
        score_report(commune, {}, points_override={"2.5": 3})
    with pytest.raises(KeyError, match="9.9"):
        score_report(commune, {}, points_override={"9.9": 3})


def test_only_rejects_unknown_codes(commune):
    with pytest.raises(KeyError, match="1.99"):
        score_report(commune, {}, only={"1.4", "1.99"})


def test_only_keeps_the_groups_it_touches(commune):
    result = score_report(commune, COMMUNE_RATIO, only={"1.4"})
    assert [group.code for group in result.groups] == ["1"]
    assert [score.code for score in result.criteria] == ["1.4"]


def test_inputs_used_per_criterion(commune):
    result = score_report(commune, COMMUNE_RATIO, only={"1.4"})
    assert result.inputs_used("1.4") == {"tasks_done_on_time": 7, "tasks_assigned": 8}


def test_inputs_hash_is_sha256_of_canonical_json(commune):
    result = score_report(commune, {**COMMUNE_RATIO, "civil_registers_digitised_pct": "64.50",
                                    "annual_plan_issued": True}, only={"1.1", "1.4", "4.2", "2.5"})
    canonical = canonical_json({name: canonical_value(value) for name, value in result.inputs.items()})
    assert '"civil_registers_digitised_pct":"64.5"' in canonical and '"part_time_staff":null' in canonical
    assert result.inputs_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert result.inputs_hash == inputs_hash(result.inputs)


@pytest.mark.parametrize(("value", "text"), [(20, "20"), (D("20.00"), "20"), (D("2E+1"), "20"), (D("-0.0"), "0"),
                                             (D("96.50"), "96.5"), (True, True), (None, None), ("Ông A", "Ông A")])
def test_canonical_value(value, text):
    assert canonical_value(value) == text


def test_text_inputs_are_escaped_in_the_hash(catalog):
    department = catalog.unit_type("province_department")
    result = score_report(department, {"dt_leader_name": 'Nguyễn "A"\n'}, only={"1.11"})
    canonical = canonical_json({"dt_leader_name": 'Nguyễn "A"\n'})
    assert result.inputs_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_group_is_floored_at_zero(catalog):
    department = catalog.unit_type("province_department")
    result = score_report(department, {"security_rules_issued": True, "security_incidents": 5},
                          only={"5.1", "5.10"})
    assert result.criterion("5.10").points == D("-60.00")
    assert result.group("5").points == D("0.00")
    assert result.total == D("0.00")
