"""The tables every service keeps for messaging, added to the service's own metadata."""
from __future__ import annotations

import sqlalchemy as sa

from shared.cloudevents import MAX_ATTRIBUTE_LENGTHS
from shared.orm import UtcDateTime


def add_messaging_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table, sa.Table]:
    """The outbox, the consumed events (dedupe) and the dead letters of the service's handlers."""
    outbox = sa.Table(
        "outbox",
        metadata,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(MAX_ATTRIBUTE_LENGTHS["id"]), nullable=False, unique=True),
        sa.Column("routing_key", sa.String(128), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        # An event no queue was bound to yet (returned by the broker) waits until then to be offered again.
        sa.Column("retry_at", UtcDateTime(), nullable=True),
        sa.Index("ix_outbox_unpublished", "published_at", "id"),
    )
    processed = sa.Table(
        "processed_events",
        metadata,
        # Deduplication key: CloudEvents source + id, per consuming handler.
        sa.Column("consumer", sa.String(128), primary_key=True),
        sa.Column("source", sa.String(MAX_ATTRIBUTE_LENGTHS["source"]), primary_key=True),
        sa.Column("event_id", sa.String(MAX_ATTRIBUTE_LENGTHS["id"]), primary_key=True),
        sa.Column("processed_at", UtcDateTime(), nullable=False, server_default=sa.func.now()),
    )
    dead_letters = sa.Table(
        "dead_letters",
        metadata,
        # The id of the parked message in the handler's `.dlq` queue (its AMQP message_id).
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("consumer", sa.String(128), nullable=False),
        # What could be read of the event (bounded and cleaned: the event may be what was wrong).
        sa.Column("event_id", sa.String(MAX_ATTRIBUTE_LENGTHS["id"]), nullable=True),
        sa.Column("event_type", sa.String(MAX_ATTRIBUTE_LENGTHS["type"]), nullable=True),
        sa.Column("subject", sa.String(MAX_ATTRIBUTE_LENGTHS["subject"]), nullable=True, index=True),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("dead_lettered_at", UtcDateTime(), nullable=False),
        # Set when an operator replays or discards it (`cqs dlq`).
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.Column("resolution_reason", sa.Text, nullable=True),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.Index("ix_dead_letters_unresolved", "resolved_at", "dead_lettered_at"),
    )
    return outbox, processed, dead_letters
