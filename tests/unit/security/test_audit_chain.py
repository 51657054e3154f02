"""The hash chain on its own (SQLite, no triggers: the attacker here owns the database)."""
import datetime as dt

import pytest
import sqlalchemy as sa

from shared import audit_chain
from shared.audit_chain import Entry
from tests.support.keys import TEST_JWKS_URL

AT = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def log(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'log.sqlite'}")
    metadata = sa.MetaData()
    table = audit_chain.add_audit_table(metadata)
    metadata.create_all(engine)
    audit_chain.append(engine, table, [Entry(kind="review.decision_recorded", actor=f"acct-{n}", actor_unit="SKHCN",
                                             operation="case.decide", target=f"reports/r{n}", at=AT,
                                             detail={"criterion": "1.1", "n": n}) for n in range(1, 6)])
    yield engine, table
    engine.dispose()


def findings(engine, table, anchors=(), key=None):
    with engine.connect() as connection:
        return audit_chain.verify(connection, table, anchors, key)


def test_an_untouched_log_verifies(log):
    engine, table = log
    assert findings(engine, table) == []
    with engine.connect() as connection:
        rows = connection.execute(sa.select(table).order_by(table.c.seq)).mappings().all()
    assert [row["seq"] for row in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["prev_hash"] == audit_chain.GENESIS and rows[1]["prev_hash"] == rows[0]["row_hash"]


def test_an_edited_row_is_found(log):
    engine, table = log
    with engine.begin() as connection:
        connection.execute(table.update().where(table.c.seq == 3).values(actor="someone-else"))
    assert [(f.seq, "edited" in f.problem) for f in findings(engine, table)] == [(3, True)]


def test_a_deleted_row_is_found(log):
    engine, table = log
    with engine.begin() as connection:
        connection.execute(table.delete().where(table.c.seq == 2))
    problems = findings(engine, table)
    assert problems and problems[0].seq == 3 and "missing" in problems[0].problem


def test_a_back_dated_row_inserted_in_the_middle_is_found(log):
    engine, table = log
    with engine.begin() as connection:
        # Make room after seq 2 and slip a row in with a hash of its own.
        for seq in (5, 4, 3):
            connection.execute(table.update().where(table.c.seq == seq).values(seq=seq + 1))
        prev = connection.execute(sa.select(table.c.row_hash).where(table.c.seq == 2)).scalar_one()
        row = {"seq": 3, "at": (AT - dt.timedelta(days=30)).isoformat(), "kind": "review.approved", "actor": "ghost",
               "actor_role": "", "actor_unit": "SKHCN", "operation": "case.decide", "target": "reports/r9",
               "outcome": "ok", "detail": "{}", "prev_hash": prev}
        row["row_hash"] = audit_chain.row_hash(row, None)
        connection.execute(table.insert().values(**row))
    problems = findings(engine, table)
    # The row after the slipped-in one no longer follows it, and every renumbered row fails its hash.
    assert (4, "does not follow") in [(f.seq, f.problem[:15]) for f in problems]
    assert {f.seq for f in problems if "edited" in f.problem} == {4, 5, 6}


def test_reordered_rows_are_found(log):
    engine, table = log
    with engine.begin() as connection:
        connection.execute(table.update().where(table.c.seq == 2).values(seq=-2))
        connection.execute(table.update().where(table.c.seq == 3).values(seq=2))
        connection.execute(table.update().where(table.c.seq == -2).values(seq=3))
    assert {f.seq for f in findings(engine, table)} >= {2, 3}


def test_a_rewritten_chain_or_a_cut_tail_is_found_by_the_exported_anchors(log, tmp_path):
    engine, table = log
    exported = audit_chain.export_anchor(engine, table, "review", tmp_path / "anchors")
    anchors = audit_chain.read_anchors(tmp_path / "anchors" / "review.anchors.jsonl")
    assert anchors == [exported] and exported["seq"] == 5
    # Whoever holds the database rebuilds a consistent chain without row 5: hashes alone pass...
    with engine.begin() as connection:
        connection.execute(table.delete().where(table.c.seq == 5))
    assert findings(engine, table) == []
    # ...the anchor exported outside the database does not.
    assert [f.seq for f in findings(engine, table, anchors)] == [5]


def test_with_a_key_a_forged_row_appended_at_the_end_is_found(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'keyed.sqlite'}")
    metadata = sa.MetaData()
    table = audit_chain.add_audit_table(metadata)
    metadata.create_all(engine)
    audit_chain.append(engine, table, [Entry(kind="action", actor="acct-1")], key=b"server-side-key")
    audit_chain.append(engine, table, [Entry(kind="action", actor="forger")], key=b"guessed-key")
    assert [f.seq for f in findings(engine, table, key=b"server-side-key")] == [2]


def test_the_worker_exports_anchors_periodically_when_a_directory_is_set(tmp_path, monkeypatch):
    from services.review import bootstrap
    from shared.config import ServiceSettings

    runtime = bootstrap.runtime(ServiceSettings(service="review", database_url=f"sqlite:///{tmp_path / 'r.sqlite'}",
                                                broker_url="memory://", jwks_url=TEST_JWKS_URL, data_dir=tmp_path))
    runtime.migrate()
    assert runtime._anchor_jobs() == []  # not configured: nothing exported
    monkeypatch.setenv("CQS_AUDIT_ANCHOR_DIR", str(tmp_path / "anchors"))
    monkeypatch.setenv("CQS_AUDIT_ANCHOR_INTERVAL_S", "60")
    [job] = runtime._anchor_jobs()
    assert job.interval_s == 60
    audit_chain.append(runtime.engine, runtime.security_log, [Entry(kind="action", actor="acct-1")])
    job.run(AT)
    job.run(AT)  # the same head is anchored once
    assert [a["seq"] for a in audit_chain.read_anchors(tmp_path / "anchors" / "review.anchors.jsonl")] == [1]
    runtime.engine.dispose()
