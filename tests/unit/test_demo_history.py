"""The answers the demo's replay of its past rounds gives (cqs/demo_history.py): valid under the catalog's
rules, the same for a unit each time, different from unit to unit, and consistent with the values already known."""
from __future__ import annotations

import datetime as dt

import pytest

from cqs.demo_history import plausible_values, window_open
from shared.criteria import available_versions, load_catalog, validate_answers

CATALOG = load_catalog(available_versions()[-1])


@pytest.mark.parametrize("unit_type", sorted(CATALOG.unit_types))
def test_a_units_drawn_values_fill_every_input_validly_and_are_its_own(unit_type):
    unit = CATALOG.unit_type(unit_type)
    drawn = {seed: plausible_values(unit, seed, {}) for seed in ("2022/STC", "2022/STP", "2023/STC")}
    evidence = {criterion.code: 1 for criterion in unit.criteria}  # the replay attaches what the answers need
    for values in drawn.values():
        assert set(values) == set(unit.fields)
        assert validate_answers(unit, values, evidence=evidence, final=True).errors == ()
    assert plausible_values(unit, "2022/STC", {}) == drawn["2022/STC"]
    assert drawn["2022/STC"] != drawn["2022/STP"] != drawn["2023/STC"]


@pytest.mark.parametrize("unit_type", sorted(CATALOG.unit_types))
def test_values_already_known_are_kept_and_bound_the_numerators_drawn(unit_type):
    unit = CATALOG.unit_type(unit_type)
    denominators = {criterion.rule.denominator for criterion in unit.criteria if criterion.rule.denominator}
    known = {name: 3 for name in denominators}
    drawn = plausible_values(unit, "2022/STC", known)
    assert not set(known) & set(drawn)
    assert validate_answers(unit, {**known, **drawn}, final=False).errors == ()


def test_from_10_to_15_november_the_communes_of_todays_round_send_nothing():
    today = {"windows": {"commune": {"start": "2025-11-10T00:00:00+07:00", "end": "2026-11-10T00:00:00+07:00"}}}
    last_minute = dt.datetime(2026, 11, 9, 16, 59, tzinfo=dt.timezone.utc)  # 23:59 on 9 Nov in Hà Tĩnh
    assert window_open(today, "commune", last_minute)
    assert not window_open(today, "commune", last_minute + dt.timedelta(minutes=1))
    assert not window_open(today, "commune", dt.datetime(2026, 11, 12, 3, tzinfo=dt.timezone.utc))
