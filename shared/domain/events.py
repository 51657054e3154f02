"""Domain events: the facts a service records and publishes to the others.

Each event class names its routing key (`report.submitted`); the CloudEvents type is
derived from it (`vn.gov.cqs.report.submitted`). Aggregates append events to their
`events` list; the unit of work writes them to the outbox in the same transaction.
A consumer reads an event back with `from_data`, which checks the payload against the
types the class declares, so a handler works with the event, never with raw JSON.
"""
from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Self

from shared.domain.errors import Bilingual, FieldError, InvalidInput

CLOUDEVENT_TYPE_PREFIX = "vn.gov.cqs."


@typing.dataclass_transform(frozen_default=True)
@dataclasses.dataclass(frozen=True)
class Event:
    """Base class: a subclass declares its payload fields and is a frozen dataclass of them; one that
    is published names its routing key: `class ReportSubmitted(ReportEvent, routing_key="report.submitted")`."""

    routing_key: ClassVar[str] = ""

    def __init_subclass__(cls, *, routing_key: str | None = None, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        if routing_key is not None:
            cls.routing_key = routing_key
        dataclasses.dataclass(frozen=True)(cls)

    @property
    def subject(self) -> str:
        """The CloudEvents `subject`: the entity the event is about."""
        raise NotImplementedError

    @classmethod
    def cloudevent_type(cls) -> str:
        return CLOUDEVENT_TYPE_PREFIX + cls.routing_key

    def to_data(self) -> dict[str, Any]:
        """The CloudEvents `data`: the event's fields by name, a field holding a dataclass (a value
        object) as its own fields. Containers are shared, not copied (`dataclasses.asdict` deep-copies
        every answer): the event is frozen, and `cloudevents.from_event` turns this into JSON at once."""
        return fields_of(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """The event a CloudEvent's `data` carries; InvalidEvent names the first field missing or of
        the wrong type. Fields the class does not know are ignored (a newer publisher may add some)."""
        values = {}
        for name, hint in _field_types(cls).items():
            if name in data:
                values[name] = _conform(cls, name, data[name], hint)
            elif not _has_default(cls, name):
                raise InvalidEvent(cls, name, "is missing")
        return cls(**values)


class InvalidEvent(ValueError):
    """A payload that is not the event its type names."""

    def __init__(self, cls: type[Event], field: str, problem: str):
        self.field = field
        super().__init__(f"{cls.routing_key}: field '{field}' {problem}")


def fields_of(value: Any) -> dict[str, Any]:
    """A dataclass instance's fields by name, those holding dataclasses as their fields in turn."""
    return {name: fields_of(item) if dataclasses.is_dataclass(item) else item
            for name, item in ((name, getattr(value, name)) for name in _field_names(type(value)))}


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


@functools.cache
def _field_types(cls: type[Event]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {field.name: hints[field.name] for field in dataclasses.fields(cls)}


def _has_default(cls: type[Event], name: str) -> bool:
    field = next(field for field in dataclasses.fields(cls) if field.name == name)
    return field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING


# The JSON types a payload's annotations name.
_SCALARS: dict[Any, type] = {str: str, bool: bool, int: int}


@functools.cache
def _shape(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    return typing.get_origin(hint), typing.get_args(hint)


def _as_they_are(items: Iterable[Any], hint: Any) -> bool:
    """Whether a container's items need no conforming one by one (and no path of each built): any
    value (answers, criteria) or texts (names, codes: a round's 12,000 units)."""
    return hint is Any or (hint is str and all(isinstance(item, str) for item in items))


def _conform(cls: type[Event], path: str, value: Any, hint: Any) -> Any:
    """`value` as the annotation `hint` describes it (a JSON array becomes the tuple a field declares)."""
    if hint is Any:
        return value
    origin, args = _shape(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        [present] = [arg for arg in args if arg is not type(None)]
        return _conform(cls, path, value, present)
    if origin is dict:
        if not isinstance(value, dict):
            raise InvalidEvent(cls, path, "is not an object")
        if _as_they_are(value.values(), args[1]):
            return dict(value)
        return {key: _conform(cls, f"{path}.{key}", item, args[1]) for key, item in value.items()}
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise InvalidEvent(cls, path, "is not an array")
        items = list(value) if _as_they_are(value, args[0]) else [
            _conform(cls, f"{path}[{index}]", item, args[0]) for index, item in enumerate(value)]
        return items if origin is list else tuple(items)
    if not isinstance(value, _SCALARS[hint]) or (hint is int and isinstance(value, bool)):  # JSON true is no number
        raise InvalidEvent(cls, path, f"is not of type {hint.__name__}")
    return value


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
