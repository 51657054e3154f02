"""Engines and migrations: each service in its own PostgreSQL schema, or its own SQLite file.

On PostgreSQL the service's schema is the connection's `search_path`, so tables and
migrations carry no schema name and the same migrations run on SQLite unchanged.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


POOLERS = ("", "pgbouncer")


def make_engine(url: str, schema: str, pooler: str = "") -> Engine:
    """`pooler="pgbouncer"`: the URL names a PgBouncer database in transaction pooling, which sets
    the schema itself (its `connect_query` sets the search_path of the pool's server connections)
    and cannot keep a prepared statement from one transaction to the next, so psycopg prepares none."""
    if pooler not in POOLERS:
        raise ValueError(f"unknown database pooler {pooler!r}; expected one of {POOLERS}")
    if is_sqlite(url):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # WAL lets the web thread read while a consumer thread writes.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if pooler == "pgbouncer":
        return sa.create_engine(url, pool_pre_ping=True, connect_args={"prepare_threshold": None})
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"options": f"-csearch_path={schema}"},
    )


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)


def upgrade(engine: Engine, migrations_dir: Path, schema: str) -> None:
    """Create the service's schema if needed and bring it to the newest migration (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # The web and worker processes of a service may start together: one migrates, the other waits.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:schema))"), {"schema": schema})
            connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
