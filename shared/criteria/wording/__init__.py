"""People's words for the criteria: what a rule applied to a report (an `Explanation`) and what a
rule is (for forms), one module per language with the same names (`vi`, `en`).

The engine keeps an explanation as data, `(kind, args)`, and it is worded only when read: scoring a
province's reports does not pay for text nobody displays.
"""

from __future__ import annotations

from shared.criteria.wording.base import Explanation, Wording
from shared.criteria.wording.en import English
from shared.criteria.wording.vi import Vietnamese

LANGUAGES: dict[str, Wording] = {"vi": Vietnamese(), "en": English()}


def word(explanation: Explanation, lang: str) -> str:
    """The explanation in Vietnamese ("vi") or English ("en")."""
    return LANGUAGES[lang].say(explanation)


__all__ = ["LANGUAGES", "Explanation", "Wording", "word"]
