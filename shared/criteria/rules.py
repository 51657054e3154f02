"""Rule kinds: pure functions from a criterion's input values to points and a bilingual explanation.

Arithmetic is exact: every value is taken as an integer ratio (`as_integer_ratio()` of an int or a
Decimal), the points are formed as ONE rational (a × max / b, p × max / 100, a × max / (b × threshold))
and rounded once, half-up (README conventions, EX7/EX10/EX11). Plain integer pairs are used rather
than `fractions.Fraction`: they are just as exact and several times faster in the scoring loop.

Each kind is a factory: it pre-converts the catalog parameters once and returns a closure that takes
the report's values (a mapping field → value, already read as bool / int / Decimal; no missing values)
and returns an `Outcome`. `compile_rule` picks the factory for a catalog criterion.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import NamedTuple

from shared.criteria.catalog import Criterion, Tier

Number = int | Decimal
Values = Mapping[str, object]


class Outcome(NamedTuple):
    """What one rule gave: points (None for info), the explanation, and data warnings."""

    points: Decimal | None
    explanation_vi: str
    explanation_en: str
    warnings: tuple[str, ...] = ()


RuleFunction = Callable[[Values], Outcome]


def compile_rule(criterion: Criterion, decimal_places: int) -> RuleFunction:
    rule, max_points = criterion.rule, criterion.max_points
    if rule.kind == "boolean":
        return boolean(rule.input, max_points, decimal_places)
    if rule.kind == "tiered":
        return tiered(rule.input, rule.tiers, rule.else_points, decimal_places)
    if rule.kind in ("ratio", "ratio_threshold"):
        if rule.input:
            operands = _PercentOperand(rule.input)
        else:
            counts = _field_type(criterion, rule.numerator) == "int"
            operands = _RatioOperands(rule.numerator, rule.denominator, rule.on_zero_denominator, max_points,
                                      decimal_places, count_warning=counts)
        if rule.kind == "ratio":
            return ratio(operands, max_points, decimal_places)
        return ratio_threshold(operands, max_points, decimal_places, threshold=rule.threshold, below=rule.below,
                               steps=rule.steps)
    if rule.kind == "assessed":
        return assessed(rule.input, max_points, decimal_places)
    if rule.kind == "deduction":
        return deduction(rule.input, rule.points_per_unit, rule.max_deduction, decimal_places)
    if rule.kind == "info":
        return info()
    raise ValueError(f"criterion {criterion.code}: unknown rule kind {rule.kind!r}")


def _field_type(criterion: Criterion, name: str) -> str:
    return next(field.type for field in criterion.inputs if field.field == name)


# --- rule kinds ------------------------------------------------------------------------------------------


def boolean(field: str, max_points: Decimal, places: int) -> RuleFunction:
    """max if the input is true, else 0."""
    full = _Points(places).of_decimal(max_points)
    yes = Outcome(full, f"Có → {_vi(full)} điểm", f"Yes → {_en(full)}")
    no = Outcome(_Points(places).zero, "Không → 0 điểm", "No → 0")
    return lambda values: yes if values[field] else no


def tiered(field: str, tiers: tuple[Tier, ...], else_points: Decimal, places: int) -> RuleFunction:
    """Points of the first tier (listed by descending min, checked on load) whose min <= value."""
    to_points = _Points(places)
    compiled = []
    for tier in tiers:
        points = to_points.of_decimal(tier.points)
        compiled.append((*tier.min.as_integer_ratio(), points,
                         f" đạt mức ≥ {_vi(tier.min)} → {_vi(points)} điểm",
                         f" reaches tier ≥ {_en(tier.min)} → {_en(points)}"))
    fallback = to_points.of_decimal(else_points)
    lowest = tiers[-1].min
    fallback_tails = (f" dưới mức thấp nhất (≥ {_vi(lowest)}) → {_vi(fallback)} điểm",
                      f" is below the lowest tier (≥ {_en(lowest)}) → {_en(fallback)}")

    def score(values: Values) -> Outcome:
        value = values[field]
        n, d = value.as_integer_ratio()
        points, tail_vi, tail_en = fallback, *fallback_tails
        for min_n, min_d, tier_points, tier_vi, tier_en in compiled:
            if n * min_d >= min_n * d:
                points, tail_vi, tail_en = tier_points, tier_vi, tier_en
                break
        shown_vi, shown_en = _texts(value)
        return Outcome(points, f"Giá trị {shown_vi}{tail_vi}", f"Value {shown_en}{tail_en}")

    return score


def ratio(operands: _Operands, max_points: Decimal, places: int) -> RuleFunction:
    """min(max(a/b, 0), 1) × max, or percent/100 × max."""
    to_points = _Points(places)
    max_n, max_d = max_points.as_integer_ratio()
    max_vi, max_en = _texts(max_points)

    def score(values: Values) -> Outcome:
        r = operands.read(values)
        if type(r) is Outcome:  # zero denominator
            return r
        points = to_points.of_ratio(r.num * max_n, r.den * max_d)
        points_vi, points_en = _texts(points)
        return Outcome(points, f"Tỷ lệ {r.text_vi} × {max_vi} điểm = {points_vi}",
                       f"Ratio {r.text_en} × {max_en} = {points_en}", r.warnings)

    return score


def ratio_threshold(operands: _Operands, max_points: Decimal, places: int, *, threshold: Decimal, below: str,
                    steps: tuple[Tier, ...]) -> RuleFunction:
    """max from the threshold up (inclusive); below it proportional, scaled, stepped or zero."""
    to_points = _Points(places)
    zero = to_points.zero
    max_n, max_d = max_points.as_integer_ratio()
    t_n, t_d = threshold.as_integer_ratio()
    full = to_points.of_decimal(max_points)
    max_vi, max_en = _texts(max_points)
    t_vi, t_en = _texts(threshold * 100)
    compiled_steps = [(*s.min.as_integer_ratio(), to_points.of_decimal(s.points), *_texts(s.min * 100))
                      for s in steps]

    def proportional(r: _Ratio) -> tuple[Decimal, str, str]:
        points = to_points.of_ratio(r.num * max_n, r.den * max_d)
        points_vi, points_en = _texts(points)
        return (points, f"{r.percent_vi}% × {max_vi} điểm = {points_vi}",
                f"{r.percent_en}% × {max_en} = {points_en}")

    def scaled(r: _Ratio) -> tuple[Decimal, str, str]:
        points = to_points.of_ratio(r.num * t_d * max_n, r.den * t_n * max_d)
        points_vi, points_en = _texts(points)
        return (points, f"({r.percent_vi}% / {t_vi}%) × {max_vi} điểm = {points_vi}",
                f"({r.percent_en}% / {t_en}%) × {max_en} = {points_en}")

    def stepped(r: _Ratio) -> tuple[Decimal, str, str]:
        for step_n, step_d, points, step_vi, step_en in compiled_steps:
            if r.num * step_d >= step_n * r.den:
                return points, f"mức ≥ {step_vi}%: {_vi(points)} điểm", f"step ≥ {step_en}%: {_en(points)}"
        lowest_vi, lowest_en = compiled_steps[-1][3:]
        return zero, f"dưới mức thấp nhất ({lowest_vi}%): 0 điểm", f"below the lowest step ({lowest_en}%): 0"

    def nothing(r: _Ratio) -> tuple[Decimal, str, str]:
        return zero, "0 điểm", "0"

    below_threshold = {"proportional": proportional, "scaled": scaled, "stepped": stepped, "zero": nothing}[below]

    def score(values: Values) -> Outcome:
        r = operands.read(values)
        if type(r) is Outcome:  # zero denominator
            return r
        if r.num * t_d >= t_n * r.den:
            return Outcome(full, f"Tỷ lệ {r.text_vi} ≥ ngưỡng {t_vi}% → {max_vi} điểm",
                           f"Ratio {r.text_en} ≥ threshold {t_en}% → {max_en}", r.warnings)
        points, tail_vi, tail_en = below_threshold(r)
        return Outcome(points, f"Tỷ lệ {r.text_vi} < ngưỡng {t_vi}% → {tail_vi}",
                       f"Ratio {r.text_en} < threshold {t_en}% → {tail_en}", r.warnings)

    return score


def assessed(field: str, max_points: Decimal, places: int) -> RuleFunction:
    """The evaluator's score, clamped to [0, max]."""
    to_points = _Points(places)
    max_n, max_d = max_points.as_integer_ratio()
    full = to_points.of_decimal(max_points)
    full_vi, full_en = _texts(full)

    def score(values: Values) -> Outcome:
        value = values[field]
        shown_vi, shown_en = _texts(value)
        n, d = value.as_integer_ratio()
        if n < 0:
            return Outcome(to_points.zero, f"Điểm đánh giá {shown_vi} dưới 0 → 0 điểm",
                           f"Assessed score {shown_en} is below 0 → 0")
        if n * max_d > max_n * d:
            return Outcome(full, f"Điểm đánh giá {shown_vi} vượt tối đa → {full_vi} điểm",
                           f"Assessed score {shown_en} is above the maximum → {full_en}")
        points = to_points.of_ratio(n, d)
        points_vi, points_en = _texts(points)
        return Outcome(points, f"Điểm đánh giá {shown_vi} → {points_vi} điểm",
                       f"Assessed score {shown_en} → {points_en}")

    return score


