"""Rule kinds: pure functions from a criterion's input values to points and a bilingual explanation.

Arithmetic is exact: every value is taken as an integer ratio (`as_integer_ratio()` of an int or a
Decimal), the points are formed as ONE rational (a × max / b, p × max / 100, a × max / (b × threshold))
and rounded once, half-up (README conventions, EX7/EX10/EX11). Plain integer pairs are used rather
than `fractions.Fraction` because they are exact too and several times faster in the scoring loop.

`compile_rule` turns a catalog criterion into a closure with its parameters pre-converted, so scoring a
report does no catalog lookups.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from shared.criteria.catalog import Criterion, Tier

Number = int | Decimal
RuleFunction = Callable[..., "Outcome"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one rule gave: points (None for info), the explanation, and data warnings."""

    points: Decimal | None
    explanation_vi: str
    explanation_en: str
    warnings: tuple[str, ...] = ()


def compile_rule(criterion: Criterion, decimal_places: int) -> RuleFunction:
    """A function taking the values of `criterion.rule.fields`, in order, and returning its Outcome."""
    rule, max_points = criterion.rule, criterion.max_points
    if rule.kind == "boolean":
        return boolean(max_points, decimal_places)
    if rule.kind == "tiered":
        return tiered(rule.tiers, rule.else_points, decimal_places)
    if rule.kind in ("ratio", "ratio_threshold"):
        count_warning = None
        if rule.numerator and _field_type(criterion, rule.numerator) == "int":
            count_warning = f"{rule.numerator} > {rule.denominator}"
        if rule.kind == "ratio":
            return ratio(max_points, decimal_places, on_zero_denominator=rule.on_zero_denominator,
                         percent_input=rule.input is not None, count_warning=count_warning)
        return ratio_threshold(max_points, decimal_places, threshold=rule.threshold, below=rule.below,
                               steps=rule.steps, on_zero_denominator=rule.on_zero_denominator,
                               percent_input=rule.input is not None, count_warning=count_warning)
    if rule.kind == "assessed":
        return assessed(max_points, decimal_places)
    if rule.kind == "deduction":
        return deduction(rule.points_per_unit, rule.max_deduction, decimal_places)
    if rule.kind == "info":
        return info()
    raise ValueError(f"criterion {criterion.code}: unknown rule kind {rule.kind!r}")


def _field_type(criterion: Criterion, name: str) -> str:
    return next(field.type for field in criterion.inputs if field.field == name)


# --- rule kinds ------------------------------------------------------------------------------------------


def boolean(max_points: Decimal, places: int) -> Callable[[bool], Outcome]:
    full = _points_of(max_points, places)
    yes = Outcome(full, f"Có → {_vi(full)} điểm", f"Yes → {_en(full)}")
    no = Outcome(_zero(places), "Không → 0 điểm", "No → 0")

    def score(value: bool) -> Outcome:
        return yes if value else no

    return score


def tiered(tiers: tuple[Tier, ...], else_points: Decimal, places: int) -> Callable[[Number], Outcome]:
    # Tiers are listed by descending min (checked on load): the first reached one applies.
    compiled = []
    for tier in tiers:
        points = _points_of(tier.points, places)
        compiled.append((*tier.min.as_integer_ratio(), points,
                         f" đạt mức ≥ {_vi(tier.min)} → {_vi(points)} điểm",
                         f" reaches tier ≥ {_en(tier.min)} → {_en(points)}"))
    fallback = _points_of(else_points, places)
    lowest = tiers[-1].min
    fallback_vi = f" dưới mức thấp nhất (≥ {_vi(lowest)}) → {_vi(fallback)} điểm"
    fallback_en = f" is below the lowest tier (≥ {_en(lowest)}) → {_en(fallback)}"

    def score(value: Number) -> Outcome:
        n, d = value.as_integer_ratio()
        for min_n, min_d, points, tail_vi, tail_en in compiled:
            if n * min_d >= min_n * d:
                return Outcome(points, f"Giá trị {_vi(value)}{tail_vi}", f"Value {_en(value)}{tail_en}")
        return Outcome(fallback, f"Giá trị {_vi(value)}{fallback_vi}", f"Value {_en(value)}{fallback_en}")

    return score


