"""Rule kinds: pure functions from a criterion's input values to points, plus what was applied.

Arithmetic is exact: every value is taken as an integer ratio (`as_integer_ratio()` of an int or a
Decimal), the points are formed as ONE rational (a × max / b, p × max / 100, a × max / (b × threshold))
and rounded once, half-up (README conventions, EX7/EX10/EX11). Plain integer pairs are used rather
than `fractions.Fraction`: they are just as exact and several times faster in the scoring loop.

Each kind is a factory: it pre-converts the catalog parameters once and returns a closure taking the
report's values (field → bool / int / Decimal, none missing) and returning an `Outcome`. The
explanation is kept as data (a renderer and its arguments) and worded in Vietnamese or English only
when read, so scoring a province's reports does not pay for text nobody displays.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from shared.criteria.catalog import Criterion, Tier

Number = int | Decimal
Values = Mapping[str, object]

# What a rule applied, as data: (say, args), worded by say(lang, *args) for lang "vi" or "en".
Explanation = tuple[Callable[..., str], tuple]
# What a rule gave: (points, explanation, warnings); points None for info, negative for deductions.
# Plain tuples, not named ones: building a NamedTuple costs more than the arithmetic of a rule.
Outcome = tuple[Decimal | None, Explanation, tuple[str, ...]]
RuleFunction = Callable[[Values], Outcome]
NO_WARNINGS: tuple[str, ...] = ()


def word(explanation: Explanation, lang: str) -> str:
    """The explanation in Vietnamese ("vi") or English ("en")."""
    say, args = explanation
    return say(lang, *args)


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
            operands = _RatioOperands(rule.numerator, rule.denominator, count_warning=counts)
        zero_denominator = _zero_denominator_outcome(rule.on_zero_denominator, max_points, decimal_places)
        if rule.kind == "ratio":
            return ratio(operands, zero_denominator, max_points, decimal_places)
        return ratio_threshold(operands, zero_denominator, max_points, decimal_places, threshold=rule.threshold,
                               below=rule.below, steps=rule.steps)
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
    to_points = _Points(places)
    full = to_points.of_decimal(max_points)
    yes = (full, (_say_boolean, (True, full)), NO_WARNINGS)
    no = (to_points.zero, (_say_boolean, (False, to_points.zero)), NO_WARNINGS)
    return lambda values: yes if values[field] else no


def tiered(field: str, tiers: tuple[Tier, ...], else_points: Decimal, places: int) -> RuleFunction:
    """Points of the first tier (listed by descending min, checked on load) whose min <= value."""
    to_points = _Points(places)
    compiled = [(*tier.min.as_integer_ratio(), to_points.of_decimal(tier.points), tier.min) for tier in tiers]
    fallback = to_points.of_decimal(else_points)
    lowest = tiers[-1].min

    def score(values: Values) -> Outcome:
        value = values[field]
        n, d = value.as_integer_ratio()
        for min_n, min_d, points, tier_min in compiled:
            if n * min_d >= min_n * d:
                return points, (_say_tier, (value, tier_min, points)), NO_WARNINGS
        return fallback, (_say_below_tiers, (value, lowest, fallback)), NO_WARNINGS

    return score


def ratio(operands: _Operands, zero_denominator: Outcome, max_points: Decimal, places: int) -> RuleFunction:
    """min(max(a/b, 0), 1) × max, or percent/100 × max."""
    read, of_ratio = operands.read, _Points(places).of_ratio
    max_n, max_d = max_points.as_integer_ratio()

    def score(values: Values) -> Outcome:
        ratio_read = read(values)
        if ratio_read is None:  # b = 0
            return zero_denominator
        num, den, shown, warnings = ratio_read
        num = 0 if num < 0 else den if num > den else num  # the derived ratio is clamped, never the inputs
        points = of_ratio(num * max_n, den * max_d)
        return points, (_say_ratio, (shown, max_points, points)), warnings

    return score


def ratio_threshold(operands: _Operands, zero_denominator: Outcome, max_points: Decimal, places: int, *,
                    threshold: Decimal, below: str, steps: tuple[Tier, ...]) -> RuleFunction:
    """max from the threshold up (inclusive); below it proportional, scaled, stepped or zero."""
    to_points = _Points(places)
    of_ratio, zero = to_points.of_ratio, to_points.zero
    full = to_points.of_decimal(max_points)
    max_n, max_d = max_points.as_integer_ratio()
    t_n, t_d = threshold.as_integer_ratio()
    compiled_steps = [(*step.min.as_integer_ratio(), to_points.of_decimal(step.points), step.min) for step in steps]

    def proportional(num: int, den: int, shown: tuple, warnings: tuple[str, ...]) -> Outcome:
        points = of_ratio(num * max_n, den * max_d)
        return points, (_say_below_threshold, (shown, threshold, below, max_points, points)), warnings

    def scaled(num: int, den: int, shown: tuple, warnings: tuple[str, ...]) -> Outcome:
        points = of_ratio(num * t_d * max_n, den * t_n * max_d)  # (a/b) / threshold × max, as one rational
        return points, (_say_below_threshold, (shown, threshold, below, max_points, points)), warnings

    def stepped(num: int, den: int, shown: tuple, warnings: tuple[str, ...]) -> Outcome:
        for step_n, step_d, step_points, step_min in compiled_steps:
            if num * step_d >= step_n * den:
                return step_points, (_say_step, (shown, threshold, step_min, step_points)), warnings
        return zero, (_say_below_steps, (shown, threshold, steps[-1].min)), warnings

    def nothing(num: int, den: int, shown: tuple, warnings: tuple[str, ...]) -> Outcome:
        return zero, (_say_below_threshold, (shown, threshold, below, max_points, zero)), warnings

    below_threshold = {"proportional": proportional, "scaled": scaled, "stepped": stepped, "zero": nothing}[below]
    read = operands.read

    def score(values: Values) -> Outcome:
        ratio_read = read(values)
        if ratio_read is None:  # b = 0
            return zero_denominator
        num, den, shown, warnings = ratio_read
        num = 0 if num < 0 else den if num > den else num  # the derived ratio is clamped, never the inputs
        if num * t_d >= t_n * den:
            return full, (_say_threshold_met, (shown, threshold, full)), warnings
        return below_threshold(num, den, shown, warnings)

    return score


def assessed(field: str, max_points: Decimal, places: int) -> RuleFunction:
    """The evaluator's score, clamped to [0, max]."""
    to_points = _Points(places)
    max_n, max_d = max_points.as_integer_ratio()
    full = to_points.of_decimal(max_points)

    def score(values: Values) -> Outcome:
        value = values[field]
        n, d = value.as_integer_ratio()
        if n < 0:
            points = to_points.zero
        elif n * max_d > max_n * d:
            points = full
        else:
            points = to_points.of_ratio(n, d)
        return points, (_say_assessed, (value, max_points, points)), NO_WARNINGS

    return score


