"""English: decimal point (26.25); points are bare numbers in explanations."""

from __future__ import annotations

from decimal import Decimal

from shared.criteria.wording.base import Explanation, Number, Wording


class English(Wording):
    decimal_separator = "."
    counted_as_zero = " (counted as 0%)"
    counted_as_full = " (counted as 100%)"

    # --- what a rule applied to a report --------------------------------------------------------------

    def boolean(self, value: bool, points: Decimal) -> str:
        return f"{'Yes' if value else 'No'} → {self.number(points)}"

    def tier(self, value: Number, tier_min: Decimal, points: Decimal) -> str:
        return f"Value {self.number(value)} reaches tier ≥ {self.number(tier_min)} → {self.number(points)}"

    def below_tiers(self, value: Number, lowest: Decimal, points: Decimal) -> str:
        return (f"Value {self.number(value)} is below the lowest tier (≥ {self.number(lowest)}) → "
                f"{self.number(points)}")

    def ratio(self, shown: tuple, max_points: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        return f"Ratio {text} × {self.number(max_points)} = {self.number(points)}"

    def threshold_met(self, shown: tuple, threshold: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        return f"Ratio {text} ≥ threshold {self.percent_of(threshold)}% → {self.number(points)}"

    def below_threshold(self, shown: tuple, threshold: Decimal, below: str, max_points: Decimal,
                        points: Decimal) -> str:
        text, percent = self.ratio_texts(shown)
        limit, full, result = self.percent_of(threshold), self.number(max_points), self.number(points)
        tail = {
            "proportional": f"{percent}% × {full} = {result}",
            "scaled": f"({percent}% / {limit}%) × {full} = {result}",
            "zero": "0",
        }[below]
        return f"Ratio {text} < threshold {limit}% → {tail}"

    def step(self, shown: tuple, threshold: Decimal, step_min: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        limit, step = self.percent_of(threshold), self.percent_of(step_min)
        return f"Ratio {text} < threshold {limit}% → step ≥ {step}%: {self.number(points)}"

    def below_steps(self, shown: tuple, threshold: Decimal, lowest: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        limit, step = self.percent_of(threshold), self.percent_of(lowest)
        return f"Ratio {text} < threshold {limit}% → below the lowest step ({step}%): 0"

    def zero_denominator(self, full: bool, points: Decimal) -> str:
        if full:
            return f"Denominator is 0 (nothing was required) → full {self.number(points)}"
        return "Denominator is 0 (invalid data) → 0"

    def assessed(self, value: Number, max_points: Decimal, points: Decimal) -> str:
        shown, result = self.number(value), self.number(points)
        if value < 0:
            return f"Assessed score {shown} is below 0 → 0"
        if value > max_points:
            return f"Assessed score {shown} is above the maximum → {result}"
        return f"Assessed score {shown} → {result}"

    def deduction(self, count: Number, per_unit: Decimal, cap: Decimal, amount: Decimal) -> str:
        raw = max(count, 0) * per_unit
        n, unit, limit = self.number(count), self.number(per_unit), self.number(cap)
        if raw > cap:
            return f"Deduct {n} × {unit} = {self.number(raw)}, capped at {limit}"
        return f"Deduct {n} × {unit} = {self.number(amount)} (cap {limit})"

    def info(self) -> str:
        return "Information only, not scored"

    def missing(self, fields: tuple[str, ...], required: bool, scored: bool) -> str:
        head = "Required input missing" if required else "No value given"
        return f"{head}: {', '.join(fields)}" + (" → 0" if scored else "")

    def override(self, points: Decimal, formula: Explanation) -> str:
        return f"Adjusted by the reviewer to {self.number(points)} (formula: {self.say(formula)})"
