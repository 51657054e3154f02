"""A reviewer's value is checked against its catalog field strictly."""
from __future__ import annotations

import pytest

from services.review.domain.errors import InvalidDecision
from services.review.domain.values import check_value


def field(catalog, name):
    return catalog.fields[name]


@pytest.mark.parametrize("name, value, expected", [
    ("annual_plan_issued", False, False),
    ("steering_head_level", 2, 2),
    ("steering_head_level", 2.0, 2),
    ("civil_registers_digitised_pct", 87.5, 87.5),
    ("data_update_score", 12, 12),
])
def test_accepted_values(catalog, name, value, expected):
    assert check_value(field(catalog, name), value) == expected


@pytest.mark.parametrize("name, value", [
    ("annual_plan_issued", 1),
    ("steering_head_level", 3),
    ("steering_head_level", True),
    ("civil_registers_digitised_pct", 100.5),
    ("data_update_score", float("nan")),
    ("dt_meetings_count", None),
])
def test_refused_values_name_the_field(catalog, name, value):
    with pytest.raises(InvalidDecision) as refused:
        check_value(field(catalog, name), value)
    assert refused.value.data["field"] == name and name in refused.value.vi