def ratio(max_points: Decimal, places: int, *, on_zero_denominator: str | None, percent_input: bool,
          count_warning: str | None) -> RuleFunction:
    """min(max(a/b, 0), 1) × max, or percent/100 × max."""
    scale = 10**places
    max_n, max_d = max_points.as_integer_ratio()
    max_vi, max_en = _vi(max_points), _en(max_points)
    zero_denominator = _zero_denominator_outcome(on_zero_denominator, max_points, places)

    def from_ratio(value: _Ratio) -> Outcome:
        points = _to_decimal(_round_half_up(value.num * max_n, value.den * max_d, scale), places)
        return Outcome(points, f"Tỷ lệ {value.text_vi} × {max_vi} điểm = {_vi(points)}",
                       f"Ratio {value.text_en} × {max_en} = {_en(points)}", value.warnings)

    if percent_input:
        return lambda percent: from_ratio(_Ratio.of_percent(percent))
    return lambda a, b: zero_denominator if not b else from_ratio(_Ratio.of(a, b, count_warning))


def ratio_threshold(max_points: Decimal, places: int, *, threshold: Decimal, below: str,
                    steps: tuple[Tier, ...], on_zero_denominator: str | None, percent_input: bool,
                    count_warning: str | None) -> RuleFunction:
    """Full points from the threshold up (inclusive); below it proportional, scaled, stepped or zero."""
    scale = 10**places
    max_n, max_d = max_points.as_integer_ratio()
    t_n, t_d = threshold.as_integer_ratio()
    full = _points_of(max_points, places)
    max_vi, max_en = _vi(max_points), _en(max_points)
    t_vi, t_en = _vi(threshold * 100), _en(threshold * 100)
    zero_denominator = _zero_denominator_outcome(on_zero_denominator, max_points, places)
    compiled_steps = [(*s.min.as_integer_ratio(), _points_of(s.points, places), _vi(s.min * 100), _en(s.min * 100))
                      for s in steps]

    def below_threshold(value: _Ratio) -> tuple[Decimal, str, str]:
        """Points and the explanation tail for a ratio under the threshold."""
        if below == "proportional":
            points = _to_decimal(_round_half_up(value.num * max_n, value.den * max_d, scale), places)
            return (points, f"{value.percent_vi}% × {max_vi} điểm = {_vi(points)}",
                    f"{value.percent_en}% × {max_en} = {_en(points)}")
        if below == "scaled":
            points = _to_decimal(_round_half_up(value.num * t_d * max_n, value.den * t_n * max_d, scale), places)
            return (points, f"({value.percent_vi}% / {t_vi}%) × {max_vi} điểm = {_vi(points)}",
                    f"({value.percent_en}% / {t_en}%) × {max_en} = {_en(points)}")
        if below == "stepped":
            for step_n, step_d, points, step_vi, step_en in compiled_steps:
                if value.num * step_d >= step_n * value.den:
                    return points, f"mức ≥ {step_vi}%: {_vi(points)} điểm", f"step ≥ {step_en}%: {_en(points)}"
            lowest_vi, lowest_en = compiled_steps[-1][3:]
            return (_zero(places), f"dưới mức thấp nhất ({lowest_vi}%): 0 điểm",
                    f"below the lowest step ({lowest_en}%): 0")
        return _zero(places), "0 điểm", "0"

    def from_ratio(value: _Ratio) -> Outcome:
        if value.num * t_d >= t_n * value.den:
            return Outcome(full, f"Tỷ lệ {value.text_vi} ≥ ngưỡng {t_vi}% → {max_vi} điểm",
                           f"Ratio {value.text_en} ≥ threshold {t_en}% → {max_en}", value.warnings)
        points, tail_vi, tail_en = below_threshold(value)
        return Outcome(points, f"Tỷ lệ {value.text_vi} < ngưỡng {t_vi}% → {tail_vi}",
                       f"Ratio {value.text_en} < threshold {t_en}% → {tail_en}", value.warnings)

    if percent_input:
        return lambda percent: from_ratio(_Ratio.of_percent(percent))
    return lambda a, b: zero_denominator if not b else from_ratio(_Ratio.of(a, b, count_warning))


