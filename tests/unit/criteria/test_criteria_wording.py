"""The sentences in wording.yaml: each is text in both languages, and both languages fill the same facts
(a fact named in one language only would be left out of the other, or fail when worded)."""
from __future__ import annotations

import string
from collections.abc import Iterator, Mapping

from shared.criteria.wording import WORDING
from shared.domain.bilingual import Bilingual


def sentences(table: Mapping, where: str = "") -> Iterator[tuple[str, Bilingual]]:
    for key, entry in table.items():
        if isinstance(entry, Bilingual):
            yield f"{where}{key}", entry
        else:
            yield from sentences(entry, f"{where}{key}.")


def facts(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_tables_are_read():
    assert set(WORDING) == {"explanation", "rule"}


def test_every_sentence_is_text_filling_the_same_facts_in_both_languages():
    for where, sentence in sentences(WORDING):
        assert isinstance(sentence.vi, str) and isinstance(sentence.en, str), where
        assert facts(sentence.vi) == facts(sentence.en), where
