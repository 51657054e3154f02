"""Imperative mapping of domain aggregates (the domain classes stay free of SQLAlchemy)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry


def map_aggregate(mapper_registry: registry, cls: type, table: sa.Table, **mapper_options) -> None:
    """Map `cls` to `table` once; loaded instances get an empty `events` list, as new ones do."""
    if getattr(cls, "__mapper__", None) is not None:
        return
    mapper_registry.map_imperatively(cls, table, **mapper_options)
    sa.event.listen(cls, "load", _init_events)


def _init_events(aggregate, _context) -> None:
    aggregate.events = []
