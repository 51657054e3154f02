"""Each rule kind on its own: edge cases, exact half-up rounding, clamping and the explanations."""

from decimal import Decimal

import pytest

from shared.criteria.model import Criterion, Evidence, InputField, Rule, Tier
from shared.criteria.rules import compile_rule, reviewer_override
from shared.criteria.wording import word
from shared.domain.bilingual import Bilingual

D = Decimal


def make_criterion(rule: Rule, max_points: str, **field_types: str) -> Criterion:
    inputs = tuple(InputField(name, kind, Bilingual(name, name), required=True) for name, kind in field_types.items())
    return Criterion(code="9.1", group="9", name=Bilingual("Thử", "Test"), max_points=D(max_points), inputs=inputs,
                     evidence=Evidence(False, Bilingual("-", "-")), rule=rule, source="self_report", verifier="dic",
                     basis="proposed")


def score(criterion: Criterion, **values):
    points, explanation, warnings = compile_rule(criterion, 2)(values)
    return points, word(explanation, "vi"), word(explanation, "en"), warnings


def tiers(*pairs) -> tuple[Tier, ...]:
    return tuple(Tier(D(str(minimum)), D(str(points))) for minimum, points in pairs)


# --- boolean ----------------------------------------------------------------------------------------------

BOOLEAN = make_criterion(Rule("boolean", input="done"), "20", done="bool")


def test_boolean_true_gives_max():
    assert score(BOOLEAN, done=True) == (D("20.00"), "Có → 20 điểm", "Yes → 20", ())


def test_boolean_false_gives_zero():
    assert score(BOOLEAN, done=False)[:3] == (D("0.00"), "Không → 0 điểm", "No → 0")


# --- tiered -----------------------------------------------------------------------------------------------

TIERED = make_criterion(Rule("tiered", input="meetings", tiers=tiers((4, 20), (3, 15), (2, 10), (1, 5)),
                             else_points=D(0)), "20", meetings="int")


@pytest.mark.parametrize(("value", "points"), [(0, "0"), (1, "5"), (3, "15"), (4, "20"), (99, "20"),
                                               (D("2.5"), "10"), (-1, "0")])
def test_tiered_takes_the_first_tier_reached(value, points):
    assert score(TIERED, meetings=value)[0] == D(points)


def test_tiered_explains_the_tier():
    assert score(TIERED, meetings=3)[1:3] == ("Giá trị 3 đạt mức ≥ 3 → 15 điểm", "Value 3 reaches tier ≥ 3 → 15")
    assert score(TIERED, meetings=0)[1:3] == ("Giá trị 0 dưới mức thấp nhất (≥ 1) → 0 điểm",
                                              "Value 0 is below the lowest tier (≥ 1) → 0")


# --- ratio ------------------------------------------------------------------------------------------------


def ratio_criterion(on_zero: str = "full_points", kind: str = "int") -> Criterion:
    rule = Rule("ratio", numerator="done", denominator="assigned", on_zero_denominator=on_zero)
    return make_criterion(rule, "30", done=kind, assigned=kind)


def test_ratio_is_a_times_max_over_b():
    assert score(ratio_criterion(), done=7, assigned=8) == (
        D("26.25"), "Tỷ lệ 7/8 = 87,5% × 30 điểm = 26,25", "Ratio 7/8 = 87.5% × 30 = 26.25", ())


def test_ratio_is_rounded_once_half_up_from_the_exact_rational():
    # 7/48 × 30 = 4.375 exactly: half-up gives 4.38 (a/b first in finite precision gives 4.37).
    points, vi, en, _ = score(ratio_criterion(), done=7, assigned=48)
    assert points == D("4.38")
    assert vi == "Tỷ lệ 7/48 ≈ 14,58% × 30 điểm = 4,38"
    assert en == "Ratio 7/48 ≈ 14.58% × 30 = 4.38"


@pytest.mark.parametrize(("on_zero", "points"), [("full_points", "30.00"), ("zero_points", "0.00")])
def test_ratio_zero_denominator(on_zero, points):
    assert score(ratio_criterion(on_zero), done=0, assigned=0)[0] == D(points)
    assert score(ratio_criterion(on_zero), done=5, assigned=0)[0] == D(points)


def test_ratio_numerator_above_denominator_is_clamped_with_a_warning():
    points, vi, en, warnings = score(ratio_criterion(), done=52, assigned=50)
    assert points == D("30.00")
    assert warnings == ("done > assigned",)
    assert vi == "Tỷ lệ 52/50 = 104% (tính tối đa 100%) × 30 điểm = 30"
    assert en == "Ratio 52/50 = 104% (counted as 100%) × 30 = 30"


