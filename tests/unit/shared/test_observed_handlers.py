"""A handler's batch `load`, as the worker runs it: timed once a batch, and when it fails every event
of the batch counts as a failed attempt (no `handle` ran to count them)."""
from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from shared.messaging.consumer import Subscription
from shared.observability.handlers import observed


def _sample(name: str, handler: str) -> float:
    return REGISTRY.get_sample_value(name, {"service": "test-observed", "handler": handler}) or 0.0


def _subscription(handler: str, load) -> Subscription:
    return observed(Subscription(handler, ("report.scored",), handle=lambda uow, event: None, load=load),
                    "test-observed")


def test_a_batch_load_is_timed_once_for_the_batch():
    loaded: list[list[str]] = []
    subscription = _subscription("loads", lambda uow, events: loaded.append(events))
    subscription.load(None, ["a", "b", "c"])
    assert loaded == [["a", "b", "c"]]
    assert _sample("cqs_event_batch_load_duration_seconds_count", "loads") == 1


def test_a_failing_batch_load_counts_a_failed_attempt_for_each_of_its_events():
    def load(uow, events):
        raise RuntimeError("the database went away")

    subscription = _subscription("fails-to-load", load)
    with pytest.raises(RuntimeError):
        subscription.load(None, ["a", "b"])
    assert _sample("cqs_events_failed_total", "fails-to-load") == 2
    assert _sample("cqs_event_batch_load_duration_seconds_count", "fails-to-load") == 0


def test_a_handler_without_a_load_keeps_none():
    assert _subscription("no-load", None).load is None
