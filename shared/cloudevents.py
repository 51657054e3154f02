"""CloudEvents 1.0, structured JSON mode: the envelope of every event between services."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
import uuid
from typing import Any

from shared.domain.event_types import UnknownEventType, event_class
from shared.domain.events import Event, InvalidEvent, UnstorableEvent, fields_of
from shared.observability.tracing import valid as valid_traceparent

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
REQUIRED_ATTRIBUTES = ("specversion", "id", "source", "type")

# What every consumer can store: the dedupe key's columns, the outbox's routing key, a
# PostgreSQL text (no NUL, valid UTF-8), a bigint, and JSON that Python parses back.
MAX_ATTRIBUTE_LENGTHS = {"id": 64, "source": 128, "type": 128, "subject": 255}
MAX_DEPTH = 32
MAX_BODY_BYTES = 4 * 1024 * 1024
LARGEST_INTEGER = 2**63 - 1
# C0 controls other than tab, line feed and carriage return; DEL; lone surrogates.
UNSTORABLE_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# In the JSON text (`ensure_ascii=False`), a C0 control other than tab, line feed and carriage return
# is escaped (\b, \f or \u00XX); an integer too large has 19 digits or more. Separate searches:
# one pattern with every alternative took ten times as long.
ESCAPED_CONTROL = re.compile(r"\\(?:u00[01]|[bf])")
LONG_NUMBER = re.compile(r"[0-9]{19}")


class InvalidCloudEvent(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class CloudEvent:
    id: str
    source: str
    type: str
    subject: str
    time: str
    data: dict[str, Any]
    datacontenttype: str = "application/json"
    specversion: str = SPEC_VERSION
    # Extension (W3C Trace Context): the trace of the request or handler that raised the event.
    traceparent: str | None = None

    @property
    def routing_key(self) -> str:
        return self.type.removeprefix("vn.gov.cqs.")

    def to_dict(self) -> dict[str, Any]:
        """The attributes by name, `data` as it is (JSON values already, not copied)."""
        attributes = {"id": self.id, "source": self.source, "type": self.type, "subject": self.subject,
                      "time": self.time, "data": self.data, "datacontenttype": self.datacontenttype,
                      "specversion": self.specversion}
        if self.traceparent is not None:
            attributes["traceparent"] = self.traceparent
        return attributes

    def to_json(self) -> str:
        """Structured-mode JSON; ValueError for a number JSON has no word for (NaN, infinity)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def from_event(event: Event, source: str, *, now: dt.datetime | None = None,
               traceparent: str | None = None) -> CloudEvent:
    """Wrap a domain event; `source` names the emitting service (`/cqs/submission`)."""
    moment = now or dt.datetime.now(dt.timezone.utc)
    return CloudEvent(
        id=str(uuid.uuid4()),
        source=source,
        type=event.cloudevent_type(),
        subject=event.subject,
        time=moment.isoformat().replace("+00:00", "Z"),
        data=_as_json(event.to_data()),
        traceparent=traceparent,
    )


