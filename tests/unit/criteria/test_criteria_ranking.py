"""Classification boundaries and ranking ties (README "Classification and ranking")."""

from decimal import Decimal

import pytest

from shared.criteria import classify, rank

TIE_BREAKERS = ("6", "5", "4", "3", "2", "1")


@pytest.mark.parametrize(("total", "code"), [("1000", "tot"), ("800.00", "tot"), ("799.99", "kha"), (650, "kha"),
                                             ("649.99", "trung_binh"), (500, "trung_binh"), ("499.99", "yeu"),
                                             (0, "yeu")])
def test_classify_lower_bounds_are_inclusive(catalog, total, code):
    assert classify(total, catalog.classification).code == code


def test_classify_refuses_a_negative_total(catalog):
    with pytest.raises(ValueError, match="below every classification tier"):
        classify("-0.01", catalog.classification)


def groups(g6, g5=0, g4=0, g3=0, g2=0, g1=0) -> dict[str, object]:
    return {"1": g1, "2": g2, "3": g3, "4": g4, "5": g5, "6": g6}


def test_ties_are_broken_by_group_6_then_5_down_to_1():
    ranked = rank([("A", groups(10, 20)), ("B", groups(20, 10)), ("C", groups(10, 10, 10)),
                   ("D", groups(10, 10, 0, 0, 0, 10))], TIE_BREAKERS)
    assert [(unit.unit_id, unit.rank) for unit in ranked] == [("B", 1), ("A", 2), ("C", 3), ("D", 4)]


def test_fully_tied_units_share_a_rank_and_the_next_is_skipped():
    ranked = rank([("X", groups(5)), ("Y", groups(5)), ("Z", groups(1)), ("W", groups("9.5"))], TIE_BREAKERS)
    assert [(unit.unit_id, unit.rank, unit.total) for unit in ranked] == [
        ("W", 1, Decimal("9.5")), ("X", 2, Decimal(5)), ("Y", 2, Decimal(5)), ("Z", 4, Decimal(1))]


def test_rank_needs_every_tie_breaker_group():
    with pytest.raises(ValueError, match="unit U: no points for tie-breaker groups 1"):
        rank([("U", {"2": 1, "3": 1, "4": 1, "5": 1, "6": 1})], TIE_BREAKERS)


def test_rank_of_nothing():
    assert rank([], TIE_BREAKERS) == []
