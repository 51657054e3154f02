"""A repository per aggregate type: the unit of work reads the events of what it tracked."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

T = TypeVar("T")


class SqlAlchemyRepository(Generic[T]):
    def __init__(self, session: Session, aggregate: type[T]):
        self.session = session
        self.aggregate = aggregate
        self.seen: set[T] = set()
        self._absent: set = set()  # keys `load` found no aggregate for (until one is added)

    def add(self, item: T) -> None:
        self.session.add(item)
        self.seen.add(item)
        if self._absent:
            self._absent.discard(self._key_of(item))

    def get(self, key) -> T | None:
        if key in self._absent:
            return None
        item = self.session.get(self.aggregate, key)
        if item is not None:
            self.seen.add(item)
        return item

    def get_named(self, key, by: str) -> T:
        """The aggregate `by` (an event being handled) names: a service follows only what it holds,
        so one it does not hold is the event's error (LookupError), never a reason to create it."""
        item = self.get(key)
        if item is None:
            raise LookupError(f"{by} names {key}, which this service does not hold")
        return item

    def load(self, keys: Iterable) -> None:
        """Read the aggregates with these keys in one query, for the `get`s that follow: each then
        finds its aggregate in the session, or knows there is none, without a query of its own
        (a consumer's batch of events names its aggregates at once)."""
        wanted = set(keys) - self._absent
        if not wanted:
            return
        [key_column] = sa.inspect(self.aggregate).primary_key
        found = self.list(key_column.in_(sorted(wanted)))
        self._absent |= wanted - {self._key_of(item) for item in found}

    def list(self, *where, order_by=None) -> list[T]:
        query = sa.select(self.aggregate).where(*where)
        if order_by is not None:
            query = query.order_by(order_by)
        items = list(self.session.execute(query).scalars())
        self.seen.update(items)
        return items

    def _key_of(self, item: T):
        [key] = sa.inspect(self.aggregate).primary_key_from_instance(item)
        return key
