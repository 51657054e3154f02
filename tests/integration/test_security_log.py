"""The security log on the real PostgreSQL, with least-privilege roles created for this test
(cluster-level names unique to the run, dropped afterwards): the owner migrates, the
application's role may only INSERT and SELECT the append-only logs, and whoever edits,
deletes or inserts rows anyway (here the owner, who can disable the triggers) is caught by
`cqs audit verify`."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from cqs import cli
from services.review import bootstrap as review
from shared.auth import Role, issue_token
from tests.support import infrastructure
from tests.support.keys import TEST_JWKS_URL, TEST_KEY

pytestmark = pytest.mark.integration


@pytest.fixture
def roles(postgres_server_url):
    suffix = uuid.uuid4().hex[:10]
    owner, app = f"cqs_test_owner_{suffix}", f"cqs_test_app_{suffix}"
    admin = sa.create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{owner}" LOGIN'))
        conn.execute(sa.text(f'CREATE ROLE "{app}" LOGIN'))
    try:
        with infrastructure.fresh_database(postgres_server_url) as url:
            database = sa.engine.make_url(url).database
            with admin.connect() as conn:
                conn.execute(sa.text(f'GRANT CREATE ON DATABASE "{database}" TO "{owner}"'))
            as_role = {role: sa.engine.make_url(url).set(username=role, password=None).render_as_string(False)
                       for role in (owner, app)}
            yield as_role[owner], as_role[app], app
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{app}"'))
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{owner}"'))
        admin.dispose()


def test_the_application_role_only_appends_and_verify_catches_any_tampering(roles, settings_for, monkeypatch,
                                                                              capsys):
    owner_url, app_url, app_role = roles
    monkeypatch.setenv("CQS_REVIEW_DATABASE_URL", owner_url)
    monkeypatch.setenv("CQS_JWKS_URL", TEST_JWKS_URL)
    cli.main(["migrate", "review", "--grant-to", app_role])  # as the owner, as deploy/ does
    owner_runtime = review.runtime(settings_for("review", database_url=owner_url))

    # The service runs as the application role: its refusals and writes go into the chain.
    app_runtime = review.runtime(settings_for("review", database_url=app_url))
    client = review.create_app(app_runtime).test_client()
    reporter = {"Authorization": f"Bearer {issue_token(TEST_KEY, 'acct-42', Role.UNIT_REPORTER, 'STC')}"}
    for _ in range(3):
        assert client.get("/queue", headers=reporter).status_code == 403
    assert client.get("/queue", headers={"Authorization": "Bearer forged"}).status_code == 401
    admin = {"Authorization": f"Bearer {issue_token(TEST_KEY, 'acct-1', Role.ADMIN, 'HT')}"}
    assert client.put("/settings/SKHCN", json={"four_eyes": True}, headers=admin).status_code == 200
    log = app_runtime.security_log
    with app_runtime.engine.connect() as conn:
        rows = conn.execute(sa.select(log).order_by(log.c.seq)).mappings().all()
    kinds = [row["kind"] for row in rows]
    assert kinds.count("access.denied") == 3 and "auth.token_refused" in kinds
    assert any(kind.startswith("review.") for kind in kinds)  # the settings change, chained with its change
    assert kinds[-1] == "action" and rows[-1]["actor"] == "acct-1" and rows[-1]["operation"].startswith("PUT ")
    denied = next(row for row in rows if row["kind"] == "access.denied")
    assert (denied["actor"], denied["actor_role"], denied["outcome"]) == ("acct-42", "unit_reporter", "403")

    # The application's role may not change the logs, nor switch their triggers off.
    for table in ("security_log", "audit_log"):
        for statement in (f"UPDATE {table} SET actor = 'x'", f"DELETE FROM {table}", f"TRUNCATE {table}",
                          f"ALTER TABLE {table} DISABLE TRIGGER ALL"):
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied|must be owner"):
                with app_runtime.engine.begin() as conn:
                    conn.execute(sa.text(statement))

    cli.main(["audit", "verify", "review"])
    assert "security log intact" in capsys.readouterr().out

    def tamper(*statements):
        with owner_runtime.engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE security_log DISABLE TRIGGER USER"))
            for statement in statements:
                conn.execute(sa.text(statement))
            conn.execute(sa.text("ALTER TABLE security_log ENABLE TRIGGER USER"))

    def verify_fails() -> str:
        with pytest.raises(SystemExit) as exited:
            cli.main(["audit", "verify", "review"])
        assert "tampered" in str(exited.value)
        return capsys.readouterr().out

    tamper("UPDATE security_log SET actor = 'someone-else' WHERE seq = 2")  # an entry's actor rewritten
    assert "seq 2: content does not match its hash" in verify_fails()
    tamper("UPDATE security_log SET actor = 'acct-42' WHERE seq = 2", "DELETE FROM security_log WHERE seq = 3")
    assert "seq 4: rows 3..3 are missing" in verify_fails()
    tamper("INSERT INTO security_log SELECT 3, '2026-01-01T00:00:00+00:00', 'action', 'ghost', 'admin', 'HT', "
           "'POST /x', '/x', '200', '{}', prev_hash, row_hash FROM security_log WHERE seq = 2")  # back-dated
    assert "seq 3" in verify_fails()
    for runtime in (owner_runtime, app_runtime):
        runtime.engine.dispose()
