"""Rule kinds: pure functions from a criterion's input values to points, plus what was applied.

Arithmetic is exact: every value is taken as an integer ratio (`as_integer_ratio()` of an int or a
Decimal), the points are formed as ONE rational (a × max / b, p × max / 100, a × max / (b × threshold))
and rounded once, half-up (README conventions, EX7/EX10/EX11). Plain integer pairs are used rather
than `fractions.Fraction`: they are just as exact and several times faster in the scoring loop.

Each kind is a factory: it pre-converts the catalog parameters once and returns a closure taking the
report's values (field → bool / int / Decimal, none missing) and returning an `Outcome`. The
explanation is kept as data (`wording.Explanation`: the kind of sentence and its arguments) and worded
in Vietnamese or English only when read (`shared.criteria.wording`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import NamedTuple

from shared.criteria.model import Criterion, Tier
from shared.criteria.wording import Explanation

Number = int | Decimal
Values = Mapping[str, object]


class Outcome(NamedTuple):
    """What a rule gave a report."""

    points: Decimal | None  # None for info, negative for deductions
    explanation: Explanation
    warnings: tuple[str, ...]


RuleFunction = Callable[[Values], Outcome]
NO_WARNINGS: tuple[str, ...] = ()

# In the scoring loop an Outcome is built with tuple.__new__ (`_new(Outcome, (points, explanation,
# warnings))`): the NamedTuple's own Python-level __new__ costs more than a rule's arithmetic
# (benchmarks/RESULTS.md).
_new = tuple.__new__


def _outcome(points: Decimal | None, kind: str, args: tuple) -> Outcome:
    """An outcome built once, when a rule is compiled (not in the scoring loop)."""
    return Outcome(points, (kind, args), NO_WARNINGS)


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
    yes = _outcome(full, "boolean", (True, full))
    no = _outcome(to_points.zero, "boolean", (False, to_points.zero))
    return lambda values: yes if values[field] else no


def tiered(field: str, tiers: tuple[Tier, ...], else_points: Decimal, places: int) -> RuleFunction:
    """Points of the first tier (listed by descending min, checked on load) whose min <= value."""
    to_points = _Points(places)
    compiled = [_Level.of(tier, to_points) for tier in tiers]
    fallback = to_points.of_decimal(else_points)
    lowest = tiers[-1].min

    def score(values: Values) -> Outcome:
        value = values[field]
        n, d = value.as_integer_ratio()
        for min_n, min_d, points, tier_min in compiled:
            if n * min_d >= min_n * d:
                return _new(Outcome, (points, ("tier", (value, tier_min, points)), NO_WARNINGS))
        return _new(Outcome, (fallback, ("below_tiers", (value, lowest, fallback)), NO_WARNINGS))

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
        points = of_ratio(num * max_n, den * max_d)
        return _new(Outcome, (points, ("ratio", (shown, max_points, points)), warnings))

    return score


def ratio_threshold(operands: _Operands, zero_denominator: Outcome, max_points: Decimal, places: int, *,
                    threshold: Decimal, below: str, steps: tuple[Tier, ...]) -> RuleFunction:
    """max from the threshold up (inclusive); below it proportional, scaled, stepped or zero."""
    to_points = _Points(places)
    of_ratio, zero = to_points.of_ratio, to_points.zero
    full = to_points.of_decimal(max_points)
    max_n, max_d = max_points.as_integer_ratio()
    t_n, t_d = threshold.as_integer_ratio()
    compiled_steps = [_Level.of(step, to_points) for step in steps]

    def proportional(num: int, den: int, shown: tuple, warnings: tuple[str, ...]) -> Outcome:
        points = of_ratio(num * max_n, den * max_d)
        return _new(Outcome, (points, ("below_threshold", (shown, threshold, below, max_points, points)), warnings))

    def scaled(num: int, den: int, shown: tuple, warnings: tuple[str, ...]) -> Outcome:
        points = of_ratio(num * t_d * max_n, den * t_n * max_d)  # (a/b) / threshold × max, as one rational
        return _new(Outcome, (points, ("below_threshold", (shown, threshold, below, max_points, points)), warnings))

    def stepped(num: int, den: int, shown: tuple, warnings: tuple[str, ...]) -> Outcome:
        for step_n, step_d, step_points, step_min in compiled_steps:
            if num * step_d >= step_n * den:
                return _new(Outcome, (step_points, ("step", (shown, threshold, step_min, step_points)), warnings))
        return _new(Outcome, (zero, ("below_steps", (shown, threshold, steps[-1].min)), warnings))

    def nothing(num: int, den: int, shown: tuple, warnings: tuple[str, ...]) -> Outcome:
        return _new(Outcome, (zero, ("below_threshold", (shown, threshold, below, max_points, zero)), warnings))

    below_threshold = {"proportional": proportional, "scaled": scaled, "stepped": stepped, "zero": nothing}[below]
    read = operands.read

    def score(values: Values) -> Outcome:
        ratio_read = read(values)
        if ratio_read is None:  # b = 0
            return zero_denominator
        num, den, shown, warnings = ratio_read
        if num * t_d >= t_n * den:
            return _new(Outcome, (full, ("threshold_met", (shown, threshold, full)), warnings))
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
        return _new(Outcome, (points, ("assessed", (value, max_points, points)), NO_WARNINGS))

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
        amount = cap if amount_n * cap_d > cap_n * amount_d else to_points.of_ratio(amount_n, amount_d)
        points = -amount if amount_n else amount  # no deduction is 0, not -0
        return _new(Outcome, (points, ("deduction", (count, points_per_unit, cap, amount)), NO_WARNINGS))

    return score


def info() -> RuleFunction:
    """Collected for information, never scored."""
    outcome = _outcome(None, "info", ())
    return lambda values: outcome


def missing_input(fields: list[str], *, required: bool, scored: bool, places: int) -> Outcome:
    """A criterion whose formula lacks a value: 0 points (info stays unscored)."""
    points = _Points(places).zero if scored else None
    return Outcome(points, ("missing", (tuple(fields), required, scored)), NO_WARNINGS)


def reviewer_override(points: Number, low: Decimal, high: Decimal, formula: Outcome, places: int) -> Outcome:
    """Points a reviewer set directly, clamped to [low, high]; the formula's result stays in the text."""
    n, d = min(max(points, low), high).as_integer_ratio()
    magnitude = _Points(places).of_ratio(abs(n), d)
    adjusted = -magnitude if n < 0 else magnitude
    _, explanation, warnings = formula
    return Outcome(adjusted, ("override", (adjusted, explanation)), warnings)


