"""The migration step every service shares: its `security_log` table, append-only down to the
database (PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE; the application's role is
granted INSERT and SELECT only, see `shared/db_roles.py`)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.audit_chain import TABLE_NAME


def create_security_log() -> None:
    op.create_table(
        TABLE_NAME,
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("actor_unit", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=128), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION security_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'security_log is append-only: % refused', TG_OP;
            END $$""")
        op.execute("""CREATE TRIGGER security_log_append_only BEFORE UPDATE OR DELETE ON security_log
                      FOR EACH ROW EXECUTE FUNCTION security_log_is_append_only()""")
        op.execute("""CREATE TRIGGER security_log_no_truncate BEFORE TRUNCATE ON security_log
                      FOR EACH STATEMENT EXECUTE FUNCTION security_log_is_append_only()""")
    else:
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER security_log_no_{operation.lower()} BEFORE {operation} ON security_log
                BEGIN SELECT RAISE(ABORT, 'security_log is append-only: {operation} refused'); END""")


def drop_security_log() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER security_log_no_truncate ON security_log")
        op.execute("DROP TRIGGER security_log_append_only ON security_log")
        op.execute("DROP FUNCTION security_log_is_append_only()")
    op.drop_table(TABLE_NAME)
