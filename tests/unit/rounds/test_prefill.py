"""A new draft starts from the unit's previous answers only where the criteria did not change."""
import dataclasses
from decimal import Decimal

import pytest

from services.rounds.domain.prefill import carried_over_answers
from shared.criteria import load_catalog

PREVIOUS_ANSWERS = {
    "annual_plan_issued": True,  # 1.1
    "steering_head_level": 2,  # 1.2
    "tasks_done_on_time": 8,  # 1.4
    "tasks_assigned": 10,  # 1.4
}


@pytest.fixture(scope="module")
def commune():
    return load_catalog("hatinh-2021-ref-1").unit_type("commune")


def _with_criterion(catalog, code, **changes):
    """The catalog with criterion `code` changed (e.g. its points or its inputs)."""
    groups = tuple(
        dataclasses.replace(group, criteria=tuple(
            dataclasses.replace(c, **changes) if c.code == code else c for c in group.criteria))
        for group in catalog.groups
    )
    return dataclasses.replace(catalog, groups=groups)


def _without_criterion(catalog, code):
    groups = tuple(dataclasses.replace(group, criteria=tuple(c for c in group.criteria if c.code != code))
                   for group in catalog.groups)
    return dataclasses.replace(catalog, groups=groups)


def test_same_catalog_carries_every_answer_it_still_asks_for(commune):
    answers = {**PREVIOUS_ANSWERS, "a_field_no_criterion_reads": 5}
    assert carried_over_answers(answers, commune, commune) == PREVIOUS_ANSWERS


def test_a_changed_criterion_is_answered_afresh(commune):
    current = _with_criterion(commune, "1.2", max_points=Decimal("7"))
    carried = carried_over_answers(PREVIOUS_ANSWERS, commune, current)
    assert "steering_head_level" not in carried
    assert carried == {"annual_plan_issued": True, "tasks_done_on_time": 8, "tasks_assigned": 10}


def test_a_reworded_criterion_counts_as_changed(commune):
    name = dataclasses.replace(commune.criteria_by_code["1.1"].name, vi="Ban hành kế hoạch chuyển đổi số năm")
    current = _with_criterion(commune, "1.1", name=name)
    assert "annual_plan_issued" not in carried_over_answers(PREVIOUS_ANSWERS, commune, current)


def test_a_field_shared_with_a_changed_criterion_is_not_carried(commune):
    ratio = commune.criteria_by_code["1.4"]
    # A new version reads tasks_assigned in 1.3 as well, under a changed definition of 1.3.
    changed = commune.criteria_by_code["1.3"]
    current = _with_criterion(commune, "1.3", inputs=changed.inputs + (ratio.inputs[1],))
    carried = carried_over_answers(PREVIOUS_ANSWERS, commune, current)
    assert "tasks_assigned" not in carried and "tasks_done_on_time" in carried


def test_a_criterion_new_in_this_catalog_starts_empty(commune):
    previous = _without_criterion(commune, "1.4")
    carried = carried_over_answers(PREVIOUS_ANSWERS, previous, commune)
    assert "tasks_done_on_time" not in carried and "tasks_assigned" not in carried
    assert carried["annual_plan_issued"] is True


def test_a_criterion_dropped_from_this_catalog_leaves_its_answers_behind(commune):
    current = _without_criterion(commune, "1.4")
    assert carried_over_answers(PREVIOUS_ANSWERS, commune, current) == {
        "annual_plan_issued": True, "steering_head_level": 2}
