"""Properties of the engine for any valid inputs of any unit type (Hypothesis)."""

import functools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shared.criteria import InputField, ScoreResult, UnitTypeCatalog, load_catalog, score_report
from shared.criteria.engine import inputs_hash

UNIT_TYPES = load_catalog("hatinh-2021-ref-1").unit_types


def value_strategy(field: InputField) -> st.SearchStrategy:
    if field.type == "bool":
        return st.booleans()
    if field.type in ("text", "date"):
        return st.text(max_size=20)
    if field.enum:
        return st.sampled_from([option.value for option in field.enum])
    low = field.min if field.min is not None else Decimal(0)
    high = field.max if field.max is not None else Decimal(10**7)
    if field.type == "int":
        return st.integers(int(low), int(high))
    decimals = st.decimals(low, high, places=2)
    # As they arrive in JSON: a Decimal, its text, or (when exact enough) an int.
    return st.one_of(decimals, decimals.map(str), st.integers(int(low), int(high)))


@functools.cache
def reports(code: str) -> st.SearchStrategy[dict[str, object]]:
    """Valid answers for unit type `code`; any field may be missing (a missing required one just scores 0).
    Built once per unit type: building the fields' strategies for every example cost more than drawing."""
    fields = [(name, value_strategy(field)) for name, field in UNIT_TYPES[code].fields.items()]
    present = st.integers(0, 9)

    @st.composite
    def answers(draw) -> dict[str, object]:
        return {name: draw(values) for name, values in fields if draw(present)}

    return answers()


def check_bounds(unit: UnitTypeCatalog, result: ScoreResult) -> None:
    for score in result.criteria:
        criterion = unit.criteria_by_code[score.code]
        if criterion.kind == "info":
            assert score.points is None
        elif criterion.kind == "deduction":
            assert -criterion.rule.max_deduction <= score.points <= 0
        else:
            assert 0 <= score.points <= criterion.max_points
        if score.points is not None:
            assert score.points.as_tuple().exponent == -2
    for group in result.groups:
        assert 0 <= group.points <= group.max_points
    assert 0 <= result.total <= unit.total_max_points == 1000
    assert result.total == sum(group.points for group in result.groups)
    assert result.classification.min <= result.total


# Both properties on the same drawn reports: drawing a report of 50 to 90 fields costs more than scoring it.
@pytest.mark.parametrize("code", sorted(UNIT_TYPES))
def test_points_stay_within_bounds_and_scoring_is_deterministic(code):
    unit = UNIT_TYPES[code]

    def check(inputs: dict[str, object]) -> None:
        first, second = score_report(unit, inputs), score_report(unit, dict(reversed(list(inputs.items()))))
        check_bounds(unit, first)
        assert first == second
        assert first.to_dict() == second.to_dict()
        assert first.inputs_hash == second.inputs_hash == inputs_hash(first.inputs)

    settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])(given(reports(code))(check))()


@given(st.data())
@settings(deadline=None)
def test_hash_changes_with_any_input_value(data):
    unit = UNIT_TYPES["commune"]
    inputs = data.draw(reports("commune"))
    name = data.draw(st.sampled_from(sorted(unit.fields)))
    changed = {**inputs, name: data.draw(value_strategy(unit.fields[name]))}
    before, after = score_report(unit, inputs), score_report(unit, changed)
    assume(before.inputs[name] != after.inputs[name])
    assert before.inputs_hash != after.inputs_hash
