"""Imperative mapping of domain aggregates (the domain classes stay free of SQLAlchemy), and the groups of
columns several tables share (written in the words of `shared.columns`)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import sqlalchemy as sa
from sqlalchemy.orm import Composite, composite, registry

from shared.columns import ACTOR, NAME, ROUND_ID, UNIT_CODE, UNIT_TYPE, UUID_TEXT, optional, primary_key, required
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
    same names (the `report_header_columns`)."""
    return composite(ReportHeader, *(table.c[field.name] for field in dataclasses.fields(ReportHeader)))


def reporting_unit_columns(*, keyed: bool = False, indexed: bool = False) -> list[sa.Column]:
    """The unit a report is of: its code, Vietnamese name and type (`keyed`: the code is part of the table's
    primary key; `indexed`: rows are looked up by it)."""
    return [
        primary_key("unit_code", UNIT_CODE) if keyed else required("unit_code", UNIT_CODE, index=indexed),
        required("unit_name_vi", NAME),
        required("unit_type", UNIT_TYPE),
    ]


def unit_columns(*, keyed: bool = False) -> list[sa.Column]:
    """The unit a report is of and the unit that reviews it, as each service keeps them with its copy of
    the report (`keyed`: the unit code is part of the table's primary key)."""
    return [
        *reporting_unit_columns(keyed=keyed),
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


def who_and_when(act: str, *, always: bool = True) -> list[sa.Column]:
    """Who did `act` and when: `<act>_by` and `<act>_at` (`by` and `at` when `act` is empty, in a table of one
    kind of act), the moment a `UtcDateTime`; `always=False` when the act may not have happened yet."""
    prefix = f"{act}_" if act else ""
    column = required if always else optional
    return [column(f"{prefix}by", ACTOR), column(f"{prefix}at", UtcDateTime())]


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
