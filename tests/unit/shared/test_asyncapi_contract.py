"""docs/asyncapi.yaml and the code agree: every event class the services can emit has a
channel, every channel has an event class, and each payload documents exactly the event's
fields. (The integration and end-to-end tests validate the real events against it too.)"""
from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import services
from shared.domain.events import Event
from tests.support import asyncapi


def emitted_event_classes() -> dict[str, type[Event]]:
    for module in pkgutil.walk_packages(services.__path__, "services."):
        if ".domain." in module.name or module.name.endswith(".domain"):
            importlib.import_module(module.name)
    importlib.import_module("shared.domain.report_events")
    importlib.import_module("shared.domain.round_events")
    found, pending = {}, list(Event.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.routing_key:
            found[cls.routing_key] = cls
    return found


def test_every_event_has_a_channel_and_every_channel_an_event():
    assert set(emitted_event_classes()) == set(asyncapi.payload_schemas())


def test_each_payload_documents_exactly_the_events_fields():
    for routing_key, cls in emitted_event_classes().items():
        schema = asyncapi.payload_schemas()[routing_key]
        data = schema["allOf"][1]["properties"]["data"]
        fields = {field.name for field in dataclasses.fields(cls)}
        assert set(data["required"]) == fields, routing_key
        assert set(data["properties"]) == fields, routing_key
        assert data["additionalProperties"] is False
        assert schema["allOf"][1]["properties"]["type"]["const"] == cls.cloudevent_type()


def test_every_channel_is_on_the_events_exchange_with_its_routing_key():
    channels = asyncapi.document()["channels"]
    for name, channel in channels.items():
        binding = channel["bindings"]["amqp"]
        expected = ("cqs.dlx", "direct") if name == "deadLetter" else ("cqs.events", "topic")
        assert binding["is"] == "routingKey" and binding["exchange"]["name"] == expected[0]
        assert binding["exchange"]["type"] == expected[1] and binding["exchange"]["durable"] is True


def test_the_dead_letter_headers_are_the_ones_the_consumer_sets():
    from shared.messaging import dead_letters

    documented = asyncapi.document()["components"]["messages"]["DeadLetter"]["headers"]["properties"]
    set_by_code = {value for name, value in vars(dead_letters).items()
                   if name.isupper() and isinstance(value, str) and value.startswith("x-cqs-")}
    assert set(documented) == set_by_code - {dead_letters.REPLAYED_FROM}
