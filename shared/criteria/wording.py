"""People's words for what a rule applied to a report, in Vietnamese and English.

The engine keeps an explanation as data, `(kind, args)`, and it is worded only when read: scoring a
province's reports does not pay for text nobody displays. Each sentence is written once with its two
languages side by side (`Bilingual`); the code chooses which sentence the facts call for, and the
language only chooses the text and the decimal mark (26,25 / 26.25).
"""

from __future__ import annotations

from decimal import Decimal

from shared.domain.bilingual import Bilingual

Number = int | Decimal

# What a rule applied, as data: (kind, args), `kind` naming the sentence (a method of `Words`) and
# `args` filling it, e.g. ("tier", (value, tier_min, points)). A plain pair, not a NamedTuple: the
# scoring loop builds one per criterion and report, and a NamedTuple's construction would cost more
# than the rule's arithmetic (benchmarks/RESULTS.md).
Explanation = tuple[str, tuple]

BOOLEAN = Bilingual("{answer} → {points} điểm", "{answer} → {points}")
YES, NO = Bilingual("Có", "Yes"), Bilingual("Không", "No")
TIER = Bilingual("Giá trị {value} đạt mức ≥ {min} → {points} điểm", "Value {value} reaches tier ≥ {min} → {points}")
BELOW_TIERS = Bilingual("Giá trị {value} dưới mức thấp nhất (≥ {min}) → {points} điểm",
                        "Value {value} is below the lowest tier (≥ {min}) → {points}")
RATIO = Bilingual("Tỷ lệ {ratio} × {max} điểm = {points}", "Ratio {ratio} × {max} = {points}")
THRESHOLD_MET = Bilingual("Tỷ lệ {ratio} ≥ ngưỡng {threshold}% → {points} điểm",
                          "Ratio {ratio} ≥ threshold {threshold}% → {points}")
BELOW_THRESHOLD = Bilingual("Tỷ lệ {ratio} < ngưỡng {threshold}% → {rest}",
                            "Ratio {ratio} < threshold {threshold}% → {rest}")
BELOW_THRESHOLD_GIVES = {  # by the rule's `below`
    "proportional": Bilingual("{percent}% × {max} điểm = {points}", "{percent}% × {max} = {points}"),
    "scaled": Bilingual("({percent}% / {threshold}%) × {max} điểm = {points}",
                        "({percent}% / {threshold}%) × {max} = {points}"),
    "zero": Bilingual("0 điểm", "0"),
}
STEP = Bilingual("mức ≥ {step}%: {points} điểm", "step ≥ {step}%: {points}")
BELOW_STEPS = Bilingual("dưới mức thấp nhất ({step}%): 0 điểm", "below the lowest step ({step}%): 0")
ZERO_DENOMINATOR_FULL = Bilingual("Mẫu số bằng 0 (không phát sinh yêu cầu) → tối đa {points} điểm",
                                  "Denominator is 0 (nothing was required) → full {points}")
ZERO_DENOMINATOR_INVALID = Bilingual("Mẫu số bằng 0 (số liệu không hợp lệ) → 0 điểm",
                                     "Denominator is 0 (invalid data) → 0")
ASSESSED = Bilingual("Điểm đánh giá {value} → {points} điểm", "Assessed score {value} → {points}")
ASSESSED_BELOW_ZERO = Bilingual("Điểm đánh giá {value} dưới 0 → 0 điểm", "Assessed score {value} is below 0 → 0")
ASSESSED_ABOVE_MAX = Bilingual("Điểm đánh giá {value} vượt tối đa → {points} điểm",
                               "Assessed score {value} is above the maximum → {points}")
# The raw product is shown even when the cap applies: "4 × 20 = 80, capped at 60".
DEDUCTION = Bilingual("Trừ {count} × {per_unit} điểm = {amount} điểm (tối đa {cap})",
                      "Deduct {count} × {per_unit} = {amount} (cap {cap})")
DEDUCTION_CAPPED = Bilingual("Trừ {count} × {per_unit} điểm = {amount} điểm, áp dụng mức trừ tối đa {cap} điểm",
                             "Deduct {count} × {per_unit} = {amount}, capped at {cap}")
INFO = Bilingual("Chỉ thu thập thông tin, không chấm điểm", "Information only, not scored")
MISSING_REQUIRED = Bilingual("Thiếu dữ liệu bắt buộc: {fields}", "Required input missing: {fields}")
MISSING = Bilingual("Chưa có dữ liệu: {fields}", "No value given: {fields}")
SCORED_ZERO = Bilingual(" → 0 điểm", " → 0")
OVERRIDE = Bilingual("Điểm do người thẩm định điều chỉnh: {points} (theo công thức: {formula})",
                     "Adjusted by the reviewer to {points} (formula: {formula})")
COUNTED_AS_ZERO = Bilingual(" (tính là 0%)", " (counted as 0%)")
COUNTED_AS_FULL = Bilingual(" (tính tối đa 100%)", " (counted as 100%)")

DECIMAL_MARK = {"vi": ",", "en": "."}