def assessed(max_points: Decimal, places: int) -> Callable[[Number], Outcome]:
    """The evaluator's score, clamped to [0, max]."""
    scale = 10**places
    max_n, max_d = max_points.as_integer_ratio()
    full = _points_of(max_points, places)

    def score(value: Number) -> Outcome:
        n, d = value.as_integer_ratio()
        if n < 0:
            return Outcome(_zero(places), f"Điểm đánh giá {_vi(value)} dưới 0 → 0 điểm",
                           f"Assessed score {_en(value)} is below 0 → 0")
        if n * max_d > max_n * d:
            return Outcome(full, f"Điểm đánh giá {_vi(value)} vượt tối đa → {_vi(full)} điểm",
                           f"Assessed score {_en(value)} is above the maximum → {_en(full)}")
        points = _to_decimal(_round_half_up(n, d, scale), places)
        return Outcome(points, f"Điểm đánh giá {_vi(value)} → {_vi(points)} điểm",
                       f"Assessed score {_en(value)} → {_en(points)}")

    return score


def deduction(points_per_unit: Decimal, max_deduction: Decimal, places: int) -> Callable[[Number], Outcome]:
    """min(count × points_per_unit, max_deduction), reported as a negative number of points."""
    scale = 10**places
    unit_n, unit_d = points_per_unit.as_integer_ratio()
    cap_n, cap_d = max_deduction.as_integer_ratio()
    cap = _points_of(max_deduction, places)
    unit_vi, unit_en = _vi(points_per_unit), _en(points_per_unit)

    def score(count: Number) -> Outcome:
        count_n, count_d = count.as_integer_ratio()
        amount_n, amount_d = max(count_n, 0) * unit_n, count_d * unit_d
        raw = _to_decimal(_round_half_up(amount_n, amount_d, scale), places)
        if amount_n * cap_d > cap_n * amount_d:
            return Outcome(-cap, f"Trừ {_vi(count)} × {unit_vi} điểm = {_vi(raw)}, áp dụng mức trừ tối đa {_vi(cap)} điểm",
                           f"Deduct {_en(count)} × {unit_en} = {_en(raw)}, capped at {_en(cap)}")
        points = _to_decimal(-_round_half_up(amount_n, amount_d, scale), places)
        return Outcome(points, f"Trừ {_vi(count)} × {unit_vi} điểm = {_vi(raw)} điểm (tối đa {_vi(cap)})",
                       f"Deduct {_en(count)} × {unit_en} = {_en(raw)} (cap {_en(cap)})")

    return score


def info() -> Callable[[], Outcome]:
    outcome = Outcome(None, "Chỉ thu thập thông tin, không chấm điểm", "Information only, not scored")
    return lambda: outcome


def missing_input(fields: list[str], *, required: bool, scored: bool, places: int) -> Outcome:
    """A criterion whose formula lacks a value: 0 points (info stays unscored)."""
    names = ", ".join(fields)
    points = _zero(places) if scored else None
    result_vi, result_en = (" → 0 điểm", " → 0") if scored else ("", "")
    if required:
        return Outcome(points, f"Thiếu dữ liệu bắt buộc: {names}{result_vi}", f"Required input missing: {names}{result_en}")
    return Outcome(points, f"Chưa có dữ liệu: {names}{result_vi}", f"No value given: {names}{result_en}")


def reviewer_override(points: Decimal, low: Decimal, high: Decimal, formula: Outcome, places: int) -> Outcome:
    """Points set directly by a reviewer, clamped to [low, high]; the formula's result is kept in the text."""
    n, d = min(max(points, low), high).as_integer_ratio()
    rounded = _to_decimal(_round_half_up(abs(n), d, 10**places) * (-1 if n < 0 else 1), places)
    return Outcome(
        rounded,
        f"Điểm do người thẩm định điều chỉnh: {_vi(rounded)} (theo công thức: {formula.explanation_vi})",
        f"Adjusted by the reviewer to {_en(rounded)} (formula: {formula.explanation_en})",
        formula.warnings,
    )