def deduction(field: str, points_per_unit: Decimal, max_deduction: Decimal, places: int) -> RuleFunction:
    """min(count × points_per_unit, max_deduction), reported as negative points."""
    to_points = _Points(places)
    unit_n, unit_d = points_per_unit.as_integer_ratio()
    cap_n, cap_d = max_deduction.as_integer_ratio()
    cap = to_points.of_decimal(max_deduction)

    def score(values: Values) -> Outcome:
        count = values[field]
        count_n, count_d = count.as_integer_ratio()
        amount_n, amount_d = max(count_n, 0) * unit_n, count_d * unit_d
        if amount_n * cap_d > cap_n * amount_d:
            amount = cap
        elif amount_n:
            amount = to_points.of_ratio(amount_n, amount_d)
        else:
            return to_points.zero, (_say_deduction, (count, points_per_unit, cap, to_points.zero)), NO_WARNINGS
        return -amount, (_say_deduction, (count, points_per_unit, cap, amount)), NO_WARNINGS

    return score


def info() -> RuleFunction:
    """Collected for information, never scored."""
    outcome = (None, (_say_info, ()), NO_WARNINGS)
    return lambda values: outcome


def missing_input(fields: list[str], *, required: bool, scored: bool, places: int) -> Outcome:
    """A criterion whose formula lacks a value: 0 points (info stays unscored)."""
    points = _Points(places).zero if scored else None
    return points, (_say_missing, (tuple(fields), required, scored)), NO_WARNINGS


