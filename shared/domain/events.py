"""Domain events: the facts a service records and publishes to the others.

Each event class names its routing key (`report.submitted`); the CloudEvents type is
derived from it (`vn.gov.cqs.report.submitted`). Aggregates append events to their
`events` list; the unit of work writes them to the outbox in the same transaction.
"""
from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from shared.domain.errors import Bilingual, FieldError, InvalidInput

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


class UnstorableEvent(InvalidInput):
    """An event its consumers could not store (a control character in a text, an id too long, a
    number out of range...). Refused before it reaches the outbox, so the change that raised it
    is not committed either; `field` is the path of the offending value in the event."""

    slug = "unstorable-event"
    title = Bilingual("Dữ liệu không thể lưu", "Data cannot be stored")

    def __init__(self, field: str, rule_vi: str, rule_en: str):
        self.field = field
        super().__init__(Bilingual(f"Dữ liệu không thể lưu: trường '{field}' {rule_vi}",
                                   f"the data cannot be stored: field '{field}' {rule_en}"),
                         errors={field: [FieldError("storable", Bilingual(rule_vi, rule_en))]})

    @property
    def vi(self) -> str:
        return self.message.vi

    @property
    def en(self) -> str:
        return self.message.en
