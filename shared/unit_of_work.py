"""The unit of work: one database transaction, with its outgoing events written to the
outbox inside it (the transactional outbox) and the consumed events it records."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from shared import cloudevents
from shared.domain.errors import ConcurrentChange, DuplicateRecord
from shared.messaging.outbox_signal import channel_for
from shared.observability import tracing


class SqlAlchemyUnitOfWork:
    """Base for the services' units of work. Subclasses open their repositories in
    `_open_repositories` and list what they track in `_seen_aggregates`."""

    def __init__(self, session_factory: sessionmaker, outbox: sa.Table, processed: sa.Table, source: str):
        self._session_factory = session_factory
        self._outbox = outbox
        self._processed = processed
        self._source = source
        self._notify_channel = channel_for(source.rsplit("/", 1)[-1])  # source is /cqs/<service>
        self._events: list[cloudevents.CloudEvent] = []
        self.session: Session | None = None

    def __enter__(self):
        self.session = self._session_factory()
        self._events = []
        self._open_repositories(self.session)
        return self

    def __exit__(self, *args) -> None:
        # Detach first: what was loaded stays readable (responses are serialised after the
        # unit of work ends), and whatever was not committed is rolled back.
        self.session.expunge_all()
        self.session.rollback()
        self.session.close()

    def _open_repositories(self, session: Session) -> None:
        """Subclasses create their repositories on the session."""

    def _seen_aggregates(self) -> list:
        """Subclasses return the aggregates loaded or added in this transaction."""
        return []

    def _write_together(self) -> None:
        """Subclasses write, one statement each, what their repositories keep to write together at
        commit (the flush writes the rest, row by row)."""

    def commit(self) -> list[cloudevents.CloudEvent]:
        """Flush, write every pending event to the outbox, and commit it all at once. An event its
        consumers could not store raises UnstorableEvent and nothing is committed; an aggregate
        another transaction changed since it was read (its version counter) raises ConcurrentChange; a key
        or unique value another transaction stored first raises DuplicateRecord."""
        try:
            return self._commit()
        except StaleDataError as error:
            self.rollback()
            raise ConcurrentChange() from error
        except IntegrityError as error:
            self.rollback()
            raise DuplicateRecord() from error

    def _commit(self) -> list[cloudevents.CloudEvent]:
        self._write_together()
        self.session.flush()
        self.collect_events()
        written = self._events
        rows = [{"event_id": ce.id, "routing_key": ce.routing_key, "body": cloudevents.check_storable(ce)}
                for ce in written]
        if rows:
            self.session.execute(self._outbox.insert(), rows)
            if self.session.get_bind().dialect.name == "postgresql":
                # Delivered at commit: the relay wakes at once instead of at its next poll.
                self.session.execute(sa.select(sa.func.pg_notify(self._notify_channel, "")))
        self._events = []
        self.session.commit()
        return written

    def collect_events(self) -> None:
        """Take the events the aggregates raised so far, as CloudEvents carrying the trace in
        progress (the request's, or the handler's that raised them)."""
        traceparent = tracing.current_traceparent()
        for aggregate in self._seen_aggregates():
            self._events.extend(cloudevents.from_event(event, self._source, traceparent=traceparent)
                                for event in aggregate.events)
            aggregate.events.clear()

    def rollback(self) -> None:
        self._events = []
        self.session.rollback()

    def already_processed(self, consumer: str, source: str, event_id: str) -> bool:
        query = sa.select(sa.literal(1)).where(
            self._processed.c.consumer == consumer,
            self._processed.c.source == source,
            self._processed.c.event_id == event_id,
        )
        return self.session.execute(query).first() is not None

    def mark_processed(self, consumer: str, source: str, event_id: str) -> None:
        self.session.execute(
            self._processed.insert().values(consumer=consumer, source=source, event_id=event_id)
        )

    def processed_among(self, consumer: str, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of the (source, id) keys this consumer processed already: one query for a batch."""
        query = sa.select(self._processed.c.source, self._processed.c.event_id).where(
            self._processed.c.consumer == consumer,
            self._processed.c.event_id.in_(sorted({event_id for _source, event_id in keys})),
        )
        wanted = set(keys)
        return {(row.source, row.event_id) for row in self.session.execute(query)} & wanted

    def mark_all_processed(self, consumer: str, keys: list[tuple[str, str]]) -> None:
        self.session.execute(self._processed.insert(),
                             [{"consumer": consumer, "source": source, "event_id": event_id}
                              for source, event_id in keys])