def reviewer_override(points: Number, low: Decimal, high: Decimal, formula: Outcome, places: int) -> Outcome:
    """Points a reviewer set directly, clamped to [low, high]; the formula's result stays in the text."""
    n, d = min(max(points, low), high).as_integer_ratio()
    magnitude = _Points(places).of_ratio(abs(n), d)
    adjusted = -magnitude if n < 0 else magnitude
    _, explanation, warnings = formula
    return adjusted, (_say_override, (adjusted, explanation)), warnings


def _zero_denominator_outcome(mode: str | None, max_points: Decimal, places: int) -> Outcome:
    to_points = _Points(places)
    points = to_points.of_decimal(max_points) if mode == "full_points" else to_points.zero
    return points, (_say_zero_denominator, (mode == "full_points", points)), NO_WARNINGS


# --- ratio operands --------------------------------------------------------------------------------------

# (num, den, shown, warnings): the exact, unclamped ratio num/den with den > 0, the values to show
# ((a, b) or (percent,)), and the data warnings.
_RatioRead = tuple[int, int, tuple, tuple[str, ...]]


class _RatioOperands:
    """a/b from two fields; None when b = 0 (the rule's on_zero_denominator applies)."""

    def __init__(self, numerator: str, denominator: str, *, count_warning: bool) -> None:
        self.numerator, self.denominator = numerator, denominator
        # A count ratio whose numerator exceeds its denominator is impossible data: warn (README).
        self.warning = (f"{numerator} > {denominator}",) if count_warning else ()

    def read(self, values: Values) -> _RatioRead | None:
        a, b = values[self.numerator], values[self.denominator]
        if not b:
            return None
        a_n, a_d = a.as_integer_ratio()
        b_n, b_d = b.as_integer_ratio()
        num, den = a_n * b_d, a_d * b_n
        if den < 0:
            num, den = -num, -den
        return num, den, (a, b), self.warning if num > den else ()


class _PercentOperand:
    """A percentage (0–100) from one field, as the ratio p/100."""

    def __init__(self, field: str) -> None:
        self.field = field

    def read(self, values: Values) -> _RatioRead:
        percent = values[self.field]
        n, d = percent.as_integer_ratio()
        return n, d * 100, (percent,), ()


_Operands = _RatioOperands | _PercentOperand


# --- exact rounding --------------------------------------------------------------------------------------


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


# --- wording ---------------------------------------------------------------------------------------------
# Each _say_* words one Explanation in "vi" or "en". Vietnamese uses a decimal comma (26,25).


def _say_boolean(lang: str, value: bool, points: Decimal) -> str:
    if lang == "vi":
        return f"{'Có' if value else 'Không'} → {_num(lang, points)} điểm"
    return f"{'Yes' if value else 'No'} → {_num(lang, points)}"


def _say_tier(lang: str, value: Number, tier_min: Decimal, points: Decimal) -> str:
    if lang == "vi":
        return f"Giá trị {_num(lang, value)} đạt mức ≥ {_num(lang, tier_min)} → {_num(lang, points)} điểm"
    return f"Value {_num(lang, value)} reaches tier ≥ {_num(lang, tier_min)} → {_num(lang, points)}"


