"""What the languages share: how an explanation finds its sentence, and how numbers and ratios are shown."""

from __future__ import annotations

from decimal import Decimal

Number = int | Decimal

# What a rule applied, as data: (kind, args), `kind` naming the sentence (a method of `Wording`) and
# `args` filling it, e.g. ("tier", (value, tier_min, points)). A plain pair, not a NamedTuple: the
# scoring loop builds one per criterion and report, and a NamedTuple's construction would cost more
# than the rule's arithmetic.
Explanation = tuple[str, tuple]


class Wording:
    """One language's sentences; a subclass defines one method per explanation kind."""

    decimal_separator = "."
    counted_as_zero = ""  # appended to a ratio below 0
    counted_as_full = ""  # appended to a ratio above 100%

    def say(self, explanation: Explanation) -> str:
        kind, args = explanation
        return getattr(self, kind)(*args)

    def number(self, value: Number) -> str:
        """26.25 / 26,25; no exponent and no trailing decimal zeros (30, 22.5)."""
        text = str(value)
        if "E" in text:
            text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".").replace(".", self.decimal_separator)
        return text

    def percent_of(self, fraction: Decimal) -> str:
        return self.number(fraction * 100)

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
            return text + self.counted_as_zero, "0"
        if num > den:
            return text + self.counted_as_full, "100"
        percent, exact = self._percent_text(num, den)
        return text, percent if exact else "≈" + percent

    def _percent_text(self, num: int, den: int) -> tuple[str, bool]:
        """num/den as a percentage rounded half-up to 2 decimals, and whether that is exact."""
        quotient, remainder = divmod(abs(num) * 10_000, den)
        if 2 * remainder >= den:
            quotient += 1
        value = Decimal(-quotient if num < 0 else quotient).scaleb(-2)
        return self.number(value), remainder == 0
