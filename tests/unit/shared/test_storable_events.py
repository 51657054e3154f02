"""An event is refused before the outbox when a consumer could not store it, and a consumer
refuses the same when it receives one; the check names the offending field."""
from __future__ import annotations

import dataclasses
import json

import pytest

from shared import cloudevents
from shared.domain.events import UnstorableEvent
from shared.domain.report_events import ReportReturned


def event(note) -> cloudevents.CloudEvent:
    """A real event whose comment holds `note` (the domain does not type-check it)."""
    returned = ReportReturned(report_id="r1", round_id="2026-annual", unit_code="STP", comment=note,
                              criterion_comments={}, returned_by="reviewer", returned_at="2026-11-01T08:00:00Z")
    return cloudevents.from_event(returned, source="/cqs/review")


@pytest.mark.parametrize("note, field", [
    ("a\x00b", "data.comment"),
    ("bell\x07", "data.comment"),
    ("lone \ud800 surrogate", "data.comment"),
    ({"inner": ["ok", "nul\x00"]}, "data.comment.inner[1]"),
    ({"key\x00": 1}, "data.comment.key\x00"),
    (10**30, "data.comment"),
    ("del\x7f", "data.comment"),
    ({"scores": [1.5, -(2**63) - 1]}, "data.comment.scores[1]"),
])
def test_unstorable_values_are_refused_naming_the_field(note, field):
    with pytest.raises(UnstorableEvent) as refused:
        cloudevents.check_storable(event(note))
    assert refused.value.field == field
    assert "Dữ liệu không thể lưu" in refused.value.vi


@pytest.mark.parametrize("note", [float("nan"), float("inf")])
def test_non_finite_numbers_are_refused(note):
    with pytest.raises(UnstorableEvent):
        event(note)


def test_nesting_deeper_than_consumers_parse_is_refused():
    deep: object = "bottom"
    for _ in range(cloudevents.MAX_DEPTH - 1):
        deep = [deep]
    cloudevents.check_storable(event(deep))  # the text at the deepest level allowed
    with pytest.raises(UnstorableEvent):
        cloudevents.check_storable(event([deep]))


def test_an_id_longer_than_the_dedupe_key_is_refused():
    with pytest.raises(UnstorableEvent) as refused:
        cloudevents.check_storable(dataclasses.replace(event("ok"), id="x" * 65))
    assert refused.value.field == "id"


def test_ordinary_text_with_tabs_and_line_breaks_is_stored():
    cloudevents.check_storable(event("Kế hoạch\tnăm 2026\r\ncó minh chứng ✓"))


def test_a_consumer_refuses_what_the_outbox_would_have_refused():
    body = json.loads(event("ok").to_json())
    body["data"]["comment"] = "a\u0000b"
    with pytest.raises(cloudevents.InvalidCloudEvent, match="control"):
        cloudevents.parse(json.dumps(body))
    with pytest.raises(cloudevents.InvalidCloudEvent, match="not JSON"):
        cloudevents.parse(b'{"id": ' + b"9" * 5000 + b"}")


def test_the_refusal_answers_422_naming_the_field():
    from flask import Flask

    from shared.http import render_domain_error

    with Flask(__name__).app_context():
        response = render_domain_error(UnstorableEvent("data.note", "chứa ký tự NUL", "contains a NUL"))
    assert response.status_code == 422
    assert "data.note" in response.get_json()["errors"]


@pytest.mark.parametrize("note", ["C:\\bin\\u0000 is a path, not a NUL", "mã số 12345678901234567890",
                                  "NaN và Infinity"])
def test_text_that_only_looks_unstorable_in_json_is_stored(note):
    ce = event(note)
    assert cloudevents.check_storable(ce) == ce.to_json()
    assert json.loads(ce.to_json())["data"]["comment"] == note


def test_a_value_object_in_an_event_is_sent_as_its_fields():
    @dataclasses.dataclass(frozen=True)
    class Header:
        unit_code: str
        tags: tuple[str, ...]

    class Headed(ReportReturned):
        header: Header | None = None
        more: list = dataclasses.field(default_factory=list)

    headed = Headed(report_id="r1", round_id="2026-annual", unit_code="STP", comment="ok", criterion_comments={},
                    returned_by="reviewer", returned_at="2026-11-01T08:00:00Z",
                    header=Header("STP", ("a", "b")), more=[{"inner": Header("X", ())}])
    assert headed.to_data()["header"] == {"unit_code": "STP", "tags": ("a", "b")}
    data = cloudevents.from_event(headed, source="/cqs/review").data
    assert data["header"] == {"unit_code": "STP", "tags": ["a", "b"]}
    assert data["more"] == [{"inner": {"unit_code": "X", "tags": []}}]
