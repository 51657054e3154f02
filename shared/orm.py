"""Imperative mapping of domain aggregates (the domain classes stay free of SQLAlchemy)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import sqlalchemy as sa
from sqlalchemy.orm import Composite, composite, registry

from shared.domain.report_header import ReportHeader

# Mappings made on first use may be reached by several request threads of a process at once.
_mapping = threading.Lock()


def map_once(mapper_registry: registry, cls: type, table: sa.Table, **mapper_options) -> bool:
    """Map `cls` to `table` unless it is mapped already; True if this call mapped it."""
    with _mapping:
        if getattr(cls, "__mapper__", None) is not None:
            return False
        mapper_registry.map_imperatively(cls, table, **mapper_options)
        return True


def map_aggregate(mapper_registry: registry, cls: type, table: sa.Table, **mapper_options) -> None:
    """Map `cls` to `table` once; loaded instances get an empty `events` list, as new ones do."""
    if map_once(mapper_registry, cls, table, **mapper_options):
        sa.event.listen(cls, "load", _init_events)


def _init_events(aggregate, _context) -> None:
    aggregate.events = []


def report_header(table: sa.Table) -> Composite[ReportHeader]:
    """The aggregate's `header` property: one value read from and written to the table's columns of the
    same names (`round_id` and the `unit_columns`)."""
    return composite(ReportHeader, *(table.c[field.name] for field in dataclasses.fields(ReportHeader)))


def unit_columns(*, keyed: bool = False) -> list[sa.Column]:
    """The unit a report is of and the unit that reviews it, as each service keeps them with its copy of
    the report (`keyed`: the unit code is part of the table's primary key)."""
    return [
        sa.Column("unit_code", sa.String(64), primary_key=True) if keyed
        else sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("unit_name_vi", sa.String(255), nullable=False),
        sa.Column("unit_type", sa.String(32), nullable=False),
        sa.Column("reviewer_unit_code", sa.String(64), nullable=False),
        sa.Column("reviewer_kind", sa.String(32), nullable=False),
    ]


def measured_value_columns() -> list[sa.Column]:
    """One measured input of a unit in a round, as the agency's accepted import gave it (`measurements.imported`):
    submission keeps the values that hold, review its copy of them."""
    return [
        sa.Column("round_id", sa.String(64), primary_key=True),
        sa.Column("unit_code", sa.String(64), primary_key=True),
        sa.Column("field", sa.String(100), primary_key=True),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("source_system", sa.String(255), nullable=False),
        sa.Column("as_of", sa.String(10), nullable=False),
        sa.Column("import_id", sa.String(36), nullable=False),
        sa.Column("imported_by", sa.String(128), nullable=False),
    ]


class UtcDateTime(sa.TypeDecorator):
    """A timezone-aware moment, stored in UTC. SQLite keeps no zone, so without this a value
    would come back naive there (and compare wrongly with aware ones) while PostgreSQL's is aware."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing a naive datetime {value.isoformat()}: give its time zone")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=dt.timezone.utc)