def _say_below_tiers(lang: str, value: Number, lowest: Decimal, points: Decimal) -> str:
    if lang == "vi":
        return f"Giá trị {_num(lang, value)} dưới mức thấp nhất (≥ {_num(lang, lowest)}) → {_num(lang, points)} điểm"
    return f"Value {_num(lang, value)} is below the lowest tier (≥ {_num(lang, lowest)}) → {_num(lang, points)}"


def _say_ratio(lang: str, shown: tuple, max_points: Decimal, points: Decimal) -> str:
    text, _ = _ratio_texts(lang, shown)
    if lang == "vi":
        return f"Tỷ lệ {text} × {_num(lang, max_points)} điểm = {_num(lang, points)}"
    return f"Ratio {text} × {_num(lang, max_points)} = {_num(lang, points)}"


def _say_threshold_met(lang: str, shown: tuple, threshold: Decimal, points: Decimal) -> str:
    text, _ = _ratio_texts(lang, shown)
    if lang == "vi":
        return f"Tỷ lệ {text} ≥ ngưỡng {_percent_of(lang, threshold)}% → {_num(lang, points)} điểm"
    return f"Ratio {text} ≥ threshold {_percent_of(lang, threshold)}% → {_num(lang, points)}"


def _say_below_threshold(lang: str, shown: tuple, threshold: Decimal, below: str, max_points: Decimal,
                         points: Decimal) -> str:
    text, percent = _ratio_texts(lang, shown)
    limit, full, result = _percent_of(lang, threshold), _num(lang, max_points), _num(lang, points)
    if lang == "vi":
        tail = {
            "proportional": f"{percent}% × {full} điểm = {result}",
            "scaled": f"({percent}% / {limit}%) × {full} điểm = {result}",
            "zero": "0 điểm",
        }[below]
        return f"Tỷ lệ {text} < ngưỡng {limit}% → {tail}"
    tail = {
        "proportional": f"{percent}% × {full} = {result}",
        "scaled": f"({percent}% / {limit}%) × {full} = {result}",
        "zero": "0",
    }[below]
    return f"Ratio {text} < threshold {limit}% → {tail}"


def _say_step(lang: str, shown: tuple, threshold: Decimal, step_min: Decimal, points: Decimal) -> str:
    text, _ = _ratio_texts(lang, shown)
    limit, step = _percent_of(lang, threshold), _percent_of(lang, step_min)
    if lang == "vi":
        return f"Tỷ lệ {text} < ngưỡng {limit}% → mức ≥ {step}%: {_num(lang, points)} điểm"
    return f"Ratio {text} < threshold {limit}% → step ≥ {step}%: {_num(lang, points)}"


def _say_below_steps(lang: str, shown: tuple, threshold: Decimal, lowest: Decimal) -> str:
    text, _ = _ratio_texts(lang, shown)
    limit, step = _percent_of(lang, threshold), _percent_of(lang, lowest)
    if lang == "vi":
        return f"Tỷ lệ {text} < ngưỡng {limit}% → dưới mức thấp nhất ({step}%): 0 điểm"
    return f"Ratio {text} < threshold {limit}% → below the lowest step ({step}%): 0"


def _say_zero_denominator(lang: str, full: bool, points: Decimal) -> str:
    if lang == "vi":
        if full:
            return f"Mẫu số bằng 0 (không phát sinh yêu cầu) → tối đa {_num(lang, points)} điểm"
        return "Mẫu số bằng 0 (số liệu không hợp lệ) → 0 điểm"
    return f"Denominator is 0 (nothing was required) → full {_num(lang, points)}" if full else \
        "Denominator is 0 (invalid data) → 0"


def _say_assessed(lang: str, value: Number, max_points: Decimal, points: Decimal) -> str:
    shown, result = _num(lang, value), _num(lang, points)
    if lang == "vi":
        if value < 0:
            return f"Điểm đánh giá {shown} dưới 0 → 0 điểm"
        if value > max_points:
            return f"Điểm đánh giá {shown} vượt tối đa → {result} điểm"
        return f"Điểm đánh giá {shown} → {result} điểm"
    if value < 0:
        return f"Assessed score {shown} is below 0 → 0"
    if value > max_points:
        return f"Assessed score {shown} is above the maximum → {result}"
    return f"Assessed score {shown} → {result}"


