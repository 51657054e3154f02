"""A number as its reader writes it: every score, points, percent and count the portal shows, on its pages, in its
charts and in the live score, goes through `number`. The services answer machine decimals ("344.69", "0.00"),
which a Vietnamese reader reads as three hundred forty-four thousand; their JSON and the exports stay as they are."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

Number = Decimal | float | int | str
MISSING = "—"


def number(value: Number | None, locale: str, grouped: bool = True) -> str:
    """vi 344,69 and 1.000; en 344.69 and 1,000; no trailing decimal zeros ("0.00" is 0, "22.50" is 22,5) and
    every other digit kept (never rounded to CLDR's three places); a number the API did not give is a dash.
    Not `grouped` (vi 1000,5) for a value put back in an input box, where a typed group reads less surely.

    Babel's CLDR format (the one Flask-Babel's format_decimal applies) rather than the criteria's wording.number:
    the same decimal mark and no trailing zeros, and it also groups the thousands as the reader's locale does,
    which a rule's small numbers never needed."""
    if value is None:
        return MISSING
    try:
        decimal = Decimal(str(value))
    except InvalidOperation:  # not a number (an answer kept from an older form): shown as given, never a 500
        return str(value)
    return format_decimal(decimal, locale=locale, decimal_quantization=False, group_separator=grouped)


class AmbiguousNumber(ValueError):
    """A typed number that reads as two different values, the page's way and the other way ("1,000" on a
    Vietnamese page: one, or one thousand as English writes it): never guessed, the person writes it again."""

    def __init__(self, text: str, readings: tuple[Decimal, Decimal]):
        super().__init__(f"{text!r} reads as {readings[0]} or {readings[1]}")
        self.text = text
        self.readings = readings


def typed_number(text: str, locale: str) -> str | None:
    """The machine decimal ("1000", "87.5") of a number typed on a page in `locale`, or None when `text` is no
    number written either way (left for the API to name what it must be); AmbiguousNumber when it reads as two.

    It reads the text the page's way (vi "1.000" is one thousand, "1.000,5" and "87,5" as vi writes them) and
    the other way (the page's two marks swapped: en "1,000", "87.5"), each strictly: groups of three after a
    first group of one to three digits not starting with 0, at most one decimal mark after them. A text only one
    way reads is read so: vi "87.5" (a group has three digits) is a decimal point, as people often type it. Of two
    readings that differ, the page's wins when the text groups the page's way, as the page's own hints write
    ("Từ 0 đến 1.000"); otherwise the text is the page's decimal mark followed by exactly three digits ("1,000"
    in vi, "1.000" in en), which the other way writes for a thousand: refused, never guessed.

    Babel's parse_decimal(strict=True) checks the grouping only of a text holding the group symbol, so it reads
    vi "1,000" as one; it refuses vi "87.5"; and it takes Decimal's own syntax ("1e3", "NaN", "1_000")."""
    decimal_mark, group_mark = get_decimal_symbol(locale), get_group_symbol(locale)
    page_way = _read(text, decimal_mark, group_mark)
    other_way = _read(text, group_mark, decimal_mark)
    if page_way is None or other_way is None or page_way == other_way:
        value = page_way if page_way is not None else other_way
        return None if value is None else _machine(value)
    if group_mark in text:
        return _machine(page_way)
    raise AmbiguousNumber(text, (other_way, page_way))


def _read(text: str, decimal_mark: str, group_mark: str) -> Decimal | None:
    """`text` as a number written with these marks, or None when it is not one."""
    decimal, group = re.escape(decimal_mark), re.escape(group_mark)
    found = re.fullmatch(rf"(-?)(\d*|[1-9]\d{{0,2}}(?:{group}\d{{3}})+)(?:{decimal}(\d+))?", text)
    if found is None or not (found.group(2) or found.group(3)):
        return None
    sign, whole, fraction = found.groups()
    return Decimal(f"{sign}{whole.replace(group_mark, '') or 0}" + (f".{fraction}" if fraction else ""))


def _machine(value: Decimal) -> str:
    """The API's decimal: no grouping, a decimal point, no trailing zeros, no exponent ("1000", "87.5")."""
    return f"{value.normalize():f}" if value else "0"
