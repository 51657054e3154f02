"""A number as its reader writes it: every score, points, percent and count the portal shows, on its pages, in its
charts and in the live score, goes through `number`. The services answer machine decimals ("344.69", "0.00"),
which a Vietnamese reader reads as three hundred forty-four thousand; their JSON and the exports stay as they are."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal

Number = Decimal | float | int | str
MISSING = "—"


def number(value: Number | None, locale: str) -> str:
    """vi 344,69 and 1.000; en 344.69 and 1,000; no trailing decimal zeros ("0.00" is 0, "22.50" is 22,5) and
    every other digit kept (never rounded to CLDR's three places); a number the API did not give is a dash.

    Babel's CLDR format (the one Flask-Babel's format_decimal applies) rather than the criteria's wording.number:
    the same decimal mark and no trailing zeros, and it also groups the thousands as the reader's locale does,
    which a rule's small numbers never needed."""
    if value is None:
        return MISSING
    try:
        decimal = Decimal(str(value))
    except InvalidOperation:  # not a number (an answer kept from an older form): shown as given, never a 500
        return str(value)
    return format_decimal(decimal, locale=locale, decimal_quantization=False)
