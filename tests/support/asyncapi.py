"""Validate CloudEvents against the AsyncAPI document (docs/asyncapi.yaml)."""
from __future__ import annotations

import functools
from pathlib import Path

import jsonschema
import yaml

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml"


@functools.cache
def document() -> dict:
    return yaml.load(DOCUMENT.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _inline(node, doc: dict):
    """Replace local `$ref`s ("#/components/...") by what they point at."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _inline(target, doc)
        return {key: _inline(value, doc) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, doc) for item in node]
    return node


@functools.cache
def payload_schemas() -> dict[str, dict]:
    """routing key (channel address) → JSON Schema of its message payload, for the events exchange's channels."""
    doc = document()
    schemas = {}
    for channel in doc["channels"].values():
        if channel["bindings"]["amqp"]["exchange"]["name"] != "cqs.events":
            continue  # the dead-letter queues carry what failed, not events of their own
        [message] = channel["messages"].values()
        schemas[channel["address"]] = _inline(message, doc)["payload"]
    return schemas


def validate(routing_key: str, body: dict) -> None:
    schema = payload_schemas().get(routing_key)
    if schema is None:
        raise AssertionError(f"no AsyncAPI channel documents '{routing_key}'")
    jsonschema.validate(body, schema, format_checker=jsonschema.FormatChecker())
