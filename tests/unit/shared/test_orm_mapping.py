"""Mappings made on first use: several request threads of a process may get there at once (the
deadline-day benchmark's concurrent first uploads answered 500: "already has a primary mapper")."""
from __future__ import annotations

import sys
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import registry

from shared.orm import map_once


@pytest.fixture
def threads_switch_often():
    """Switch threads every microsecond, so that a check-then-map race shows within a few tries."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_a_class_mapped_from_many_threads_at_once_is_mapped_once_without_error(threads_switch_often):
    for attempt in range(20):
        metadata = sa.MetaData()
        table = sa.Table("things", metadata, sa.Column("id", sa.Integer, primary_key=True))
        thing = type(f"Thing{attempt}", (), {})
        mappers, start = registry(metadata=metadata), threading.Barrier(8)
        mapped, failed = [], []

        def first_request(cls=thing, table=table, mappers=mappers, start=start, mapped=mapped, failed=failed):
            start.wait()
            try:
                mapped.append(map_once(mappers, cls, table))
            except Exception as error:  # noqa: BLE001 - what a request thread would have answered 500 with
                failed.append(error)

        threads = [threading.Thread(target=first_request) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failed == []
        assert mapped.count(True) == 1 and len(mapped) == 8
