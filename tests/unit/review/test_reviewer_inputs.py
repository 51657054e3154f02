"""The inputs the reviewer and the provincial systems owe: the reviewer fills its own with the
decisions, may record one as "no data" with a reason, and cannot verify while one is empty."""
from __future__ import annotations

import pytest

from services.review.domain.cases import ReviewCase
from services.review.domain.errors import InvalidDecision, MissingInputs
from shared.criteria.suppliers import REVIEWER, SYSTEM, fields_supplied_by
from shared.domain.report_header import ReportHeader
from tests.support.answers import complete_answers, unit_answers
from tests.unit.review.conftest import CATALOG_VERSION, NOW, submission


@pytest.fixture
def bare_case(catalog):
    """A commune's case holding only what the unit itself declared."""
    review = ReviewCase(report_id="r-2",
                        header=ReportHeader(round_id="2026", unit_code="HT-X-02", unit_name_vi="Xã Thạch Hạ",
                                            unit_type="commune", reviewer_unit_code="HT-H-01",
                                            reviewer_kind="district"),
                        catalog_version=CATALOG_VERSION)
    review.receive_submission(submission(unit_answers(catalog)), catalog)
    return review


def measure_everything(case, catalog) -> None:
    full = complete_answers(catalog)
    case.measured = {name: {"value": full[name], "agency": "district_office", "source_system": "Hệ thống một cửa",
                            "as_of": "2026-11-01", "import_id": "imp-1", "imported_by": "vp"}
                     for name in fields_supplied_by(catalog, SYSTEM)}


def decide_all(case, catalog, values_for=None, no_data_for=None) -> None:
    full = complete_answers(catalog)
    reviewer_fields = set(fields_supplied_by(catalog, REVIEWER))
    to_fill = reviewer_fields if values_for is None else values_for
    for criterion in catalog.criteria:
        if criterion.code not in case.undecided(catalog):
            continue
        own = {f.field: full[f.field] for f in criterion.inputs if f.field in reviewer_fields and f.field in to_fill}
        no_data = {name: "Chưa có số liệu" for name in (no_data_for or ()) if name in
                   {f.field for f in criterion.inputs}}
        case.decide(catalog, criterion.code, "accept", values=own, points=None, reason="", by="reviewer-a",
                    by_unit="HT-H-01", now=NOW, no_data=no_data)


def verify(case, catalog):
    case.verify(catalog, four_eyes=False, by="reviewer-a", by_unit="HT-H-01", now=NOW)


def test_verify_is_refused_naming_every_reviewer_and_system_input_still_empty(bare_case, catalog):
    decide_all(bare_case, catalog, values_for=set())
    with pytest.raises(MissingInputs) as refused:
        verify(bare_case, catalog)
    named = {item["field"]: item for item in refused.value.data["missing_inputs"]}
    required = {f.field for f in catalog.fields.values() if f.required}
    expected = (set(fields_supplied_by(catalog, REVIEWER)) | set(fields_supplied_by(catalog, SYSTEM))) & required
    assert set(named) == expected
    assert named["portal_quality_score"]["supplied_by"] == "reviewer"
    assert named["portal_quality_score"]["criteria"] == ["6.6"]
    assert "portal_quality_score" in refused.value.vi and "portal_quality_score" in refused.value.en
    assert bare_case.status == "submitted" and bare_case.events == []


def test_filled_inputs_and_no_data_records_let_the_case_be_verified_with_their_sources(bare_case, catalog):
    measure_everything(bare_case, catalog)
    decide_all(bare_case, catalog, no_data_for={"tasks_done_on_time", "tasks_assigned"},
               values_for=set(fields_supplied_by(catalog, REVIEWER)) - {"tasks_done_on_time", "tasks_assigned"})
    verify(bare_case, catalog)
    [event] = bare_case.events
    assert event.no_data == {"tasks_done_on_time": "Chưa có số liệu", "tasks_assigned": "Chưa có số liệu"}
    assert "tasks_assigned" not in event.answers
    assert event.answers["portal_quality_score"] == complete_answers(catalog)["portal_quality_score"]
    sources = event.input_sources
    assert sources["annual_plan_issued"] == {"kind": "unit"}
    assert sources["portal_quality_score"]["kind"] == "reviewer" and sources["portal_quality_score"]["by"]
    measured = next(iter(fields_supplied_by(catalog, SYSTEM)))
    assert sources[measured] == {"kind": "system", "agency": "district_office", "system": "Hệ thống một cửa",
                                 "as_of": "2026-11-01", "import_id": "imp-1"}
    assert sources["tasks_assigned"]["no_data"] == "Chưa có số liệu"
    assert event.adjustments == []  # filling the reviewer's own inputs adjusts nothing the unit declared


def test_an_adjusted_measured_value_is_marked_adjusted_with_the_reason(bare_case, catalog):
    measure_everything(bare_case, catalog)
    measured = next(iter(fields_supplied_by(catalog, SYSTEM)))
    code = next(c.code for c in catalog.criteria if measured in {f.field for f in c.inputs})
    before = bare_case.measured[measured]["value"]
    bare_case.decide(catalog, code, "adjust", values={measured: before + 1}, points=None,
                     reason="Số liệu hệ thống chưa cập nhật tháng 10", by="reviewer-a", by_unit="HT-H-01", now=NOW)
    decide_all(bare_case, catalog)
    verify(bare_case, catalog)
    [event] = bare_case.events
    assert event.input_sources[measured]["adjusted"] is True
    assert event.input_sources[measured]["reason"] == "Số liệu hệ thống chưa cập nhật tháng 10"
    assert event.input_sources[measured]["kind"] == "system"
    assert event.adjustments[0]["before"] == before


def test_no_data_needs_a_reason_and_only_fits_a_reviewers_or_a_systems_input(bare_case, catalog):
    with pytest.raises(InvalidDecision, match="lý do"):
        bare_case.decide(catalog, "6.6", "accept", values={}, points=None, reason="", by="r", by_unit="HT-H-01",
                         now=NOW, no_data={"portal_quality_score": "  "})
    with pytest.raises(InvalidDecision, match="annual_plan_issued"):
        bare_case.decide(catalog, "1.1", "accept", values={}, points=None, reason="", by="r", by_unit="HT-H-01",
                         now=NOW, no_data={"annual_plan_issued": "không có"})
    with pytest.raises(InvalidDecision, match="adjust"):  # accepting does not change what the unit declared
        bare_case.decide(catalog, "1.1", "accept", values={"annual_plan_issued": False}, points=None, reason="",
                         by="r", by_unit="HT-H-01", now=NOW)
    assert bare_case.decisions == {}


def test_a_reviewers_value_is_checked_like_any_answer(bare_case, catalog):
    with pytest.raises(InvalidDecision, match="“Điểm thẩm định”") as refused:  # the input's label, as shown
        bare_case.decide(catalog, "6.6", "accept", values={"portal_quality_score": "nhiều"}, points=None, reason="",
                         by="r", by_unit="HT-H-01", now=NOW)
    assert list(refused.value.errors) == ["values.portal_quality_score"]  # the problem still names the key
