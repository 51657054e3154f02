"""Each service's SQLAlchemy tables and its Alembic migrations describe the same schema: a column
added to `orm.py` without a migration (or a migration without its column) fails here, on SQLite and
on PostgreSQL, before it fails in production."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared import db
from shared.config import SERVICES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url_of(request, tmp_path):
    """The URL of an empty database of the given kind."""
    if request.param == "sqlite":
        return lambda service: f"sqlite:///{tmp_path / service}.sqlite"
    url = request.getfixturevalue("database_url")
    return lambda service: url


# SQLite cannot reflect an expression-based index; PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
@pytest.mark.parametrize("service", [*SERVICES, "portal"])
def test_the_migrations_at_head_build_the_tables_the_orm_maps(service, database_url_of):
    metadata = import_module(f"services.{service}.adapters.orm").metadata
    engine = db.make_engine(database_url_of(service), service)
    try:
        db.upgrade(engine, ROOT / "services" / service / "adapters" / "migrations", service)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == [], f"{service}: orm.py and the migrations differ: {differences}"
