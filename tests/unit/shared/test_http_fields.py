"""The fields every API schema shares: timestamps in the province's time, bounded text."""
from __future__ import annotations

import datetime as dt

import pytest
from marshmallow import Schema, ValidationError

from shared.http_fields import Instant, Line, Moment, Text


class Shown(Schema):
    at = Instant(allow_none=True)


@pytest.mark.parametrize("value, shown", [
    (dt.datetime(2026, 11, 14, 17, 0, tzinfo=dt.timezone.utc), "2026-11-15T00:00:00+07:00"),
    (dt.datetime(2026, 11, 14, 17, 0), "2026-11-15T00:00:00+07:00"),  # naive from SQLite: UTC
    ("2026-11-14T17:00:00+00:00", "2026-11-15T00:00:00+07:00"),  # kept as text in a JSON column
    (None, None),
])
def test_every_timestamp_is_shown_in_the_provinces_time_with_its_offset(value, shown):
    assert Shown().dump({"at": value}) == {"at": shown}


class Given(Schema):
    code = Line(8, min_length=1)
    note = Text(20)
    until = Moment()


@pytest.mark.parametrize("field, value, rule", [
    ("code", "1.1\n1.2", "single_line"),
    ("code", "\t1.1", "single_line"),
    ("code", "123456789", "max_length"),
    ("code", "  ", "min_length"),
    ("note", "a\x00b", "control_character"),
    ("note", "a\x1bb", "control_character"),
    ("note", "x" * 21, "max_length"),
    ("until", "0001-01-01T00:00:00+01:00", "range"),
])
def test_text_and_moments_are_refused_with_the_rule_they_break(field, value, rule):
    with pytest.raises(ValidationError) as refused:
        Given().load({field: value})
    [error] = refused.value.messages[field]
    assert error["rule"] == rule and error["message_vi"] and error["message_en"]


def test_multi_line_text_keeps_its_line_breaks_and_tabs():
    assert Given().load({"note": "dòng 1\r\n\tdòng 2"}) == {"note": "dòng 1\r\n\tdòng 2"}