# --- exact helpers ---------------------------------------------------------------------------------------


class _Ratio:
    """A ratio clamped to [0, 1] as num/den (den > 0), with its display texts and data warnings."""

    __slots__ = ("num", "den", "text_vi", "text_en", "percent_vi", "percent_en", "warnings")

    def __init__(self, num: int, den: int, shown_vi: str, shown_en: str, warnings: tuple[str, ...]) -> None:
        note_vi = note_en = ""
        if num < 0:
            num, note_vi, note_en = 0, " (tính là 0%)", " (counted as 0%)"
        elif num > den:
            num, note_vi, note_en = den, " (tính tối đa 100%)", " (counted as 100%)"
        self.num, self.den, self.warnings = num, den, warnings
        self.text_vi, self.text_en = shown_vi + note_vi, shown_en + note_en
        percent_vi, percent_en, exact = _percent_texts(num, den)
        approx = "" if exact else "≈"
        self.percent_vi, self.percent_en = approx + percent_vi, approx + percent_en

    @classmethod
    def of(cls, a: Number, b: Number, count_warning: str | None) -> _Ratio:
        a_n, a_d = a.as_integer_ratio()
        b_n, b_d = b.as_integer_ratio()
        num, den = a_n * b_d, a_d * b_n
        if den < 0:
            num, den = -num, -den
        percent_vi, percent_en, exact = _percent_texts(num, den)
        equals = "=" if exact else "≈"  # 18/21 ≈ 85,71%
        warnings = (count_warning,) if count_warning and a > b else ()
        return cls(num, den, f"{_vi(a)}/{_vi(b)} {equals} {percent_vi}%", f"{_en(a)}/{_en(b)} {equals} {percent_en}%",
                   warnings)

    @classmethod
    def of_percent(cls, percent: Number) -> _Ratio:
        n, d = percent.as_integer_ratio()
        return cls(n, d * 100, f"{_vi(percent)}%", f"{_en(percent)}%", ())


def _zero_denominator_outcome(mode: str | None, max_points: Decimal, places: int) -> Outcome:
    if mode == "full_points":
        full = _points_of(max_points, places)
        return Outcome(full, f"Mẫu số bằng 0 (không phát sinh yêu cầu) → tối đa {_vi(full)} điểm",
                       f"Denominator is 0 (nothing was required) → full {_en(full)}")
    return Outcome(_zero(places), "Mẫu số bằng 0 (số liệu không hợp lệ) → 0 điểm",
                   "Denominator is 0 (invalid data) → 0")


def _round_half_up(numerator: int, denominator: int, scale: int) -> int:
    """numerator/denominator × scale rounded half-up, for numerator >= 0 and denominator > 0."""
    quotient, remainder = divmod(numerator * scale, denominator)
    return quotient + 1 if 2 * remainder >= denominator else quotient


def _to_decimal(scaled: int, places: int) -> Decimal:
    return Decimal(scaled).scaleb(-places)


def _points_of(value: Decimal, places: int) -> Decimal:
    n, d = value.as_integer_ratio()
    return _to_decimal(_round_half_up(n, d, 10**places), places)


def _zero(places: int) -> Decimal:
    return _to_decimal(0, places)


def _percent_texts(num: int, den: int) -> tuple[str, str, bool]:
    """num/den as a percentage rounded to 2 decimals (vi, en), and whether that is exact."""
    quotient, remainder = divmod(abs(num) * 10_000, den)
    exact = remainder == 0
    if 2 * remainder >= den:
        quotient += 1
    text = _en(_to_decimal(-quotient if num < 0 else quotient, 2))
    return text.replace(".", ","), text, exact


def _en(value: Number) -> str:
    """A number as written in English, without trailing decimal zeros (26.25, 30, 22.5)."""
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _vi(value: Number) -> str:
    """A number as written in Vietnamese: decimal comma (26,25)."""
    return _en(value).replace(".", ",")
