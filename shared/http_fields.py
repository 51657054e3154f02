"""Fields of the API's schemas. `Instant`: every timestamp the APIs return, RFC 3339 with the
province's offset (+07:00). Text fields of request schemas, bounded like the columns that keep them: `Line` for one line
(codes, names, ids: no tab or line break) and `Text` for what people write over several lines
(reasons, comments, notes). Both refuse the characters `http_input` refuses everywhere."""
from __future__ import annotations

import datetime as dt

from marshmallow import ValidationError, fields

from shared.clock import in_province_time
from shared.domain.errors import Bilingual, FieldError
from shared.http_input import text_problem

LINE_BREAKS = "\t\n\r"


class Text(fields.Str):
    """Multi-line text of at most `max_length` characters (and at least `min_length`, not counting
    surrounding blanks)."""

    def __init__(self, max_length: int, *, min_length: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.min_length = min_length
        self.metadata = {**self.metadata, "maxLength": max_length, **({"minLength": min_length} if min_length else {})}

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text, self.max_length) or self._extra_problem(text)
        if problem is not None:
            raise ValidationError([problem.to_dict()])
        return text

    def _extra_problem(self, text: str) -> FieldError | None:
        if len(text.strip()) < self.min_length:
            return FieldError("min_length", Bilingual(
                f"Cần ít nhất {self.min_length} ký tự" if self.min_length > 1 else "Không được để trống",
                f"at least {self.min_length} characters" if self.min_length > 1 else "must not be blank"))
        return None


class Line(Text):
    """One line: what a code, an id or a name is."""

    def _extra_problem(self, text: str) -> FieldError | None:
        if any(mark in text for mark in LINE_BREAKS):
            return FieldError("single_line", Bilingual("Chỉ được một dòng (không có tab hay xuống dòng)",
                                                       "one line only (no tab or line break)"))
        return super()._extra_problem(text)


class Moment(fields.AwareDateTime):
    """A moment a client gives (a window's start, a deadline): RFC 3339 with its offset, in the
    years the system can mean (an 0001-01-01 is a typing error, and out of range once shifted)."""

    EARLIEST_YEAR, LATEST_YEAR = 1900, 2200

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not self.EARLIEST_YEAR <= moment.year <= self.LATEST_YEAR:
            raise ValidationError([FieldError("range", Bilingual(
                f"Năm phải từ {self.EARLIEST_YEAR} đến {self.LATEST_YEAR}",
                f"the year must be between {self.EARLIEST_YEAR} and {self.LATEST_YEAR}")).to_dict()])
        return moment


class Instant(fields.DateTime):
    """A moment as the APIs show it: RFC 3339 in the province's time, e.g. 2026-11-15T00:00:00+07:00."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):  # kept as ISO 8601 text (in a JSON column, an event's payload)
            value = dt.datetime.fromisoformat(value)
        return super()._serialize(in_province_time(value) if value else value, attr, obj, **kwargs)