def deduction(field: str, points_per_unit: Decimal, max_deduction: Decimal, places: int) -> RuleFunction:
    """min(count × points_per_unit, max_deduction), reported as negative points."""
    to_points = _Points(places)
    unit_n, unit_d = points_per_unit.as_integer_ratio()
    cap_n, cap_d = max_deduction.as_integer_ratio()
    cap = to_points.of_decimal(max_deduction)
    unit_vi, unit_en = _texts(points_per_unit)
    cap_vi, cap_en = _texts(cap)

    def score(values: Values) -> Outcome:
        count = values[field]
        count_vi, count_en = _texts(count)
        count_n, count_d = count.as_integer_ratio()
        amount_n, amount_d = max(count_n, 0) * unit_n, count_d * unit_d
        amount = to_points.of_ratio(amount_n, amount_d)
        amount_vi, amount_en = _texts(amount)
        if amount_n * cap_d > cap_n * amount_d:
            return Outcome(-cap, f"Trừ {count_vi} × {unit_vi} điểm = {amount_vi} điểm, áp dụng mức trừ tối đa {cap_vi}",
                           f"Deduct {count_en} × {unit_en} = {amount_en}, capped at {cap_en}")
        return Outcome(-amount if amount_n else amount,
                       f"Trừ {count_vi} × {unit_vi} điểm = {amount_vi} điểm (tối đa {cap_vi})",
                       f"Deduct {count_en} × {unit_en} = {amount_en} (cap {cap_en})")

    return score


