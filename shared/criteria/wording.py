"""People's words for what a rule applied to a report, in Vietnamese and English.

The engine keeps an explanation as data, `(kind, args)`, and it is worded only when read: scoring a
province's reports does not pay for text nobody displays. Each sentence is written once with its two
languages side by side, in `wording.yaml` beside the rule in words that `forms` says; the code chooses
which sentence the facts call for, and the language only chooses the text and the decimal mark
(26,25 / 26.25).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from shared.domain.bilingual import Bilingual

Number = int | Decimal

# What a rule applied, as data: (kind, args), `kind` naming the sentence (a method of `Words`) and
# `args` filling it, e.g. ("tier", (value, tier_min, points)). A plain pair, not a NamedTuple: the
# scoring loop builds one per criterion and report, and a NamedTuple's construction would cost more
# than the rule's arithmetic (benchmarks/RESULTS.md).
Explanation = tuple[str, tuple]

WORDING_FILE = Path(__file__).with_name("wording.yaml")


def _sentences(table: Mapping[object, Any]) -> Any:
    """wording.yaml's tables as read, each sentence (its `vi` and `en`) one `Bilingual`."""
    if table.keys() == {"vi", "en"}:
        return Bilingual(**table)
    return {key: _sentences(entry) for key, entry in table.items()}


# Read once, on import: `explanation` (the sentences of `Words`) and `rule` (forms.py's rule in words).
WORDING: dict[str, dict[str, Any]] = _sentences(yaml.safe_load(WORDING_FILE.read_text(encoding="utf-8")))
SENTENCE = WORDING["explanation"]

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
        return self.text(SENTENCE["boolean"], answer=self.text(SENTENCE["answer"][value]), points=self.number(points))

    def tier(self, value: Number, tier_min: Decimal, points: Decimal) -> str:
        return self.text(SENTENCE["tier"], value=self.number(value), min=self.number(tier_min),
                         points=self.number(points))

    def below_tiers(self, value: Number, lowest: Decimal, points: Decimal) -> str:
        return self.text(SENTENCE["below_tiers"], value=self.number(value), min=self.number(lowest),
                         points=self.number(points))

    def ratio(self, shown: tuple, max_points: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        return self.text(SENTENCE["ratio"], ratio=text, max=self.number(max_points), points=self.number(points))

    def threshold_met(self, shown: tuple, threshold: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        return self.text(SENTENCE["threshold_met"], ratio=text, threshold=self.percent_of(threshold),
                         points=self.number(points))

    def below_threshold(self, shown: tuple, threshold: Decimal, below: str, max_points: Decimal,
                        points: Decimal) -> str:
        text, percent = self.ratio_texts(shown)
        limit = self.percent_of(threshold)
        rest = self.text(SENTENCE["below_threshold_gives"][below], percent=percent, threshold=limit,
                         max=self.number(max_points), points=self.number(points))
        return self.text(SENTENCE["below_threshold"], ratio=text, threshold=limit, rest=rest)

    def step(self, shown: tuple, threshold: Decimal, step_min: Decimal, points: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        rest = self.text(SENTENCE["step"], step=self.percent_of(step_min), points=self.number(points))
        return self.text(SENTENCE["below_threshold"], ratio=text, threshold=self.percent_of(threshold), rest=rest)

    def below_steps(self, shown: tuple, threshold: Decimal, lowest: Decimal) -> str:
        text, _ = self.ratio_texts(shown)
        rest = self.text(SENTENCE["below_steps"], step=self.percent_of(lowest))
        return self.text(SENTENCE["below_threshold"], ratio=text, threshold=self.percent_of(threshold), rest=rest)

    def zero_denominator(self, full: bool, points: Decimal) -> str:
        sentence = SENTENCE["zero_denominator_full" if full else "zero_denominator_invalid"]
        return self.text(sentence, points=self.number(points))

    def assessed(self, value: Number, max_points: Decimal, points: Decimal) -> str:
        name = "assessed_below_zero" if value < 0 else "assessed_above_max" if value > max_points else "assessed"
        return self.text(SENTENCE[name], value=self.number(value), points=self.number(points))

    def deduction(self, count: Number, per_unit: Decimal, cap: Decimal, amount: Decimal) -> str:
        raw = max(count, 0) * per_unit
        capped = raw > cap
        return self.text(SENTENCE["deduction_capped" if capped else "deduction"], count=self.number(count),
                         per_unit=self.number(per_unit), amount=self.number(raw if capped else amount),
                         cap=self.number(cap))

    def info(self) -> str:
        return self.text(SENTENCE["info"])

    def missing(self, fields: tuple[str, ...], required: bool, scored: bool) -> str:
        text = self.text(SENTENCE["missing_required" if required else "missing"], fields=", ".join(fields))
        return text + (self.text(SENTENCE["scored_zero"]) if scored else "")

    def override(self, points: Decimal, formula: Explanation) -> str:
        return self.text(SENTENCE["override"], points=self.number(points), formula=self.say(formula))

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
            return text + self.text(SENTENCE["counted_as_zero"]), "0"
        if num > den:
            return text + self.text(SENTENCE["counted_as_full"]), "100"
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