def _zero_denominator_outcome(mode: str | None, max_points: Decimal, places: int) -> Outcome:
    to_points = _Points(places)
    points = to_points.of_decimal(max_points) if mode == "full_points" else to_points.zero
    return _outcome(points, "zero_denominator", (mode == "full_points", points))


# --- ratio operands --------------------------------------------------------------------------------------

# What a rule reads of a ratio: (numerator, denominator, shown, warnings), the exact ratio with
# denominator > 0 clamped to [0, 1] (the derived ratio is clamped, never the inputs), the values `shown`
# as the unit gave them ((a, b) or (percent,)), and the data warnings. A plain tuple: it is built for
# every ratio of every report, and unpacked at once.
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
        if num > den:
            return den, den, (a, b), self.warning
        return 0 if num < 0 else num, den, (a, b), NO_WARNINGS


class _PercentOperand:
    """A percentage (0–100) from one field, as the ratio p/100."""

    def __init__(self, field: str) -> None:
        self.field = field

    def read(self, values: Values) -> _RatioRead:
        percent = values[self.field]
        n, d = percent.as_integer_ratio()
        num, den = n, d * 100
        return 0 if num < 0 else den if num > den else num, den, (percent,), NO_WARNINGS


_Operands = _RatioOperands | _PercentOperand


class _Level(NamedTuple):
    """A tier or step compiled for the scoring loop: `points` when value >= min_numerator/min_denominator."""

    min_numerator: int
    min_denominator: int
    points: Decimal  # rounded to the catalog's places
    min: Decimal  # as the catalog wrote it, for the explanation

    @classmethod
    def of(cls, tier: Tier, to_points: _Points) -> _Level:
        return cls(*tier.min.as_integer_ratio(), to_points.of_decimal(tier.points), tier.min)


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
