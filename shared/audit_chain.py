"""The tamper-evident security log every service keeps: append-only rows, hash-chained.

Each row's hash covers its content and the previous row's hash (HMAC-SHA256 under
`CQS_AUDIT_KEY` when set, so that someone with database access but not the key cannot
forge a consistent chain; plain SHA-256 otherwise). Editing a row breaks its hash;
deleting, inserting or reordering rows breaks the sequence or the links; rewriting the
whole chain is caught by the anchors (the head's sequence number and hash, exported
outside the database now and then). `cqs audit verify <service>` reports every finding.

What goes in: review decisions (with their change), publications, admin actions and every
other successful write, permission denials, refused tokens; the portal adds sign-ins,
failures and lock-outs through `append`. The application's database role may only INSERT
and SELECT here (`shared/db_roles.py`); PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from shared.columns import ACTOR, BIGINT_KEY, SHA256_HEX, UNIT_CODE, primary_key, required

TABLE_NAME = "security_log"
GENESIS = "0" * 64
CONTENT_FIELDS = ("seq", "at", "kind", "actor", "actor_role", "actor_unit", "operation", "target", "outcome",
                  "detail", "prev_hash")
APPEND_ATTEMPTS = 5
# What a row says an entry acted on, cut to these widths rather than refused.
OPERATION = sa.String(128)
TARGET = sa.String(255)


def add_audit_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        TABLE_NAME,
        metadata,
        # Not autoincrement: each row takes the head's seq + 1, so two writers cannot both
        # extend the same head (the second fails on the key and tries again).
        primary_key("seq", BIGINT_KEY, autoincrement=False),
        required("at", sa.String(40)),
        required("kind", sa.String(64)),
        required("actor", ACTOR),
        required("actor_role", sa.String(32)),
        required("actor_unit", UNIT_CODE),
        required("operation", OPERATION),
        required("target", TARGET),
        required("outcome", sa.String(32)),
        required("detail", sa.Text),
        required("prev_hash", SHA256_HEX),
        required("row_hash", SHA256_HEX),
    )


@dataclasses.dataclass(frozen=True)
class Entry:
    """What happened, by whom; `detail` is any JSON-able mapping (kept as canonical JSON)."""

    kind: str
    actor: str = ""
    actor_role: str = ""
    actor_unit: str = ""
    operation: str = ""
    target: str = ""
    outcome: str = "ok"
    detail: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    at: dt.datetime | None = None


def audit_key() -> bytes | None:
    key = os.environ.get("CQS_AUDIT_KEY")
    return key.encode() if key else None


def row_hash(row: Mapping[str, Any], key: bytes | None) -> str:
    message = json.dumps({field: row[field] for field in CONTENT_FIELDS}, sort_keys=True, ensure_ascii=False,
                         separators=(",", ":")).encode()
    if key:
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


def _head(connection: Connection, table: sa.Table) -> tuple[int, str]:
    row = connection.execute(sa.select(table.c.seq, table.c.row_hash).order_by(table.c.seq.desc()).limit(1)).first()
    return (row.seq, row.row_hash) if row else (0, GENESIS)


def _rows(entries: Iterable[Entry], seq: int, prev: str, key: bytes | None) -> list[dict]:
    rows = []
    for entry in entries:
        seq += 1
        at = (entry.at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat()
        row = {"seq": seq, "at": at, "kind": entry.kind, "actor": entry.actor[:ACTOR.length],
               "actor_role": entry.actor_role, "actor_unit": entry.actor_unit[:UNIT_CODE.length],
               "operation": entry.operation[:OPERATION.length], "target": entry.target[:TARGET.length],
               "outcome": entry.outcome, "prev_hash": prev,
               "detail": json.dumps(dict(entry.detail), sort_keys=True, ensure_ascii=False, default=str)}
        row["row_hash"] = prev = row_hash(row, key)
        rows.append(row)
    return rows


def append_in(connection: Connection, table: sa.Table, entries: list[Entry], key: bytes | None = None) -> None:
    """Append inside the caller's transaction (e.g. with the review decision it records). On
    PostgreSQL a transaction-scoped lock serialises appenders; SQLite serialises writers itself."""
    if not entries:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.security_log'))"))
    seq, prev = _head(connection, table)
    connection.execute(table.insert(), _rows(entries, seq, prev, key if key is not None else audit_key()))


def append(engine: Engine, table: sa.Table, entries: list[Entry], key: bytes | None = None) -> None:
    """Append in a transaction of its own (a denial is recorded although the request failed)."""
    for attempt in range(APPEND_ATTEMPTS):
        try:
            with engine.begin() as connection:
                append_in(connection, table, entries, key)
            return
        except IntegrityError:  # another writer took the same seq first (SQLite): read the new head
            if attempt == APPEND_ATTEMPTS - 1:
                raise


# --- verification and anchors ------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Finding:
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.problem}"


def verify(connection: Connection, table: sa.Table, anchors: Iterable[Mapping[str, Any]] = (),
           key: bytes | None = None) -> list[Finding]:
    """Every edited, deleted, inserted or reordered row, and every anchor the table no longer matches."""
    key = key if key is not None else audit_key()
    findings: list[Finding] = []
    expected_seq, prev = 1, GENESIS
    stored: dict[int, str] = {}
    for row in connection.execute(sa.select(table).order_by(table.c.seq)).mappings():
        if row["seq"] != expected_seq:
            findings.append(Finding(row["seq"], f"rows {expected_seq}..{row['seq'] - 1} are missing (deleted)"))
        if row["prev_hash"] != prev:
            findings.append(Finding(row["seq"], "does not follow the row before it (inserted, deleted or reordered)"))
        if row_hash(row, key) != row["row_hash"]:
            findings.append(Finding(row["seq"], "content does not match its hash (edited or forged)"))
        stored[row["seq"]] = row["row_hash"]
        expected_seq, prev = row["seq"] + 1, row["row_hash"]
    for anchor in anchors:
        seq = int(anchor["seq"])
        if seq not in stored:
            findings.append(Finding(seq, "an exported anchor names this row, which is gone (deleted or truncated)"))
        elif stored[seq] != anchor["row_hash"]:
            findings.append(Finding(seq, "differs from its exported anchor (the chain was rewritten)"))
    return findings


def anchor(connection: Connection, table: sa.Table, service: str) -> dict[str, Any]:
    seq, head = _head(connection, table)
    return {"service": service, "seq": seq, "row_hash": head,
            "exported_at": dt.datetime.now(dt.timezone.utc).isoformat()}


def export_anchor(engine: Engine, table: sa.Table, service: str, directory: Path) -> dict[str, Any]:
    """Append the head to `<directory>/<service>.anchors.jsonl` (keep that directory off the
    database host, e.g. write-once storage); a head already anchored is not written twice."""
    with engine.connect() as connection:
        current = anchor(connection, table, service)
    path = directory / f"{service}.anchors.jsonl"
    directory.mkdir(parents=True, exist_ok=True)
    known = read_anchors(path)
    if current["seq"] and not any(a["seq"] == current["seq"] for a in known):
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(current) + "\n")
    return current


def read_anchors(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