class Words:
    """The sentences of one language; one method per explanation kind."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.decimal_mark = DECIMAL_MARK[lang]

    def say(self, explanation: Explanation) -> str:
        kind, args = explanation
        return getattr(self, kind)(*args)

    def text(self, sentence: Bilingual, **fields: object) -> str:
        return getattr(sentence, self.lang).format(**fields)

    def number(self, value: Number) -> str:
        """26.25 / 26,25; no exponent and no trailing decimal zeros (30, 22.5)."""
        text = str(value)
        if "E" in text:
            text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".").replace(".", self.decimal_mark)
        return text

    def percent_of(self, fraction: Decimal) -> str:
        return self.number(fraction * 100)

    # --- the explanation kinds (rules.py builds them) ------------------------------------------------

    def boolean(self, value: bool, points: Decimal) -> str:
        return self.text(BOOLEAN, answer=self.text(YES if value else NO), points=self.number(points))

    def tier(self, value: Number, tier_min: Decimal, points: Decimal) -> str:
        return self.text(TIER, value=self.number(value), min=self.number(tier_min), points=self.number(points))

    def below_tiers(self, value: Number, lowest: Decimal, points: Decimal) -> str:
        return self.text(BELOW_TIERS, value=self.number(value), min=self.number(lowest), points=self.number(points))

    def ratio(self, shown: tuple, max_points: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        return self.text(RATIO, ratio=text, max=self.number(max_points), points=self.number(points))

    def threshold_met(self, shown: tuple, threshold: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        return self.text(THRESHOLD_MET, ratio=text, threshold=self.percent_of(threshold), points=self.number(points))

    def below_threshold(self, shown: tuple, threshold: Decimal, below: str, max_points: Decimal,
                        points: Decimal) -> str:
        text, percent = self.ratio_texts(shown)
        limit = self.percent_of(threshold)
        rest = self.text(BELOW_THRESHOLD_GIVES[below], percent=percent, threshold=limit,
                         max=self.number(max_points), points=self.number(points))
        return self.text(BELOW_THRESHOLD, ratio=text, threshold=limit, rest=rest)

    def step(self, shown: tuple, threshold: Decimal, step_min: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        rest = self.text(STEP, step=self.percent_of(step_min), points=self.number(points))
        return self.text(BELOW_THRESHOLD, ratio=text, threshold=self.percent_of(threshold), rest=rest)

    def below_steps(self, shown: tuple, threshold: Decimal, lowest: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        rest = self.text(BELOW_STEPS, step=self.percent_of(lowest))
        return self.text(BELOW_THRESHOLD, ratio=text, threshold=self.percent_of(threshold), rest=rest)

    def zero_denominator(self, full: bool, points: Decimal) -> str:
        return self.text(ZERO_DENOMINATOR_FULL if full else ZERO_DENOMINATOR_INVALID, points=self.number(points))

    def assessed(self, value: Number, max_points: Decimal, points: Decimal) -> str:
        sentence = ASSESSED_BELOW_ZERO if value < 0 else ASSESSED_ABOVE_MAX if value > max_points else ASSESSED
        return self.text(sentence, value=self.number(value), points=self.number(points))

    def deduction(self, count: Number, per_unit: Decimal, cap: Decimal, amount: Decimal) -> str:
        raw = max(count, 0) * per_unit
        capped = raw > cap
        return self.text(DEDUCTION_CAPPED if capped else DEDUCTION, count=self.number(count),
                         per_unit=self.number(per_unit), amount=self.number(raw if capped else amount),
                         cap=self.number(cap))

    def info(self) -> str:
        return self.text(INFO)

    def missing(self, fields: tuple[str, ...], required: bool, scored: bool) -> str:
        text = self.text(MISSING_REQUIRED if required else MISSING, fields=", ".join(fields))
        return text + (self.text(SCORED_ZERO) if scored else "")

    def override(self, points: Decimal, formula: Explanation) -> str:
        return self.text(OVERRIDE, points=self.number(points), formula=self.say(formula))

    # --- ratios as shown -----------------------------------------------------------------------------

    def ratio_texts(self, shown: tuple) -> tuple[str, str]:
        """("7/8 = 87,5%", "87,5"): the ratio as shown, and the clamped percentage the formula used."""
        if len(shown) == 1:
            (percent,) = shown
            n, d = percent.as_integer_ratio()
            num, den, text = n, d * 100, f"{self.number(percent)}%"
        else:
            a, b = shown
            a_n, a_d = a.as_integer_ratio()
            b_n, b_d = b.as_integer_ratio()
            num, den = a_n * b_d, a_d * b_n
            if den < 0:
                num, den = -num, -den
            percent, exact = self._percent_text(num, den)
            text = f"{self.number(a)}/{self.number(b)} {'=' if exact else '≈'} {percent}%"  # 18/21 ≈ 85,71%
        if num < 0:
            return text + self.text(COUNTED_AS_ZERO), "0"
        if num > den:
            return text + self.text(COUNTED_AS_FULL), "100"
        percent, exact = self._percent_text(num, den)
        return text, percent if exact else "≈" + percent

    def _percent_text(self, num: int, den: int) -> tuple[str, bool]:
        """num/den as a percentage rounded half-up to 2 decimals, and whether that is exact."""
        quotient, remainder = divmod(abs(num) * 10_000, den)
        if 2 * remainder >= den:
            quotient += 1
        value = Decimal(-quotient if num < 0 else quotient).scaleb(-2)
        return self.number(value), remainder == 0


LANGUAGES = {lang: Words(lang) for lang in DECIMAL_MARK}


def word(explanation: Explanation, lang: str) -> str:
    """The explanation in Vietnamese ("vi") or English ("en")."""
    return LANGUAGES[lang].say(explanation)
