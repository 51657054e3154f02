"""The words the services' tables are written in: the kinds of value their columns hold, each with the one
type and width it has in every service's schema, and whether a row must have one. A table reads as what
each column holds: `required("round_id", ROUND_ID)`."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

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