def _as_json(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as JSON values (a tuple becomes a list, a value object its fields, anything else
    not JSON its text): through the C encoder and decoder, faster than a walk in Python."""
    try:
        return json.loads(json.dumps(payload, default=_json_default, allow_nan=False))
    except RecursionError as exc:
        raise UnstorableEvent("data", f"lồng nhau quá {MAX_DEPTH} cấp", f"nests deeper than {MAX_DEPTH} levels") \
            from exc
    except ValueError as exc:
        raise UnstorableEvent("data", "chứa số không hữu hạn (NaN, vô cực)",
                              "holds a number that is not finite (NaN, infinity)") from exc


def check_storable(event: CloudEvent) -> str:
    """The event's JSON, once every consumer can store it; UnstorableEvent naming the first value
    they could not store otherwise."""
    for name, limit in MAX_ATTRIBUTE_LENGTHS.items():
        value = getattr(event, name)
        if len(value) > limit:
            raise UnstorableEvent(name, f"dài quá {limit} ký tự", f"is longer than {limit} characters")
        _check_value(name, value, 0)
    # A quick look finds nothing in nearly every event; on a hit (or a false alarm: a backslash or a
    # long number in a text) the walk over the data decides and names the value.
    try:
        body = event.to_json()
        size = len(body.encode("utf-8"))
    except ValueError:  # NaN or an infinity, a lone surrogate
        _check_value("data", event.data, 0)
        raise
    if "\x7f" in body or ESCAPED_CONTROL.search(body) or LONG_NUMBER.search(body) or _too_deep(event.data):
        _check_value("data", event.data, 0)
    if size > MAX_BODY_BYTES:
        raise UnstorableEvent("data", f"lớn quá {MAX_BODY_BYTES} byte", f"is larger than {MAX_BODY_BYTES} bytes")
    return body


def _too_deep(data: Any) -> bool:
    """Whether some value of `data` lies deeper than MAX_DEPTH: its containers, level by level."""
    level = [data]
    for _ in range(MAX_DEPTH):
        level = [item for value in level for item in (value.values() if isinstance(value, dict) else value)
                 if isinstance(item, (dict, list))]
        if not level:
            return False
    return any(level)  # a container at MAX_DEPTH holding anything


def _check_value(path: str, value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise UnstorableEvent(path, f"lồng nhau quá {MAX_DEPTH} cấp", f"nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        if UNSTORABLE_CHARACTER.search(value):
            raise UnstorableEvent(path, "chứa ký tự điều khiển hoặc ký tự không hợp lệ (ví dụ NUL)",
                                  "contains a control or invalid character (e.g. NUL)")
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > LARGEST_INTEGER:
            raise UnstorableEvent(path, "là số quá lớn", "is a number too large to store")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise UnstorableEvent(path, "không phải số hữu hạn", "is not a finite number")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(f"{path}.{key}", str(key), depth + 1)
            _check_value(f"{path}.{key}", item, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(f"{path}[{index}]", item, depth + 1)


def _json_default(value: Any) -> Any:
    return fields_of(value) if dataclasses.is_dataclass(value) else str(value)


def parse(body: str | bytes | dict[str, Any]) -> CloudEvent:
    """Parse and check a structured-mode CloudEvent, including that a consumer can store it;
    raise InvalidCloudEvent naming what is wrong."""
    try:
        raw = body if isinstance(body, dict) else json.loads(body)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidCloudEvent(f"body is not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise InvalidCloudEvent("body is not a JSON object")
    missing = [name for name in REQUIRED_ATTRIBUTES if not raw.get(name)]
    if missing:
        raise InvalidCloudEvent(f"missing required attribute(s): {', '.join(missing)}")
    if raw["specversion"] != SPEC_VERSION:
        raise InvalidCloudEvent(f"unsupported specversion {raw['specversion']!r}")
    data = raw.get("data", {})
    if not isinstance(data, dict):
        raise InvalidCloudEvent("data must be a JSON object")
    event = CloudEvent(
        id=str(raw["id"]),
        source=str(raw["source"]),
        type=str(raw["type"]),
        subject=str(raw.get("subject", "")),
        time=str(raw.get("time", "")),
        data=data,
        datacontenttype=str(raw.get("datacontenttype", "application/json")),
        # A malformed trace header is dropped, never a reason to refuse the event.
        traceparent=raw["traceparent"] if valid_traceparent(raw.get("traceparent")) else None,
    )
    try:
        check_storable(event)
    except UnstorableEvent as exc:
        raise InvalidCloudEvent(exc.en) from exc
    return event


def to_event(cloudevent: CloudEvent) -> Event:
    """The domain event a CloudEvent carries, read into its class by its type; InvalidCloudEvent
    naming the field if its data is not that event."""
    try:
        return event_class(cloudevent.type).from_data(cloudevent.data)
    except (UnknownEventType, InvalidEvent) as exc:
        raise InvalidCloudEvent(str(exc)) from exc
