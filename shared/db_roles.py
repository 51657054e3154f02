"""Least-privilege PostgreSQL roles: an owner role runs a service's migrations; the
application's role reads and writes the service's tables, but may only INSERT and SELECT
its append-only logs (it cannot update, delete, truncate, or, not being their owner,
disable their triggers).

`cqs migrate SERVICE --grant-to ROLE` (run with the owner's URL) migrates and then grants;
`deploy/postgres/init-roles.sh` creates the two roles per service."""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# The tables the application appends to and never changes.
APPEND_ONLY = ("security_log", "audit_log")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _quoted(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain PostgreSQL identifier: {name!r}")
    return f'"{name}"'


def grant_application_role(engine: Engine, schema: str, role: str) -> None:
    """Give `role` what the service needs in `schema`, and no more, after every migration."""
    schema_q, role_q = _quoted(schema), _quoted(role)
    with engine.begin() as connection:
        if connection.dialect.name != "postgresql":
            return  # SQLite (embedded mode) has no roles; its triggers still refuse UPDATE and DELETE
        connection.execute(sa.text(f"GRANT USAGE ON SCHEMA {schema_q} TO {role_q}"))
        connection.execute(sa.text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_q} "
                                   f"TO {role_q}"))
        connection.execute(sa.text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_q} TO {role_q}"))
        connection.execute(sa.text(f"REVOKE ALL ON {schema_q}.alembic_version FROM {role_q}"))
        connection.execute(sa.text(f"GRANT SELECT ON {schema_q}.alembic_version TO {role_q}"))
        existing = set(connection.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = :schema"), {"schema": schema}).scalars())
        for table in APPEND_ONLY:
            if table in existing:
                connection.execute(sa.text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema_q}.{_quoted(table)} "
                                           f"FROM {role_q}"))
