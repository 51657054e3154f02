"""A consumer reads each CloudEvent back into the event its publisher wrote, and refuses, naming the
field, data that is not that event."""
from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared import cloudevents
from shared.cloudevents import LARGEST_INTEGER
from shared.domain.event_types import EVENT_TYPES
from shared.domain.report_events import ReportReturned, ReportVerified
from shared.domain.report_header import ReportHeader

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8)
JSON = st.recursive(st.none() | st.booleans() | st.integers(-LARGEST_INTEGER, LARGEST_INTEGER) | TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                    max_leaves=6)
SCALARS = {str: TEXT, int: st.integers(-LARGEST_INTEGER, LARGEST_INTEGER), bool: st.booleans()}


def values_of(hint: Any) -> st.SearchStrategy:
    """Any value of the type a payload field declares, as JSON can carry it."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return JSON
    if origin in (typing.Union, types.UnionType):
        return st.one_of([st.none() if arg is type(None) else values_of(arg) for arg in args])
    if origin is dict:
        return st.dictionaries(TEXT, values_of(args[1]), max_size=3)
    if origin is list:
        return st.lists(values_of(args[0]), max_size=3)
    if origin is tuple:
        return st.lists(values_of(args[0]), max_size=3).map(tuple)
    return SCALARS[hint]


def events_of(cls) -> st.SearchStrategy:
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{field.name: values_of(hints[field.name]) for field in dataclasses.fields(cls)})


ANY_EVENT = st.sampled_from(sorted(EVENT_TYPES.values(), key=lambda cls: cls.routing_key)).flatmap(events_of)


@settings(max_examples=100, deadline=None)
@given(ANY_EVENT)
def test_every_event_reads_back_from_its_cloudevent_as_it_was_written(event):
    sent = cloudevents.from_event(event, source="/cqs/test")
    assert cloudevents.to_event(cloudevents.parse(sent.to_json())) == event


def test_the_registry_knows_each_event_by_its_cloudevent_type():
    assert all(type_ == cls.cloudevent_type() for type_, cls in EVENT_TYPES.items())
    assert EVENT_TYPES["vn.gov.cqs.report.verified"] is ReportVerified


def returned(**changes) -> cloudevents.CloudEvent:
    event = cloudevents.from_event(ReportReturned(
        report_id="r-1", round_id="2026-annual", unit_code="18118", comment="Thiếu minh chứng",
        criterion_comments={"1.1": "Bổ sung quyết định"}, returned_by="reviewer",
        returned_at="2026-11-05T08:00:00+07:00"), source="/cqs/review")
    return dataclasses.replace(event, **changes)


def verified_event() -> cloudevents.CloudEvent:
    return cloudevents.from_event(ReportVerified(
        report_id="r-1", round_id="2026-annual", unit_code="18118", unit_name_vi="Xã Thạch Hạ", unit_type="commune",
        reviewer_unit_code="436", reviewer_kind="district", catalog_version="hatinh-2021-ref-1", revision=1,
        answers={}, self_assessed_answers={}, adjustments=[], points_overrides={}, verified_by="reviewer",
        verified_at="2026-11-05T08:00:00+07:00"), source="/cqs/review")


def test_the_report_header_travels_as_flat_fields_and_reads_back_as_one_value():
    header = ReportHeader(round_id="2026-annual", unit_code="18118", unit_name_vi="Xã Thạch Hạ",
                          unit_type="commune", reviewer_unit_code="436", reviewer_kind="district")
    sent = verified_event()
    assert dataclasses.asdict(header).items() <= sent.data.items()
    assert "header" not in sent.data
    assert cloudevents.to_event(sent).header == header


def test_a_missing_field_is_refused_by_name():
    data = returned().data
    del data["comment"]
    with pytest.raises(cloudevents.InvalidCloudEvent, match="report.returned: field 'comment' is missing"):
        cloudevents.to_event(returned(data=data))


@pytest.mark.parametrize("field, value, problem", [
    ("comment", 7, "field 'comment' is not of type str"),
    ("criterion_comments", ["1.1"], "field 'criterion_comments' is not an object"),
    ("criterion_comments", {"1.1": None}, r"field 'criterion_comments\.1\.1' is not of type str"),
])
def test_a_field_of_the_wrong_type_is_refused_by_its_path(field, value, problem):
    with pytest.raises(cloudevents.InvalidCloudEvent, match=problem):
        cloudevents.to_event(returned(data={**returned().data, field: value}))


def test_json_true_is_not_a_number():
    verified = verified_event()
    with pytest.raises(cloudevents.InvalidCloudEvent, match="field 'revision' is not of type int"):
        cloudevents.to_event(dataclasses.replace(verified, data={**verified.data, "revision": True}))


def test_an_event_type_nobody_publishes_is_refused():
    with pytest.raises(cloudevents.InvalidCloudEvent, match="vn.gov.cqs.report.made_up"):
        cloudevents.to_event(returned(type="vn.gov.cqs.report.made_up"))


def test_fields_a_newer_publisher_adds_are_ignored_and_defaults_fill_those_it_left_out():
    verified = verified_event()
    older = {name: value for name, value in verified.data.items() if name not in ("no_data", "input_sources")}
    read = cloudevents.to_event(dataclasses.replace(verified, data={**older, "added_later": 1}))
    assert (read.no_data, read.input_sources) == ({}, {})
