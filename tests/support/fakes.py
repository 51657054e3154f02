"""In-memory stand-ins for a service's persistence, for the fast tier of service-layer tests (as in
*Architecture Patterns with Python*): a use case's rule runs in milliseconds, with no database. The
real repositories and units of work are tested against PostgreSQL in tests/integration."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from shared.cloudevents import CloudEvent
from shared.messaging.consumer import Subscription, process_batch
from shared.repository import SqlAlchemyRepository
from shared.runtime import inject_dependencies

T = TypeVar("T")


class FakeRepository(Generic[T]):
    """Aggregates by key; like the SQLAlchemy repository it remembers what it handed out (`seen`), and
    counts the queries that one would make (`queries`): one per `load`, one per `get` of a key no
    `load` read."""

    def __init__(self, key: Callable[[T], object], items: Iterable[T] = ()):
        self._key = key
        self._items = {key(item): item for item in items}
        self.seen: set[T] = set()
        self.queries = 0
        self._loaded: set = set()

    def add(self, item: T) -> None:
        self._items[self._key(item)] = item
        self.seen.add(item)

    def load(self, keys: Iterable) -> None:
        keys = set(keys)
        self.queries += 1
        self._loaded |= keys
        self.seen.update(self._items[key] for key in keys if key in self._items)

    def get(self, key) -> T | None:
        self.queries += key not in self._loaded
        item = self._items.get(key)
        if item is not None:
            self.seen.add(item)
        return item

    get_named = SqlAlchemyRepository.get_named

    def where(self, condition: Callable[[T], bool]) -> list[T]:
        items = [item for item in self._items.values() if condition(item)]
        self.seen.update(items)
        return items


class FakeUnitOfWork:
    """Commits by taking the events the aggregates raised (into `published`, as the outbox would); keeps
    the consumed events' keys as the consumer marks them (`processed`)."""

    def __init__(self) -> None:
        self.commits = 0
        self.published: list = []
        self.processed: set[tuple[str, str, str]] = set()  # consumer, source, event id

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

    def already_processed(self, consumer: str, source: str, event_id: str) -> bool:
        return (consumer, source, event_id) in self.processed

    def mark_processed(self, consumer: str, source: str, event_id: str) -> None:
        self.processed.add((consumer, source, event_id))

    def processed_among(self, consumer: str, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        return {key for key in keys if (consumer, *key) in self.processed}

    def mark_all_processed(self, consumer: str, keys: list[tuple[str, str]]) -> None:
        self.processed.update((consumer, *key) for key in keys)


def consume_batch(uow: FakeUnitOfWork, subscription: Subscription, events: list[CloudEvent],
                  **dependencies: Any) -> int:
    """As the worker's consumer handles a batch of deliveries (with the dependencies the bootstrap would
    inject): one unit of work, each new event in order; returns how many were new."""
    injected = dataclasses.replace(subscription, handle=inject_dependencies(subscription.handle, dependencies))
    return process_batch(lambda: uow, f"test.{subscription.handler_name}", injected, events)
