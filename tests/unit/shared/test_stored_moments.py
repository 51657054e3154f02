"""A stored moment reads back as the moment written, on SQLite (the embedded mode) as on PostgreSQL: SQLite
keeps no zone, so a plain `DateTime(timezone=True)` there writes an aware moment's wall-clock time whatever
its offset and hands it back naive; every table of every service (its own and the shared messaging tables)
stores its moments as `UtcDateTime` instead."""
from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
import sqlalchemy as sa

from shared.config import SERVICES
from shared.orm import UtcDateTime


@pytest.mark.parametrize("service", [*SERVICES, "portal"])
def test_every_moment_a_service_stores_is_a_utc_date_time(service):
    orm = import_module(f"services.{service}.adapters.orm")
    assert [f"{table.name}.{column.name}" for table in orm.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, sa.DateTime)] == []


def test_a_moment_with_an_offset_reads_back_on_sqlite_as_the_same_moment_in_utc():
    table = sa.Table("moments", sa.MetaData(), sa.Column("at", UtcDateTime()))
    engine = sa.create_engine("sqlite://")
    table.metadata.create_all(engine)
    written = dt.datetime(2026, 11, 15, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with engine.begin() as connection:
        connection.execute(table.insert(), {"at": written})
        read = connection.execute(sa.select(table.c.at)).scalar_one()
    assert (read, read.tzinfo) == (written, dt.timezone.utc)
