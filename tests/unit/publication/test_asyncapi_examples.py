"""The examples docs/asyncapi.yaml gives partners are valid messages of their channel."""
from tests.support import asyncapi


def test_every_example_is_a_valid_message():
    checked = 0
    for message in asyncapi.document()["components"]["messages"].values():
        for example in message.get("examples", []):
            asyncapi.validate(message["name"], example["payload"])
            checked += 1
    assert checked >= 3  # report.published, round.published provisional and final
