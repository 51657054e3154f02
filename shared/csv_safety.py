"""CSV files people open in a spreadsheet: a cell that starts like a formula is written as text.

Excel and LibreOffice evaluate a cell beginning with `=`, `+`, `-` or `@` (and strip a
leading tab or carriage return before looking), so a unit's note `=HYPERLINK(...)` would
arrive as a live formula in the reviewer's sheet (OWASP "CSV injection"). Such a cell gets
a leading apostrophe, which spreadsheets show as plain text and do not evaluate.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """The cell value, quoted with a leading `'` when a spreadsheet would read it as a formula.

    Numbers stay numbers: only text is a formula risk (a negative amount is written as text `-5`
    only if it was text to begin with)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_csv(header: Iterable[str], rows: Iterable[Iterable[Any]], *, bom: bool = True) -> str:
    """A CSV document (UTF-8 BOM first, so spreadsheets read Vietnamese text) with every cell neutralised."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([neutralise_formula(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise_formula("" if cell is None else cell) for cell in row])
    return out.getvalue()
