"""Measured inputs: figures a coordinating agency's provincial system keeps (the administrative-
procedure system of Văn phòng UBND tỉnh, Sở Nội vụ's, Sở Tài chính's, ...) sent for a round as one
file. A file is checked as a whole: one bad row refuses all of it, naming each bad row's line and
field. A later file of the same agency for the same round supersedes the earlier one; both are kept.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from shared.criteria import UnitTypeCatalog
from shared.criteria.suppliers import SYSTEM, suppliers
from shared.criteria.validation import canonical_value
from shared.domain.errors import Bilingual, FieldError, InvalidInput
from shared.domain.measurement_events import MeasurementsImported

MAX_ROWS = 100_000
MAX_TEXT = 200
MAX_PROBLEMS_SHOWN = 200
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclasses.dataclass(frozen=True)
class MeasurementRow:
    """One row as read from the file; `line` is where it stands there (CSV line, sheet row, JSON item)."""

    line: int
    unit_code: object
    field: object
    value: object
    source_system: object
    as_of: object


@dataclasses.dataclass(frozen=True)
class RowProblem:
    line: int | None
    field: str
    rule: str
    message_vi: str
    message_en: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class ImportRefused(InvalidInput):
    """The file is refused whole; `problems` names every bad row's line and column (also in the problem
    body: `problems`, and `errors` keyed `rows.<line>.<column>`)."""

    slug = "measurements-refused"
    title = Bilingual("Tệp số liệu bị từ chối", "Measurements refused")

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        first = problems[0]
        where_vi = f"dòng {first.line}, " if first.line else ""
        where_en = f"line {first.line}, " if first.line else ""
        more_vi = f" (và {len(problems) - 1} lỗi khác)" if len(problems) > 1 else ""
        more_en = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        self.vi = (f"Tệp số liệu bị từ chối, không số liệu nào được ghi nhận: {where_vi}cột '{first.field}': "
                   f"{first.message_vi}{more_vi}")
        self.en = (f"the measurements file is refused and nothing of it applied: {where_en}column '{first.field}': "
                   f"{first.message_en}{more_en}")
        errors: dict[str, list[FieldError]] = {}
        for problem in problems:
            key = f"rows.{problem.line}.{problem.field}" if problem.line else problem.field
            errors.setdefault(key, []).append(FieldError(problem.rule, Bilingual(problem.message_vi,
                                                                                 problem.message_en)))
        super().__init__(Bilingual(self.vi, self.en), errors=errors,
                         problems=[problem.to_dict() for problem in problems[:MAX_PROBLEMS_SHOWN]])


@dataclasses.dataclass(frozen=True)
class UnitInRound:
    unit_code: str
    catalog: UnitTypeCatalog


def checked_values(rows: Iterable[MeasurementRow], agency: str,
                   units: Mapping[str, UnitInRound]) -> list[dict[str, Any]]:
    """The rows as canonical values, or `ImportRefused` naming every bad row: a unit of the round, an
    input the agency's system supplies for that unit's type, a value of the input's type, the system
    it was read from and the date it stands for; each (unit, input) once."""
    problems: list[RowProblem] = []
    values: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    rows = list(rows)
    if not rows:
        raise ImportRefused([RowProblem(None, "file", "empty", "Tệp không có dòng số liệu nào",
                                        "the file has no rows")])
    if len(rows) > MAX_ROWS:
        raise ImportRefused([RowProblem(None, "file", "too_many_rows", f"Tệp có quá {MAX_ROWS} dòng",
                                        f"the file has more than {MAX_ROWS} rows")])
    for row in rows:
        found = _check_row(row, agency, units, seen)
        if isinstance(found, RowProblem):
            problems.append(found)
        else:
            values.append(found)
    if problems:
        raise ImportRefused(problems)
    return values


def _check_row(row: MeasurementRow, agency: str, units: Mapping[str, UnitInRound],
               seen: dict[tuple[str, str], int]) -> dict[str, Any] | RowProblem:
    def problem(column: str, rule: str, vi: str, en: str) -> RowProblem:
        return RowProblem(row.line, column, rule, vi, en)

    unit_code = _text(row.unit_code)
    unit = units.get(unit_code)
    if unit is None:
        return problem("unit_code", "unit_not_in_round", f"Đơn vị '{unit_code}' không thuộc kỳ báo cáo này",
                       f"unit '{unit_code}' is not in this round")
    name = _text(row.field)
    supplier = suppliers(unit.catalog).get(name)
    if supplier is None:
        return problem("field", "unknown_field", f"Trường '{name}' không có trong bộ tiêu chí của loại đơn vị "
                       f"'{unit.catalog.code}'", f"field '{name}' is not an input of unit type '{unit.catalog.code}'")
    if supplier.kind != SYSTEM or supplier.agency != agency:
        return problem("field", "not_agency_input",
                       f"Trường '{name}' không phải số liệu do hệ thống của '{agency}' cung cấp",
                       f"field '{name}' is not an input measured by the systems of '{agency}'")
    field = unit.catalog.fields[name]
    value, issue = canonical_value(field, _yes_no(row.value) if field.type == "bool" else row.value)
    if issue is not None:
        return problem("value", issue.rule, issue.message_vi, issue.message_en)
    if value is None:
        return problem("value", "required", "Thiếu giá trị", "the value is missing")
    source_system = _text(row.source_system)
    if not source_system or len(source_system) > MAX_TEXT:
        return problem("source_system", "required", f"Phải nêu hệ thống nguồn (tối đa {MAX_TEXT} ký tự)",
                       f"name the source system (at most {MAX_TEXT} characters)")
    as_of = _date_text(row.as_of)
    if as_of is None:
        return problem("as_of", "type", "Ngày số liệu phải theo định dạng YYYY-MM-DD",
                       "the as-of date must be written YYYY-MM-DD")
    earlier = seen.setdefault((unit_code, name), row.line)
    if earlier != row.line:
        return problem("field", "duplicate", f"Trường '{name}' của đơn vị '{unit_code}' đã có ở dòng {earlier}",
                       f"field '{name}' of unit '{unit_code}' is already on line {earlier}")
    return {"unit_code": unit_code, "field": name, "value": value, "source_system": source_system, "as_of": as_of}


_YES = frozenset({"true", "1", "có", "co", "yes", "x"})
_NO = frozenset({"false", "0", "không", "khong", "no"})


def _yes_no(raw: object) -> object:
    """A yes/no written as text (CSV, a spreadsheet cell) as true or false; anything else as it was."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = raw.strip().lower()
        return True if text in _YES else False if text in _NO else raw
    return raw


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():  # a code typed as a number in a spreadsheet
        raw = int(raw)
    return str(raw).strip()


