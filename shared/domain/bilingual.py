"""A text people read, in Vietnamese and English: an error's message, a catalog's name or label."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Bilingual:
    """Vietnamese first, English alongside."""

    vi: str
    en: str

    def __str__(self) -> str:
        return self.vi