def info() -> RuleFunction:
    """Collected for information, never scored."""
    outcome = Outcome(None, "Chỉ thu thập thông tin, không chấm điểm", "Information only, not scored")
    return lambda values: outcome


def missing_input(fields: list[str], *, required: bool, scored: bool, places: int) -> Outcome:
    """A criterion whose formula lacks a value: 0 points (info stays unscored)."""
    names = ", ".join(fields)
    points = _Points(places).zero if scored else None
    result_vi, result_en = (" → 0 điểm", " → 0") if scored else ("", "")
    if required:
        return Outcome(points, f"Thiếu dữ liệu bắt buộc: {names}{result_vi}",
                       f"Required input missing: {names}{result_en}")
    return Outcome(points, f"Chưa có dữ liệu: {names}{result_vi}", f"No value given: {names}{result_en}")


def reviewer_override(points: Number, low: Decimal, high: Decimal, formula: Outcome, places: int) -> Outcome:
    """Points a reviewer set directly, clamped to [low, high]; the formula's result stays in the text."""
    n, d = min(max(points, low), high).as_integer_ratio()
    magnitude = _Points(places).of_ratio(abs(n), d)
    adjusted = -magnitude if n < 0 else magnitude
    return Outcome(
        adjusted,
        f"Điểm do người thẩm định điều chỉnh: {_vi(adjusted)} (theo công thức: {formula.explanation_vi})",
        f"Adjusted by the reviewer to {_en(adjusted)} (formula: {formula.explanation_en})",
        formula.warnings,
    )


# --- ratio operands --------------------------------------------------------------------------------------


class _Ratio(NamedTuple):
    """A ratio clamped to [0, 1] as num/den (den > 0), with display texts and data warnings."""

    num: int
    den: int
    text_vi: str  # "7/8 = 87,5%", "52/50 = 104% (tính tối đa 100%)", "64,5%"
    text_en: str
    percent_vi: str  # the clamped ratio as a percentage: "87,5", "100", "≈14,58"
    percent_en: str
    warnings: tuple[str, ...]


