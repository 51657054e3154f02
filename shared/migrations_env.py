"""The body of every service's Alembic `env.py`: run migrations on the connection that
`shared.db.upgrade` hands over (or, for `alembic revision --autogenerate`, on a URL)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import context


def run(metadata: sa.MetaData) -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:
        engine = sa.create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            _migrate(connection, metadata)
            connection.commit()
        return
    _migrate(connection, metadata)


def _migrate(connection, metadata: sa.MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
