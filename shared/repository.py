"""A repository per aggregate type: the unit of work reads the events of what it tracked."""
from __future__ import annotations

from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

T = TypeVar("T")


class SqlAlchemyRepository(Generic[T]):
    def __init__(self, session: Session, aggregate: type[T]):
        self.session = session
        self.aggregate = aggregate
        self.seen: set[T] = set()

    def add(self, item: T) -> None:
        self.session.add(item)
        self.seen.add(item)

    def get(self, key) -> T | None:
        item = self.session.get(self.aggregate, key)
        if item is not None:
            self.seen.add(item)
        return item

    def list(self, *where, order_by=None) -> list[T]:
        query = sa.select(self.aggregate).where(*where)
        if order_by is not None:
            query = query.order_by(order_by)
        items = list(self.session.execute(query).scalars())
        self.seen.update(items)
        return items
