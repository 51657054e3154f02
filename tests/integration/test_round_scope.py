"""A round's scope in its own table: a submission reads its one unit of the scope, never the
round's whole scope, and the migration moves the scopes of existing rounds over (PostgreSQL
and SQLite alike, both ways)."""
from __future__ import annotations

import contextlib
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from services.rounds.adapters.orm import round_units
from services.rounds.adapters.seed_files import HATINH_UNIT_FILES, REVIEW_MODELS_FILE
from services.rounds.domain.calendar import VIETNAM_TZ
from services.rounds.domain.units import UnitType
from services.rounds.service_layer import registry, rounds
from services.submission import bootstrap as submission
from shared import db
from shared.auth import Role, issue_token
from shared.criteria import load_catalog
from tests.support.answers import evidence_criteria, unit_answers
from tests.support.documents import MINIMAL_PDF
from tests.support.keys import TEST_KEY

pytestmark = pytest.mark.integration
PDF = MINIMAL_PDF
BEFORE_SCOPE_TABLE = "728ca7cd4b5c"


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VIETNAM_TZ)


def auth(role: Role, unit: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(TEST_KEY, 'tester', role, unit)}"}


@contextlib.contextmanager
def statements_on(engine: sa.Engine):
    """Every SQL statement the engine runs inside the block, with its parameters."""
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_a_submission_looks_up_its_own_unit_of_the_scope_only(settings_for):
    runtime = submission.runtime(settings_for("submission"))
    runtime.migrate()
    runtime.clock = lambda: vn(2021, 11, 20, 8)
    registry.load_units(runtime.uow_factory(), HATINH_UNIT_FILES)
    registry.load_review_models_file(runtime.uow_factory(), REVIEW_MODELS_FILE)
    client = submission.create_app(runtime).test_client()
    admin = auth(Role.ADMIN, "HT")
    assert client.post("/rounds", json={"kind": "annual_evaluation", "year": 2022}, headers=admin).status_code == 201
    opened = client.post("/rounds/2022-annual/open", headers=admin)
    assert opened.status_code == 200 and opened.json["unit_count"] > 200
    with runtime.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(round_units)).scalar_one() == opened.json[
            "unit_count"]

    reporter = auth(Role.UNIT_REPORTER, "STC")
    [report] = client.get("/reports?round_id=2022-annual", headers=reporter).json
    unit_catalog = load_catalog(report["catalog_version"]).unit_type(report["unit_type"])
    assert client.patch(f"/reports/{report['id']}", json={"answers": unit_answers(unit_catalog)},
                        headers=reporter).status_code == 200
    for criterion in evidence_criteria(unit_catalog):
        assert client.post(f"/reports/{report['id']}/evidence", headers=reporter, content_type="multipart/form-data",
                           data={"criterion": criterion, "file": (io.BytesIO(PDF), "minh-chung.pdf")}).status_code == 201

    with statements_on(runtime.engine) as seen:
        submitted = client.post(f"/reports/{report['id']}/submit", headers=reporter)
    assert submitted.status_code == 200, submitted.json
    scope_reads = [(sql, params) for sql, params in seen if "round_units" in sql]
    assert len(scope_reads) == 1
    [(sql, params)] = scope_reads
    assert "round_units.unit_code =" in sql and "STC" in params.values()
    runtime.engine.dispose()


def _alembic(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(submission.MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _migrate(engine: sa.Engine, how, revision: str) -> None:
    with engine.begin() as connection:
        how(_alembic(connection), revision)


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'submission.db'}", "submission")
    else:
        engine = db.make_engine(request.getfixturevalue("database_url"), "submission")
        with engine.begin() as connection:
            connection.execute(sa.text('CREATE SCHEMA "submission"'))
    yield engine
    engine.dispose()


def test_the_migration_moves_each_rounds_scope_into_its_table_and_back(engine):
    _migrate(engine, command.upgrade, BEFORE_SCOPE_TABLE)
    documents = ("catalog_versions", "windows", "units_in_scope", "window_overrides", "extensions", "reminders_sent")
    legacy = sa.table("rounds", *(sa.column(name) for name in ("id", "kind", "year", "period_month", "status",
                                                                "version")),
                      *(sa.column(name, sa.JSON) for name in documents))
    scope = {"STC": "province_department", "18073-2025": "commune"}
    with engine.begin() as connection:
        connection.execute(sa.insert(legacy).values(
            id="2027-annual", kind="annual_evaluation", year=2027, period_month=None, status="open", version=3,
            catalog_versions={"commune": "hatinh-2021-ref-1"}, windows={}, units_in_scope=scope,
            window_overrides=[], extensions=[], reminders_sent=[]))

    _migrate(engine, command.upgrade, "head")
    with engine.connect() as connection:
        rows = connection.execute(sa.select(round_units.c.round_id, round_units.c.unit_code, round_units.c.unit_type)
                                  .order_by(round_units.c.unit_code)).all()
        count = connection.execute(sa.text("SELECT unit_count FROM rounds WHERE id = '2027-annual'")).scalar_one()
    assert [tuple(row) for row in rows] == [("2027-annual", code, scope[code]) for code in sorted(scope)]
    assert count == 2

    _migrate(engine, command.downgrade, BEFORE_SCOPE_TABLE)
    with engine.connect() as connection:
        stored = connection.execute(sa.select(sa.column("units_in_scope", sa.JSON)).select_from(sa.table("rounds"))
                                    ).scalar_one()
        assert not sa.inspect(connection).has_table("round_units")
    assert stored == scope


def test_a_stored_round_looks_its_scope_up_lazily(settings_for):
    runtime = submission.runtime(settings_for("submission"))
    runtime.migrate()
    registry.load_units(runtime.uow_factory(), HATINH_UNIT_FILES)
    registry.load_review_models_file(runtime.uow_factory(), REVIEW_MODELS_FILE)
    rounds.create_round(runtime.uow_factory(), "annual_evaluation", 2022)
    opened = rounds.open_round(runtime.uow_factory(), "2022-annual", vn(2021, 11, 10, 8))
    with runtime.uow_factory() as uow:
        stored = uow.rounds.get("2022-annual")
        assert len(stored.units_in_scope) == len(opened.units_in_scope)
        assert stored.units_in_scope["STC"] is UnitType.PROVINCE_DEPARTMENT
        assert "NOT-A-UNIT" not in stored.units_in_scope
        assert dict(stored.units_in_scope.items()) == dict(opened.units_in_scope)
    runtime.engine.dispose()