def test_ratio_of_amounts_above_one_is_clamped_without_warning():
    # Only count ratios (int fields) warn: an amount may legitimately exceed another.
    points, _, _, warnings = score(ratio_criterion(kind="decimal"), done=D("120.5"), assigned=D("100"))
    assert points == D("30.00")
    assert warnings == ()


def test_ratio_negative_numerator_counts_as_zero():
    points, vi, _, _ = score(ratio_criterion(), done=-3, assigned=10)
    assert points == D("0.00")
    assert vi.endswith("(tính là 0%) × 30 điểm = 0")


def test_ratio_of_decimals_is_exact():
    # 96.5 / 12000 × 20: no binary floating point anywhere.
    points, _, en, _ = score(ratio_criterion(kind="decimal"), done=D("96.5"), assigned=D("12000"))
    assert points == D("0.24")
    assert en == "Ratio 96.5/12000 ≈ 0.8% × 30 = 0.24"


PERCENT = make_criterion(Rule("ratio", input="pct"), "30", pct="percent")


@pytest.mark.parametrize(("value", "points"), [(D("64.5"), "19.35"), (100, "30.00"), (104, "30.00"),
                                               (D("-2"), "0.00"), (D("0.01"), "0.00"), (D("0.02"), "0.01")])
def test_percent_ratio(value, points):
    assert score(PERCENT, pct=value)[0] == D(points)


def test_percent_ratio_explanation():
    assert score(PERCENT, pct=D("64.5"))[1:3] == ("Tỷ lệ 64,5% × 30 điểm = 19,35", "Ratio 64.5% × 30 = 19.35")


# --- ratio_threshold --------------------------------------------------------------------------------------


def threshold_criterion(below: str, threshold: str = "0.8", max_points: str = "35", steps=()) -> Criterion:
    rule = Rule("ratio_threshold", numerator="a", denominator="b", on_zero_denominator="full_points",
                threshold=D(threshold), below=below, steps=steps)
    return make_criterion(rule, max_points, a="int", b="int")


def test_threshold_met_exactly_gives_full_points():
    points, vi, en, _ = score(threshold_criterion("proportional"), a=8, b=10)
    assert points == D("35.00")
    assert vi == "Tỷ lệ 8/10 = 80% ≥ ngưỡng 80% → 35 điểm"
    assert en == "Ratio 8/10 = 80% ≥ threshold 80% → 35"


def test_threshold_proportional_below():
    points, vi, en, _ = score(threshold_criterion("proportional"), a=15, b=20)
    assert points == D("26.25")
    assert vi == "Tỷ lệ 15/20 = 75% < ngưỡng 80% → 75% × 35 điểm = 26,25"
    assert en == "Ratio 15/20 = 75% < threshold 80% → 75% × 35 = 26.25"


def test_threshold_just_under_is_not_rounded_up():
    # 0.9495 < 0.95: proportional 0.9495 × 25 = 23.7375 → 23.74 (EX4).
    assert score(threshold_criterion("proportional", "0.95", "25"), a=1899, b=2000)[0] == D("23.74")


def test_threshold_half_up_tie():
    # 0.903 × 35 = 31.605 → 31.61; half-even would give 31.60 (EX7).
    assert score(threshold_criterion("proportional", "0.95", "35"), a=903, b=1000)[0] == D("31.61")


def test_threshold_scaled_is_one_exact_rational():
    # 1 × 15 / (120 × 0.2) = 0.625 → 0.63 (EX11).
    points, vi, en, _ = score(threshold_criterion("scaled", "0.2", "15"), a=1, b=120)
    assert points == D("0.63")
    assert vi == "Tỷ lệ 1/120 ≈ 0,83% < ngưỡng 20% → (≈0,83% / 20%) × 15 điểm = 0,63"
    assert en == "Ratio 1/120 ≈ 0.83% < threshold 20% → (≈0.83% / 20%) × 15 = 0.63"


STEPS = tiers(("0.4", 24), ("0.3", 18), ("0.2", 12), ("0.1", 6))


@pytest.mark.parametrize(("a", "points"), [(500, "30"), (499, "24"), (400, "24"), (399, "18"), (100, "6"),
                                           (99, "0"), (0, "0")])
def test_threshold_stepped(a, points):
    assert score(threshold_criterion("stepped", "0.5", "30", STEPS), a=a, b=1000)[0] == D(points)


