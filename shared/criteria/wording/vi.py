"""Vietnamese: decimal comma (26,25), points said as "điểm"."""

from __future__ import annotations

from decimal import Decimal

from shared.criteria.wording.base import Explanation, Number, Wording


class Vietnamese(Wording):
    decimal_separator = ","
    counted_as_zero = " (tính là 0%)"
    counted_as_full = " (tính tối đa 100%)"

    # --- what a rule applied to a report --------------------------------------------------------------

    def boolean(self, value: bool, points: Decimal) -> str:
        return f"{'Có' if value else 'Không'} → {self.number(points)} điểm"

    def tier(self, value: Number, tier_min: Decimal, points: Decimal) -> str:
        return f"Giá trị {self.number(value)} đạt mức ≥ {self.number(tier_min)} → {self.number(points)} điểm"

    def below_tiers(self, value: Number, lowest: Decimal, points: Decimal) -> str:
        return (f"Giá trị {self.number(value)} dưới mức thấp nhất (≥ {self.number(lowest)}) → "
                f"{self.number(points)} điểm")

    def ratio(self, shown: tuple, max_points: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        return f"Tỷ lệ {text} × {self.number(max_points)} điểm = {self.number(points)}"

    def threshold_met(self, shown: tuple, threshold: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        return f"Tỷ lệ {text} ≥ ngưỡng {self.percent_of(threshold)}% → {self.number(points)} điểm"

    def below_threshold(self, shown: tuple, threshold: Decimal, below: str, max_points: Decimal,
                        points: Decimal) -> str:
        text, percent = self.ratio_texts(shown)
        limit, full, result = self.percent_of(threshold), self.number(max_points), self.number(points)
        tail = {
            "proportional": f"{percent}% × {full} điểm = {result}",
            "scaled": f"({percent}% / {limit}%) × {full} điểm = {result}",
            "zero": "0 điểm",
        }[below]
        return f"Tỷ lệ {text} < ngưỡng {limit}% → {tail}"

    def step(self, shown: tuple, threshold: Decimal, step_min: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        limit, step = self.percent_of(threshold), self.percent_of(step_min)
        return f"Tỷ lệ {text} < ngưỡng {limit}% → mức ≥ {step}%: {self.number(points)} điểm"

    def below_steps(self, shown: tuple, threshold: Decimal, lowest: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        limit, step = self.percent_of(threshold), self.percent_of(lowest)
        return f"Tỷ lệ {text} < ngưỡng {limit}% → dưới mức thấp nhất ({step}%): 0 điểm"

    def zero_denominator(self, full: bool, points: Decimal) -> str:
        if full:
            return f"Mẫu số bằng 0 (không phát sinh yêu cầu) → tối đa {self.number(points)} điểm"
        return "Mẫu số bằng 0 (số liệu không hợp lệ) → 0 điểm"

    def assessed(self, value: Number, max_points: Decimal, points: Decimal) -> str:
        shown, result = self.number(value), self.number(points)
        if value < 0:
            return f"Điểm đánh giá {shown} dưới 0 → 0 điểm"
        if value > max_points:
            return f"Điểm đánh giá {shown} vượt tối đa → {result} điểm"
        return f"Điểm đánh giá {shown} → {result} điểm"

    def deduction(self, count: Number, per_unit: Decimal, cap: Decimal, amount: Decimal) -> str:
        # The raw product is shown even when the cap applies: "4 × 20 = 80, capped at 60".
        raw = max(count, 0) * per_unit
        n, unit, limit = self.number(count), self.number(per_unit), self.number(cap)
        if raw > cap:
            return f"Trừ {n} × {unit} điểm = {self.number(raw)} điểm, áp dụng mức trừ tối đa {limit} điểm"
        return f"Trừ {n} × {unit} điểm = {self.number(amount)} điểm (tối đa {limit})"

    def info(self) -> str:
        return "Chỉ thu thập thông tin, không chấm điểm"

    def missing(self, fields: tuple[str, ...], required: bool, scored: bool) -> str:
        head = "Thiếu dữ liệu bắt buộc" if required else "Chưa có dữ liệu"
        return f"{head}: {', '.join(fields)}" + (" → 0 điểm" if scored else "")

    def override(self, points: Decimal, formula: Explanation) -> str:
        return f"Điểm do người thẩm định điều chỉnh: {self.number(points)} (theo công thức: {self.say(formula)})"
