"""Every service's OpenAPI document against the service itself: schemathesis generates requests
from the document (a few per operation, valid ones and invalid ones), sends them in-process (WSGI) to the app on the real
PostgreSQL as an admin and as a unit's reporter, and checks that no answer is a 5xx and that
every answer matches what the document says (status, content type, body schema)."""
from __future__ import annotations

import importlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from services.submission import demo
from shared.auth import Role, issue_token
from tests.support.keys import TEST_JWKS_URL, TEST_KEY

pytestmark = pytest.mark.integration

EXAMPLES_PER_OPERATION = 6  # valid and invalid requests, drawn from the document
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
CALLERS = {"admin": (Role.ADMIN, "HT"), "reporter": (Role.UNIT_REPORTER, "STC")}


@pytest.fixture(scope="module", params=["submission", "review", "scoring", "publication"])
def service_app(request, postgres_server_url, tmp_path_factory):
    """One app per service on a database of its own, the submission service with the demo data."""
    from shared.config import ServiceSettings
    from tests.support import infrastructure

    name = request.param
    bootstrap = importlib.import_module(f"services.{name}.bootstrap")
    with infrastructure.fresh_database(postgres_server_url) as url:
        runtime = bootstrap.runtime(ServiceSettings(service=name, database_url=url, broker_url="memory://",
                                                    jwks_url=TEST_JWKS_URL, data_dir=tmp_path_factory.mktemp(name)))
        runtime.migrate()
        if name == "submission":
            demo.seed(runtime)
        yield name, bootstrap.create_app(runtime)
        runtime.engine.dispose()


@pytest.mark.parametrize("caller", CALLERS)
def test_every_operation_answers_as_its_document_says(service_app, caller):
    name, app = service_app
    role, unit = CALLERS[caller]
    headers = {"Authorization": f"Bearer {issue_token(TEST_KEY, f'{caller}@{name}', role, unit)}"}
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    failures, operations, statuses = [], [], {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations.append(operation.label)

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
        def answers_as_documented(case):
            response = case.call(headers=headers)
            statuses.setdefault(case.operation.label, set()).add(response.status_code)
            case.validate_response(response, checks=CHECKS)

        try:
            answers_as_documented()
        except Exception as failure:  # every operation is tried; all failures are reported together
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
    assert set(statuses) == set(operations), "every operation was called"
    if caller == "admin":  # a unit's reporter may do nothing in the review service, say
        assert any(200 <= status < 300 for seen in statuses.values() for status in seen), statuses
