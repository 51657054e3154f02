"""Reading a measurements file (JSON, CSV or XLSX) into rows that remember their line.

Every format has the same columns: `unit_code`, `field`, `value`, `source_system`, `as_of`.
- JSON: a list of objects, or {"measurements": [...]}; an object's line is its position (from 1).
- CSV: UTF-8 (a BOM is fine), a header row first; a row's line is its line in the file.
- XLSX: the first sheet, a header row first; a row's line is its row number in the sheet.
A file that cannot be read at all is refused like a bad row (line 0 / none named).
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import PurePath

from services.submission.domain.measurements import MAX_ROWS, ImportRefused, MeasurementRow, RowProblem

COLUMNS = ("unit_code", "field", "value", "source_system", "as_of")
FORMATS = ("json", "csv", "xlsx")


def format_of(file_name: str) -> str:
    suffix = PurePath(file_name or "").suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise _unreadable("format", f"Tệp phải là JSON, CSV hoặc XLSX (tên tệp kết thúc bằng .json, .csv, .xlsx); "
                                    f"nhận được '{file_name}'",
                          f"the file must be JSON, CSV or XLSX (named .json, .csv or .xlsx); got '{file_name}'")
    return suffix


def read_rows(file_name: str, content: bytes) -> tuple[str, list[MeasurementRow]]:
    """(the format, the rows) of a measurements file."""
    file_format = format_of(file_name)
    reader = {"json": _json_rows, "csv": _csv_rows, "xlsx": _xlsx_rows}[file_format]
    return file_format, reader(content)


def _unreadable(rule: str, vi: str, en: str) -> ImportRefused:
    return ImportRefused([RowProblem(None, "file", rule, vi, en)])


def _json_rows(content: bytes) -> list[MeasurementRow]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _unreadable("not_json", f"Không đọc được JSON: {error}", f"not valid JSON: {error}") from None
    items = data.get("measurements") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise _unreadable("not_list", "JSON phải là một danh sách, hoặc đối tượng có khóa 'measurements'",
                          "the JSON must be a list, or an object with a 'measurements' list")
    rows = []
    for line, item in enumerate(items[:MAX_ROWS + 1], start=1):
        if not isinstance(item, dict):
            raise ImportRefused([RowProblem(line, "row", "not_object", "Mỗi phần tử phải là một đối tượng",
                                            "each item must be an object")])
        rows.append(MeasurementRow(line, *(item.get(column) for column in COLUMNS)))
    return rows


def _csv_rows(content: bytes) -> list[MeasurementRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unreadable("encoding", "Tệp CSV phải mã hóa UTF-8", "the CSV file must be UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    positions = _positions(header)
    rows = []
    for values in reader:
        if not any(cell.strip() for cell in values):
            continue
        rows.append(MeasurementRow(reader.line_num, *(_cell(values, positions[column]) for column in COLUMNS)))
        if len(rows) > MAX_ROWS:
            break
    return rows


def _xlsx_rows(content: bytes) -> list[MeasurementRow]:
    from openpyxl import load_workbook  # here, not at the top: about 10 MB that only an XLSX import needs

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise _unreadable("not_xlsx", f"Không đọc được tệp XLSX: {error}", f"not a readable XLSX file: {error}") \
            from None
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        positions = _positions(header)
        rows = []
        for number, values in enumerate(lines, start=2):
            if not any(cell not in (None, "") for cell in values):
                continue
            rows.append(MeasurementRow(number, *(_cell(values, positions[column]) for column in COLUMNS)))
            if len(rows) > MAX_ROWS:
                break
        return rows
    finally:
        workbook.close()


def _positions(header) -> dict[str, int]:
    names = [str(cell).strip().lower() if cell is not None else "" for cell in (header or ())]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise _unreadable("header", f"Dòng tiêu đề thiếu cột: {', '.join(missing)} (cần: {', '.join(COLUMNS)})",
                          f"the header row lacks the columns {', '.join(missing)} (needed: {', '.join(COLUMNS)})")
    return {column: names.index(column) for column in COLUMNS}


def _cell(values, position: int):
    return values[position] if position < len(values) else None
