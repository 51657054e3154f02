"""Measured inputs: a file (JSON, CSV, XLSX) read into rows that keep their line, checked as a whole,
and accepted as the agency's current values, superseding its previous file."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import Workbook

from services.submission.adapters.measurement_files import COLUMNS, read_rows
from services.submission.domain.measurements import ImportRefused, MeasurementImport, UnitInRound, checked_values
from shared.criteria import load_catalog
from shared.criteria.suppliers import SYSTEM, fields_supplied_by

NOW = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc)
CATALOG = load_catalog("hatinh-2021-ref-1")
DEPARTMENT = CATALOG.unit_type("province_department")
UNITS = {"STC": UnitInRound("STC", DEPARTMENT), "STP": UnitInRound("STP", DEPARTMENT)}
PPC_FIELDS = fields_supplied_by(DEPARTMENT, SYSTEM, "ppc_office")


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_rows(unit: str = "STC") -> list[list]:
    rows = []
    for name in PPC_FIELDS:
        field = DEPARTMENT.fields[name]
        value = 75.5 if field.type == "percent" else 40 if field.type in ("int", "decimal") else True
        rows.append([unit, name, value, "Hệ thống thông tin giải quyết TTHC", dt.date(2026, 10, 31)])
    return rows


def test_an_xlsx_file_is_read_with_its_sheet_row_numbers_and_checked_into_canonical_values():
    file_format, rows = read_rows("so-lieu-vp.xlsx", xlsx(good_rows()))
    assert file_format == "xlsx" and [row.line for row in rows] == list(range(2, 2 + len(PPC_FIELDS)))
    values = checked_values(rows, "ppc_office", UNITS)
    assert {item["field"] for item in values} == set(PPC_FIELDS)
    assert all(item["as_of"] == "2026-10-31" and item["unit_code"] == "STC" for item in values)
    ints = [item["value"] for item in values if DEPARTMENT.fields[item["field"]].type == "int"]
    assert ints and all(type(value) is int for value in ints)  # 40 typed in a spreadsheet is 40, not 40.0


def test_one_bad_row_refuses_the_whole_file_naming_its_line_and_field():
    rows = good_rows()
    rows[2][2] = "nhiều"   # sheet row 4: not a number
    rows[4][0] = "KHONG-CO"  # sheet row 6: not a unit of the round
    _, read = read_rows("so-lieu-vp.xlsx", xlsx(rows))
    with pytest.raises(ImportRefused) as refused:
        checked_values(read, "ppc_office", UNITS)
    assert [(p.line, p.field) for p in refused.value.problems] == [(4, "value"), (6, "unit_code")]
    assert "dòng 4" in refused.value.vi and "line 4" in refused.value.en


def test_an_agency_imports_only_the_inputs_its_own_systems_measure():
    unit_input = next(iter(f for f in DEPARTMENT.fields if f not in PPC_FIELDS))
    rows = [["STC", unit_input, 1, "Hệ thống", "2026-10-31"]]
    with pytest.raises(ImportRefused) as refused:
        checked_values(read_rows("a.csv", _csv(rows))[1], "ppc_office", UNITS)
    assert (refused.value.problems[0].line, refused.value.problems[0].field) == (2, "field")
    assert refused.value.problems[0].rule == "not_agency_input"


def _csv(rows: list[list]) -> bytes:
    lines = [",".join(COLUMNS)] + [",".join(str(cell) for cell in row) for row in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def test_csv_and_json_carry_the_same_rows_and_whole_numbers_become_integers():
    name = next(n for n in PPC_FIELDS if DEPARTMENT.fields[n].type == "int")
    for file_name, content in (
        ("a.csv", _csv([["STC", name, " 1.2e1 ", "Một cửa", "2026-10-31"]])),
        ("a.json", json.dumps({"measurements": [{"unit_code": "STC", "field": name, "value": "12",
                                                 "source_system": "Một cửa", "as_of": "2026-10-31"}]}).encode()),
        ("a.json", json.dumps([{"unit_code": "STC", "field": name, "value": 12.0, "source_system": "Một cửa",
                                "as_of": "2026-10-31"}]).encode()),
    ):
        _, rows = read_rows(file_name, content)
        [value] = checked_values(rows, "ppc_office", UNITS)
        assert value["value"] == 12 and type(value["value"]) is int, file_name


def test_a_repeated_input_a_missing_header_or_an_unknown_format_is_refused():
    name = PPC_FIELDS[0]
    rows = [["STC", name, 1, "Một cửa", "2026-10-31"], ["STC", name, 2, "Một cửa", "2026-10-31"]]
    with pytest.raises(ImportRefused) as refused:
        checked_values(read_rows("a.csv", _csv(rows))[1], "ppc_office", UNITS)
    assert (refused.value.problems[0].line, refused.value.problems[0].rule) == (3, "duplicate")
    with pytest.raises(ImportRefused, match="as_of"):
        read_rows("a.csv", b"unit_code,field,value,source_system\nSTC,x,1,y\n")
    with pytest.raises(ImportRefused, match="XLSX"):
        read_rows("a.pdf", b"%PDF")
    with pytest.raises(ImportRefused, match="XLSX"):
        read_rows("a.xlsx", b"not a zip")


def test_a_later_file_supersedes_the_earlier_one_and_both_are_kept():
    values = checked_values(read_rows("a.xlsx", xlsx(good_rows()))[1], "ppc_office", UNITS)
    first = MeasurementImport.accept(round_id="2027-annual", agency="ppc_office", sha256="a" * 64, file_name="a.xlsx",
                                     file_format="xlsx", imported_by="vp", now=NOW, values=values, current=None)
    later = NOW + dt.timedelta(hours=1)
    second = MeasurementImport.accept(round_id="2027-annual", agency="ppc_office", sha256="b" * 64,
                                      file_name="b.xlsx", file_format="xlsx", imported_by="vp", now=later,
                                      values=values[:1], current=first)
    assert (first.superseded_by, first.superseded_at, second.supersedes) == (second.id, later, first.id)
    [event] = second.events
    assert event.routing_key == "measurements.imported" and event.supersedes == first.id
    assert event.values == {"STC": {values[0]["field"]: {"value": values[0]["value"], "as_of": "2026-10-31",
                                                         "source_system": values[0]["source_system"]}}}
