"""In-memory stand-ins for a service's persistence, for the fast tier of service-layer tests (as in
*Architecture Patterns with Python*): a use case's rule runs in milliseconds, with no database. The
real repositories and units of work are tested against PostgreSQL in tests/integration."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class FakeRepository(Generic[T]):
    """Aggregates by key; like the SQLAlchemy repository it remembers what it handed out (`seen`)."""

    def __init__(self, key: Callable[[T], object], items: Iterable[T] = ()):
        self._key = key
        self._items = {key(item): item for item in items}
        self.seen: set[T] = set()

    def add(self, item: T) -> None:
        self._items[self._key(item)] = item
        self.seen.add(item)

    def get(self, key) -> T | None:
        item = self._items.get(key)
        if item is not None:
            self.seen.add(item)
        return item

    def where(self, condition: Callable[[T], bool]) -> list[T]:
        items = [item for item in self._items.values() if condition(item)]
        self.seen.update(items)
        return items


class FakeUnitOfWork:
    """Commits by taking the events the aggregates raised (into `published`, as the outbox would)."""

    def __init__(self) -> None:
        self.commits = 0
        self.published: list = []

    def __enter__(self):
        return self

    def __exit__(self, *args) -> None:
        pass

    def _seen_aggregates(self) -> list:
        return []

    def commit(self) -> list:
        events = [event for aggregate in self._seen_aggregates() for event in aggregate.events]
        for aggregate in self._seen_aggregates():
            aggregate.events.clear()
        self.published.extend(events)
        self.commits += 1
        return events

    def rollback(self) -> None:
        pass
