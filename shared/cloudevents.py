"""CloudEvents 1.0, structured JSON mode: the envelope of every event between services."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from typing import Any

from shared.domain.events import Event
from shared.observability.tracing import valid as valid_traceparent

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
REQUIRED_ATTRIBUTES = ("specversion", "id", "source", "type")


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
        attributes = dataclasses.asdict(self)
        if attributes["traceparent"] is None:
            del attributes["traceparent"]
        return attributes

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


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
        data=json.loads(json.dumps(event.payload(), default=str)),
        traceparent=traceparent,
    )


def parse(body: str | bytes | dict[str, Any]) -> CloudEvent:
    """Parse and check a structured-mode CloudEvent; raise InvalidCloudEvent naming what is wrong."""
    try:
        raw = body if isinstance(body, dict) else json.loads(body)
    except (TypeError, ValueError) as exc:
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
    return CloudEvent(
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
