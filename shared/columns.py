"""The columns the services' tables are made of: the kinds of value they hold, each with the one type and
width it has in every service's schema, and the groups of columns several tables share. A table reads
as what each column holds and whether a row must have it: `required("round_id", ROUND_ID)`."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from shared.orm import UtcDateTime

UUID_TEXT = sa.String(36)  # an id the system made: a UUID as text
ROUND_ID = sa.String(64)
ROUND_KIND = sa.String(32)
UNIT_CODE = sa.String(64)
UNIT_TYPE = sa.String(32)
REPORT_STATUS = sa.String(32)
CATALOG_VERSION = sa.String(64)
CRITERION_CODE = sa.String(32)
SHA256_HEX = sa.String(64)  # a SHA-256 (or HMAC-SHA256) digest in hex
ACTOR = sa.String(128)  # who did something: the user their token names
NAME = sa.String(255)  # a name people read: a unit's, a file's, a source system's
POINTS = sa.Numeric(8, 2)
# A 64-bit key; INTEGER on SQLite, the only type whose key SQLite numbers itself.
BIGINT_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

ColumnType = sa.types.TypeEngine | type[sa.types.TypeEngine]


def primary_key(name: str, type_: ColumnType, *args: sa.SchemaItem, **options: Any) -> sa.Column:
    return sa.Column(name, type_, *args, primary_key=True, **options)


def required(name: str, type_: ColumnType, *args: sa.SchemaItem, **options: Any) -> sa.Column:
    """A column every row has a value in (NOT NULL)."""
    return sa.Column(name, type_, *args, nullable=False, **options)


def optional(name: str, type_: ColumnType, *args: sa.SchemaItem, **options: Any) -> sa.Column:
    """A column a row may leave empty (NULL)."""
    return sa.Column(name, type_, *args, nullable=True, **options)


def who_and_when(act: str = "", moment: sa.types.TypeEngine | None = None, *,
                 always: bool = True) -> list[sa.Column]:
    """Who did `act` and when: `<act>_by` and `<act>_at` (`by` and `at` in a table of one kind of act), the
    moment a `UtcDateTime` unless `moment` says otherwise; `always=False` when the act may not have happened."""
    prefix = f"{act}_" if act else ""
    column = required if always else optional
    return [column(f"{prefix}by", ACTOR), column(f"{prefix}at", moment if moment is not None else UtcDateTime())]


def unit_columns(*, keyed: bool = False) -> list[sa.Column]:
    """The unit a report is of and the unit that reviews it, as each service keeps them with its copy of
    the report (`keyed`: the unit code is part of the table's primary key)."""
    return [
        primary_key("unit_code", UNIT_CODE) if keyed else required("unit_code", UNIT_CODE),
        required("unit_name_vi", NAME),
        required("unit_type", UNIT_TYPE),
        required("reviewer_unit_code", UNIT_CODE),
        required("reviewer_kind", sa.String(32)),
    ]


def report_header_columns(*, round_indexed: bool = False) -> list[sa.Column]:
    """The columns of a report's `ReportHeader`, its round and the `unit_columns`, as a service keeps them
    with its copy of the report (`report_header` maps them)."""
    return [required("round_id", ROUND_ID, index=round_indexed), *unit_columns()]


def measured_value_columns() -> list[sa.Column]:
    """One measured input of a unit in a round, as the agency's accepted import gave it (`measurements.imported`):
    submission keeps the values that hold, review its copy of them."""
    return [
        primary_key("round_id", ROUND_ID),
        primary_key("unit_code", UNIT_CODE),
        primary_key("field", sa.String(100)),
        required("agency", UNIT_CODE),
        required("value", sa.JSON),
        required("source_system", NAME),
        required("as_of", sa.String(10)),
        required("import_id", UUID_TEXT),
        required("imported_by", ACTOR),
    ]
