import importlib

import pytest

from shared.auth import Role
from shared.authorization import EventRefused, openapi_path, policy, require_event_source
from shared.config import SERVICES
from shared.domain.events import Event


def _event_classes(cls=Event):
    for sub in cls.__subclasses__():
        yield sub
        yield from _event_classes(sub)


def test_the_role_table_names_every_role_and_only_known_operations():
    table = policy()
    assert set(table.operations_of_role) == set(Role)
    assert table.operations_of_role[Role.AUDITOR] <= {op for op in set().union(*table.operations_of_role.values())
                                                      if not op.endswith((".edit", ".submit", ".manage", ".decide",
                                                                          ".configure", ".rescore", ".publish"))}


def test_every_event_the_code_emits_or_consumes_has_one_publisher():
    importlib.import_module("shared.domain.round_events")
    emitted = {cls.routing_key for cls in _event_classes() if cls.routing_key}
    consumed = {key for service in SERVICES
                for subscription in importlib.import_module(f"services.{service}.entrypoints.consumers").subscriptions()
                for key in subscription.routing_keys}
    assert emitted | consumed <= set(policy().event_publishers)
    assert set(policy().event_publishers.values()) <= set(SERVICES)


@pytest.mark.parametrize("routing_key, source", [
    ("report.verified", "/cqs/submission"),  # only review verifies
    ("report.scored", "/partner/evil"),
    ("round.published", "/cqs/review"),
    ("report.made_up", "/cqs/review"),
])
def test_an_event_from_a_service_that_does_not_own_it_is_refused(routing_key, source):
    with pytest.raises(EventRefused):
        require_event_source(routing_key, source)


def test_an_event_from_its_owner_is_accepted():
    require_event_source("report.verified", "/cqs/review")
    require_event_source("round.opened", "/cqs/submission")


def test_flask_rules_become_openapi_paths():
    assert openapi_path("/cases/<report_id>/audit") == "/cases/{report_id}/audit"
    assert openapi_path("/files/<path:name>/<int:n>") == "/files/{name}/{n}"