def _say_deduction(lang: str, count: Number, per_unit: Decimal, cap: Decimal, amount: Decimal) -> str:
    # The raw product is shown even when the cap applies: "4 × 20 = 80, capped at 60".
    raw = _num(lang, max(count, 0) * per_unit)
    n, unit, limit = _num(lang, count), _num(lang, per_unit), _num(lang, cap)
    capped = max(count, 0) * per_unit > cap
    if lang == "vi":
        if capped:
            return f"Trừ {n} × {unit} điểm = {raw} điểm, áp dụng mức trừ tối đa {limit} điểm"
        return f"Trừ {n} × {unit} điểm = {_num(lang, amount)} điểm (tối đa {limit})"
    if capped:
        return f"Deduct {n} × {unit} = {raw}, capped at {limit}"
    return f"Deduct {n} × {unit} = {_num(lang, amount)} (cap {limit})"


def _say_info(lang: str) -> str:
    return "Chỉ thu thập thông tin, không chấm điểm" if lang == "vi" else "Information only, not scored"


def _say_missing(lang: str, fields: tuple[str, ...], required: bool, scored: bool) -> str:
    names = ", ".join(fields)
    if lang == "vi":
        head = "Thiếu dữ liệu bắt buộc" if required else "Chưa có dữ liệu"
        return f"{head}: {names}" + (" → 0 điểm" if scored else "")
    head = "Required input missing" if required else "No value given"
    return f"{head}: {names}" + (" → 0" if scored else "")


def _say_override(lang: str, points: Decimal, formula: Explanation) -> str:
    if lang == "vi":
        return f"Điểm do người thẩm định điều chỉnh: {_num(lang, points)} (theo công thức: {word(formula, lang)})"
    return f"Adjusted by the reviewer to {_num(lang, points)} (formula: {word(formula, lang)})"


def _ratio_texts(lang: str, shown: tuple) -> tuple[str, str]:
    """("7/8 = 87,5%", "87,5"): the ratio as shown, and the clamped percentage the formula used."""
    if len(shown) == 1:
        (percent,) = shown
        n, d = percent.as_integer_ratio()
        num, den, text = n, d * 100, f"{_num(lang, percent)}%"
    else:
        a, b = shown
        a_n, a_d = a.as_integer_ratio()
        b_n, b_d = b.as_integer_ratio()
        num, den = a_n * b_d, a_d * b_n
        if den < 0:
            num, den = -num, -den
        percent, exact = _percent_text(lang, num, den)
        text = f"{_num(lang, a)}/{_num(lang, b)} {'=' if exact else '≈'} {percent}%"  # 18/21 ≈ 85,71%
    if num < 0:
        return text + (" (tính là 0%)" if lang == "vi" else " (counted as 0%)"), "0"
    if num > den:
        return text + (" (tính tối đa 100%)" if lang == "vi" else " (counted as 100%)"), "100"
    percent, exact = _percent_text(lang, num, den)
    return text, percent if exact else "≈" + percent


def _percent_text(lang: str, num: int, den: int) -> tuple[str, bool]:
    """num/den as a percentage rounded half-up to 2 decimals, and whether that is exact."""
    quotient, remainder = divmod(abs(num) * 10_000, den)
    if 2 * remainder >= den:
        quotient += 1
    value = Decimal(-quotient if num < 0 else quotient).scaleb(-2)
    return _num(lang, value), remainder == 0


def _percent_of(lang: str, fraction: Decimal) -> str:
    return _num(lang, fraction * 100)


def _num(lang: str, value: Number) -> str:
    """26.25 / 26,25; no exponent and no trailing decimal zeros (30, 22.5)."""
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
        if lang == "vi":
            text = text.replace(".", ",")
    return text
