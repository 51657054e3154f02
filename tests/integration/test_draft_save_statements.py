"""A draft save's work in the database, pinned on the real PostgreSQL: one transaction on one pooled
connection, the report read once and, when its answers changed, written once by a versioned UPDATE;
nothing else. The draft-saves benchmark (benchmarks/draft_saves.py) spends most of a save's time on
its round trips to PostgreSQL, so a change that adds one (a second load, a lookup, a log row) fails here."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from services.rounds.adapters.seed_files import HATINH_UNIT_FILES, REVIEW_MODELS_FILE
from services.rounds.domain.calendar import VIETNAM_TZ
from services.rounds.service_layer import registry
from services.submission import bootstrap as submission
from shared.auth import Role
from shared.criteria import load_catalog
from tests.support import http_flow
from tests.support.answers import unit_answers
from tests.support.keys import TEST_KEY

pytestmark = pytest.mark.integration
ADMIN = http_flow.auth(TEST_KEY, Role.ADMIN, "HT", "admin@ht")


class DatabaseWork:
    """The statements (their first word) a block sends, and the pool checkouts and commits it makes."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []
        self.checkouts = self.commits = 0

    def _statement(self, _conn, _cursor, statement, *_args):
        self.statements.append(statement.split(None, 1)[0].upper())

    def _checkout(self, *_args):
        self.checkouts += 1

    def _commit(self, _conn):
        self.commits += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine.pool, "checkout", self._checkout)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine.pool, "checkout", self._checkout)
        event.remove(self.engine, "commit", self._commit)


@pytest.fixture
def service(settings_for):
    runtime = submission.runtime(settings_for("submission"))
    runtime.migrate()
    runtime.clock = lambda: dt.datetime(2025, 11, 15, 8, tzinfo=VIETNAM_TZ)
    registry.load_units(runtime.uow_factory(), HATINH_UNIT_FILES)
    registry.load_review_models_file(runtime.uow_factory(), REVIEW_MODELS_FILE)
    yield runtime, submission.create_app(runtime).test_client()
    runtime.engine.dispose()


def test_a_draft_save_reads_the_report_once_and_writes_it_once(service):
    runtime, client = service
    assert client.post("/rounds", json={"kind": "annual_evaluation", "year": 2026}, headers=ADMIN).status_code == 201
    assert client.post("/rounds/2026-annual/open", headers=ADMIN).status_code == 200
    report = client.get("/reports", query_string={"round_id": "2026-annual"}, headers=ADMIN).json[0]
    answers = unit_answers(load_catalog(report["catalog_version"]).unit_type(report["unit_type"]))
    reporter = http_flow.auth(TEST_KEY, Role.UNIT_REPORTER, report["unit_code"], "can.bo")

    def save(body: dict):
        response = client.patch(f"/reports/{report['id']}", json=body, headers=reporter)
        assert response.status_code == 200, response.json
        return response.json

    save({"answers": answers})  # the first request of a process also loads the catalog and the key set

    flag = next(name for name, value in answers.items() if value is True)
    with DatabaseWork(runtime.engine) as work:
        saved = save({"answers": {flag: False}, "expected_version": report["version"] + 1})
    assert saved["version"] == report["version"] + 2 and saved["answers"][flag] is False
    assert (work.statements, work.checkouts, work.commits) == (["SELECT", "UPDATE"], 1, 1)

    with DatabaseWork(runtime.engine) as work:
        unchanged = save({"answers": {flag: False}})
    assert unchanged["version"] == saved["version"]  # nothing changed, nothing written
    assert (work.statements, work.checkouts, work.commits) == (["SELECT"], 1, 1)