class _RatioOperands:
    """Reads a/b from two fields; b = 0 gives the zero-denominator outcome instead of a ratio."""

    def __init__(self, numerator: str, denominator: str, on_zero_denominator: str, max_points: Decimal,
                 places: int, *, count_warning: bool) -> None:
        self.numerator, self.denominator = numerator, denominator
        # A count ratio whose numerator exceeds its denominator is impossible data: warn (README).
        self.warning = (f"{numerator} > {denominator}",) if count_warning else None
        to_points = _Points(places)
        if on_zero_denominator == "full_points":
            full = to_points.of_decimal(max_points)
            self.zero_denominator = Outcome(
                full, f"Mẫu số bằng 0 (không phát sinh yêu cầu) → tối đa {_vi(full)} điểm",
                f"Denominator is 0 (nothing was required) → full {_en(full)}")
        else:
            self.zero_denominator = Outcome(to_points.zero, "Mẫu số bằng 0 (số liệu không hợp lệ) → 0 điểm",
                                            "Denominator is 0 (invalid data) → 0")

    def read(self, values: Values) -> _Ratio | Outcome:
        a, b = values[self.numerator], values[self.denominator]
        if not b:
            return self.zero_denominator
        a_n, a_d = a.as_integer_ratio()
        b_n, b_d = b.as_integer_ratio()
        num, den = a_n * b_d, a_d * b_n
        if den < 0:
            num, den = -num, -den
        percent_vi, percent_en, exact = _percent_texts(num, den)
        equals = "=" if exact else "≈"  # 18/21 ≈ 85,71%
        a_vi, a_en = _texts(a)
        b_vi, b_en = _texts(b)
        warnings = self.warning if self.warning and num > den else ()
        return _clamped(num, den, f"{a_vi}/{b_vi} {equals} {percent_vi}%", f"{a_en}/{b_en} {equals} {percent_en}%",
                        percent_vi if exact else "≈" + percent_vi, percent_en if exact else "≈" + percent_en,
                        warnings)


class _PercentOperand:
    """Reads a percentage (0–100) from one field as the ratio p/100."""

    def __init__(self, field: str) -> None:
        self.field = field

    def read(self, values: Values) -> _Ratio:
        percent = values[self.field]
        n, d = percent.as_integer_ratio()
        shown_vi, shown_en = _texts(percent)
        return _clamped(n, d * 100, f"{shown_vi}%", f"{shown_en}%", shown_vi, shown_en, ())


_Operands = _RatioOperands | _PercentOperand


def _clamped(num: int, den: int, text_vi: str, text_en: str, percent_vi: str, percent_en: str,
             warnings: tuple[str, ...]) -> _Ratio:
    # The derived ratio is clamped to [0, 1]; the inputs themselves never are (README conventions).
    if num < 0:
        return _Ratio(0, den, text_vi + " (tính là 0%)", text_en + " (counted as 0%)", "0", "0", warnings)
    if num > den:
        return _Ratio(den, den, text_vi + " (tính tối đa 100%)", text_en + " (counted as 100%)", "100", "100",
                      warnings)
    return _Ratio(num, den, text_vi, text_en, percent_vi, percent_en, warnings)


# --- exact rounding and number texts ---------------------------------------------------------------------


class _Points:
    """Exact rationals → Decimal points rounded half-up to the catalog's decimal places."""

    __slots__ = ("scale", "step", "zero")

    def __init__(self, places: int) -> None:
        self.scale = 10**places
        # Points stay below 10^7 scaled units, far inside any decimal context's precision, so the
        # multiplication by `step` is exact.
        self.step = Decimal(1).scaleb(-places)
        self.zero = Decimal(0) * self.step

    def of_ratio(self, numerator: int, denominator: int) -> Decimal:
        """numerator/denominator rounded once, half-up; numerator >= 0, denominator > 0."""
        quotient, remainder = divmod(numerator * self.scale, denominator)
        if 2 * remainder >= denominator:
            quotient += 1
        return Decimal(quotient) * self.step

    def of_decimal(self, value: Decimal) -> Decimal:
        return self.of_ratio(*value.as_integer_ratio())


def _percent_texts(num: int, den: int) -> tuple[str, str, bool]:
    """num/den as a percentage rounded half-up to 2 decimals (vi, en), and whether that is exact."""
    quotient, remainder = divmod(abs(num) * 10_000, den)
    exact = not remainder
    if 2 * remainder >= den:
        quotient += 1
    whole, cents = divmod(quotient, 100)
    text = f"{'-' if num < 0 else ''}{whole}"
    if cents:
        decimals = f"{cents:02d}".rstrip("0")
        return f"{text},{decimals}", f"{text}.{decimals}", exact
    return text, text, exact


def _texts(value: Number) -> tuple[str, str]:
    """A number as written in Vietnamese (decimal comma) and English, without trailing zeros."""
    if type(value) is int:
        text = str(value)
        return text, text
    text = _en(value)
    return text.replace(".", ","), text


def _en(value: Number) -> str:
    """26.25, 30, 22.5: no exponent, no trailing decimal zeros."""
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _vi(value: Number) -> str:
    return _en(value).replace(".", ",")
