"""Finding a unit by name as people type it, with or without Vietnamese diacritics:
"duc tho" finds "Đức Thọ", "ky anh" finds "Kỳ Anh"."""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case, without diacritics (đ → d), single spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def matches(query: str, *texts: str) -> bool:
    """Every word of the query appears in one of the texts (diacritics and case ignored); a query
    typed with diacritics must match them too ("Đức" does not find "Đúc")."""
    words = fold(query).split()
    if not words:
        return False
    exact = query.strip() != fold(query)
    haystacks = [" ".join(text.casefold().split()) if exact else fold(text) for text in texts]
    needles = " ".join(query.casefold().split()).split() if exact else words
    return all(any(needle in haystack for haystack in haystacks) for needle in needles)