def test_threshold_stepped_explanations():
    criterion = threshold_criterion("stepped", "0.5", "30", STEPS)
    assert score(criterion, a=400, b=1000)[1:3] == (
        "Tỷ lệ 400/1000 = 40% < ngưỡng 50% → mức ≥ 40%: 24 điểm",
        "Ratio 400/1000 = 40% < threshold 50% → step ≥ 40%: 24")
    assert score(criterion, a=5, b=1000)[1:3] == (
        "Tỷ lệ 5/1000 = 0,5% < ngưỡng 50% → dưới mức thấp nhất (10%): 0 điểm",
        "Ratio 5/1000 = 0.5% < threshold 50% → below the lowest step (10%): 0")


def test_threshold_zero_below():
    points, vi, en, _ = score(threshold_criterion("zero"), a=79, b=100)
    assert points == D("0.00")
    assert (vi, en) == ("Tỷ lệ 79/100 = 79% < ngưỡng 80% → 0 điểm", "Ratio 79/100 = 79% < threshold 80% → 0")


def test_threshold_on_a_percent_input():
    rule = Rule("ratio_threshold", input="pct", threshold=D("0.9"), below="proportional")
    criterion = make_criterion(rule, "25", pct="percent")
    assert score(criterion, pct=D("89.99"))[0] == D("22.50")
    assert score(criterion, pct=90)[0] == D("25.00")


def test_threshold_zero_denominator_full_points():
    points, vi, en, _ = score(threshold_criterion("stepped", "0.5", "30", STEPS), a=0, b=0)
    assert points == D("30.00")
    assert vi == "Mẫu số bằng 0 (không phát sinh yêu cầu) → tối đa 30 điểm"
    assert en == "Denominator is 0 (nothing was required) → full 30"


# --- assessed ---------------------------------------------------------------------------------------------

ASSESSED = make_criterion(Rule("assessed", input="score"), "20", score="decimal")


@pytest.mark.parametrize(("value", "points"), [(D("12.5"), "12.50"), (20, "20.00"), (25, "20.00"), (-1, "0.00"),
                                               (D("12.345"), "12.35"), (D("12.344"), "12.34")])
def test_assessed_is_clamped_to_max(value, points):
    assert score(ASSESSED, score=value)[0] == D(points)


def test_assessed_explanations():
    assert score(ASSESSED, score=D("12.5"))[1:3] == ("Điểm đánh giá 12,5 → 12,5 điểm", "Assessed score 12.5 → 12.5")
    assert score(ASSESSED, score=25)[1:3] == ("Điểm đánh giá 25 vượt tối đa → 20 điểm",
                                              "Assessed score 25 is above the maximum → 20")


# --- deduction --------------------------------------------------------------------------------------------

DEDUCTION = make_criterion(Rule("deduction", input="late", points_per_unit=D(5), max_deduction=D(15)), "0",
                           late="int")


@pytest.mark.parametrize(("count", "points"), [(0, "0.00"), (1, "-5.00"), (3, "-15.00"), (7, "-15.00"),
                                               (-2, "0.00")])
def test_deduction_is_capped(count, points):
    result = score(DEDUCTION, late=count)[0]
    assert result == D(points)
    assert str(result) == points  # never "-0.00"


def test_deduction_explanations():
    assert score(DEDUCTION, late=2)[1:3] == ("Trừ 2 × 5 điểm = 10 điểm (tối đa 15)", "Deduct 2 × 5 = 10 (cap 15)")
    assert score(DEDUCTION, late=4)[1:3] == ("Trừ 4 × 5 điểm = 20 điểm, áp dụng mức trừ tối đa 15 điểm",
                                            "Deduct 4 × 5 = 20, capped at 15")


# --- info and reviewer overrides --------------------------------------------------------------------------


def test_info_is_never_scored():
    criterion = make_criterion(Rule("info"), "0", note="text")
    assert score(criterion) == (None, "Chỉ thu thập thông tin, không chấm điểm", "Information only, not scored", ())


def test_reviewer_override_is_clamped_and_keeps_the_formula_in_the_text():
    formula = compile_rule(ratio_criterion(), 2)({"done": 7, "assigned": 8})
    points, explanation, _ = reviewer_override(D("31"), D(0), D(30), formula, 2)
    assert points == D("30.00")
    assert word(explanation, "vi") == ("Điểm do người thẩm định điều chỉnh: 30 "
                                       "(theo công thức: Tỷ lệ 7/8 = 87,5% × 30 điểm = 26,25)")
    assert word(explanation, "en") == "Adjusted by the reviewer to 30 (formula: Ratio 7/8 = 87.5% × 30 = 26.25)"
    assert reviewer_override(D("-20"), D(-15), D(0), formula, 2)[0] == D("-15.00")
    assert reviewer_override(D("12.345"), D(0), D(30), formula, 2)[0] == D("12.35")