def _date_text(raw: object) -> str | None:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    text = _text(raw)
    if not _ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


class MeasurementImport:
    """Aggregate root: one accepted file of one agency for one round."""

    def __init__(self, id: str, round_id: str, agency: str, sha256: str, file_name: str, file_format: str,
                 imported_by: str, imported_at: dt.datetime, values: list[dict[str, Any]],
                 supersedes: str | None = None):
        self.id = id
        self.round_id = round_id
        self.agency = agency
        self.sha256 = sha256
        self.file_name = file_name
        self.file_format = file_format
        self.imported_by = imported_by
        self.imported_at = imported_at
        self.values = values
        self.supersedes = supersedes
        self.superseded_by: str | None = None
        self.superseded_at: dt.datetime | None = None
        self.events: list = []

    @classmethod
    def accept(cls, *, round_id: str, agency: str, sha256: str, file_name: str, file_format: str,
               imported_by: str, now: dt.datetime, values: list[dict[str, Any]],
               current: MeasurementImport | None) -> MeasurementImport:
        """A checked file becomes the agency's current values for the round, superseding `current`."""
        made = cls(str(uuid.uuid4()), round_id, agency, sha256, file_name, file_format, imported_by, now, values,
                   supersedes=current.id if current else None)
        if current is not None:
            current.superseded_by, current.superseded_at = made.id, now
        by_unit: dict[str, dict[str, dict[str, Any]]] = {}
        for item in values:
            by_unit.setdefault(item["unit_code"], {})[item["field"]] = {
                "value": item["value"], "source_system": item["source_system"], "as_of": item["as_of"]}
        made.events.append(MeasurementsImported(
            round_id=round_id, import_id=made.id, agency=agency, sha256=sha256, file_name=file_name,
            imported_by=imported_by, imported_at=now.isoformat(), supersedes=made.supersedes, values=by_unit))
        return made
