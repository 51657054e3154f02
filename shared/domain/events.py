"""Domain events: the facts a service records and publishes to the others.

Each event class names its routing key (`report.submitted`); the CloudEvents type is
derived from it (`vn.gov.cqs.report.submitted`). Aggregates append events to their
`events` list; the unit of work writes them to the outbox in the same transaction.
"""
from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

CLOUDEVENT_TYPE_PREFIX = "vn.gov.cqs."


@dataclasses.dataclass(frozen=True)
class Event:
    """Base class: subclasses set `routing_key` and declare their payload fields."""

    routing_key: ClassVar[str] = ""

    @property
    def subject(self) -> str:
        """The CloudEvents `subject`: the entity the event is about."""
        raise NotImplementedError

    @classmethod
    def cloudevent_type(cls) -> str:
        return CLOUDEVENT_TYPE_PREFIX + cls.routing_key

    def payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class RoundEvent(Event):
    """An event about a reporting round (kỳ báo cáo)."""

    round_id: str

    @property
    def subject(self) -> str:
        return f"rounds/{self.round_id}"
