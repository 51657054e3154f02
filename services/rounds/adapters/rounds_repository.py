"""Round aggregates ⇄ rows of `rounds`, with optimistic locking on `version`.

The repository remembers each round it hands out and the row it was read from; the unit of
work calls `write_changes` before committing, which inserts new rounds and updates changed
ones only if nobody else has changed them since they were read.

A round's scope lives in `round_units`, one row per unit. A round read back gets a
`StoredScope`: looking one unit up (what a submission does) reads one row by its key, and
only going through the whole scope (reminders, completeness) reads all of it, once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from services.rounds.adapters.orm import round_units, rounds
from services.rounds.domain.calendar import Window
from services.rounds.domain.rounds import Extension, Round, WindowOverride
from services.rounds.domain.units import UnitType
from shared.domain.round_events import RoundStatus


class RoundRepository:
    def __init__(self, session: Session):
        self.session = session
        self._rounds: dict[str, Round] = {}
        self._stored: dict[str, tuple[int, dict[str, Any]]] = {}  # id → (version, row) as read or written
        self._stored_scopes: dict[str, Mapping[str, UnitType]] = {}  # id → the scope object as read or written

    @property
    def seen(self) -> list[Round]:
        return list(self._rounds.values())

    def add(self, round_: Round) -> None:
        self._rounds[round_.id] = round_

    def get(self, round_id: str) -> Round | None:
        [round_] = self._select(rounds.c.id == round_id) or [None]
        return round_

    def list(self, *statuses: RoundStatus) -> list[Round]:
        """Rounds (in any of `statuses`, if given) newest first: by year, annual first, then by month."""
        return self._select(*([rounds.c.status.in_([s.value for s in statuses])] if statuses else []))

    def _select(self, *where) -> list[Round]:
        query = sa.select(rounds).where(*where).order_by(rounds.c.year.desc(), rounds.c.kind, rounds.c.period_month)
        found = []
        for row in self.session.execute(query).mappings():
            if row["id"] not in self._rounds:
                round_ = _round(row)
                round_.units_in_scope = StoredScope(self.session, row["id"], row["unit_count"])
                self._rounds[row["id"]] = round_
                self._stored[row["id"]] = (row["version"], _row(round_))
                self._stored_scopes[row["id"]] = round_.units_in_scope
            found.append(self._rounds[row["id"]])
        return found

    def write_changes(self) -> None:
        for round_id, round_ in self._rounds.items():
            row = _row(round_)
            if round_id not in self._stored:
                self.session.execute(rounds.insert().values({**row, "version": 1}))
                self._stored[round_id] = (1, row)
                self._write_scope(round_)
                continue
            version, stored = self._stored[round_id]
            if row == stored:
                continue
            result = self.session.execute(
                rounds.update().where(rounds.c.id == round_id, rounds.c.version == version)
                .values({**row, "version": version + 1}))
            if result.rowcount != 1:
                raise StaleDataError(f"round {round_id!r} was changed by someone else since version {version}")
            self._stored[round_id] = (version + 1, row)
            self._write_scope(round_)

    def _write_scope(self, round_: Round) -> None:
        """The scope is set as a whole (when the round opens): its rows are replaced only then."""
        if round_.units_in_scope is self._stored_scopes.get(round_.id):
            return
        self.session.execute(round_units.delete().where(round_units.c.round_id == round_.id))
        rows = [{"round_id": round_.id, "unit_code": code, "unit_type": unit_type.value}
                for code, unit_type in round_.units_in_scope.items()]
        if rows:
            self.session.execute(round_units.insert(), rows)
        self._stored_scopes[round_.id] = round_.units_in_scope


class StoredScope(Mapping[str, UnitType]):
    """A stored round's units in scope, read from `round_units` as far as they are needed:
    one row per unit looked up, or all rows once when the whole scope is gone through."""

    def __init__(self, session: Session, round_id: str, count: int):
        self._session = session
        self._round_id = round_id
        self._count = count
        self._looked_up: dict[str, UnitType | None] = {}
        self._all: dict[str, UnitType] | None = None

    def __getitem__(self, unit_code: str) -> UnitType:
        if self._all is not None:
            return self._all[unit_code]
        if unit_code not in self._looked_up:
            found = self._session.execute(
                sa.select(round_units.c.unit_type)
                .where(round_units.c.round_id == self._round_id, round_units.c.unit_code == unit_code)
            ).scalar_one_or_none()
            self._looked_up[unit_code] = UnitType(found) if found else None
        unit_type = self._looked_up[unit_code]
        if unit_type is None:
            raise KeyError(unit_code)
        return unit_type

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __len__(self) -> int:
        return self._count

    def items(self):
        return self._everything().items()

    def _everything(self) -> dict[str, UnitType]:
        if self._all is None:
            query = (sa.select(round_units.c.unit_code, round_units.c.unit_type)
                     .where(round_units.c.round_id == self._round_id).order_by(round_units.c.unit_code))
            self._all = {code: UnitType(unit_type) for code, unit_type in self._session.execute(query)}
        return self._all


def _row(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.id,
        "kind": round_.kind.value,
        "year": round_.year,
        "period_month": round_.period_month,
        "status": round_.status.value,
        "catalog_versions": {t.value: v for t, v in round_.catalog_versions.items()},
        "windows": {t.value: w.as_iso() for t, w in round_.windows.items()},
        "unit_count": len(round_.units_in_scope),
        "window_overrides": [
            {"unit_type": o.unit_type.value, "before": o.before.as_iso(), "after": o.after.as_iso(), "by": o.by,
             "at": o.at.isoformat(), "reason": o.reason}
            for o in round_.window_overrides
        ],
        "extensions": [
            {"unit_code": e.unit_code, "until": e.until.isoformat(), "by": e.by, "at": e.at.isoformat(),
             "reason": e.reason}
            for e in round_.extensions
        ],
        "reminders_sent": sorted([t.value, days] for t, days in round_.reminders_sent),
        "opened_at": _utc(round_.opened_at),
        "commune_results_due": _utc(round_.commune_results_due),
        "closed_at": _utc(round_.closed_at),
        "published_at": _utc(round_.published_at),
    }


def _round(row) -> Round:
    round_ = Round(row["id"], row["kind"], row["year"], row["catalog_versions"], row["period_month"])
    round_.status = RoundStatus(row["status"])
    round_.windows = {UnitType(t): _window(w) for t, w in row["windows"].items()}
    round_.window_overrides = [
        WindowOverride(UnitType(o["unit_type"]), _window(o["before"]), _window(o["after"]), o["by"],
                       dt.datetime.fromisoformat(o["at"]), o["reason"])
        for o in row["window_overrides"]
    ]
    round_.extensions = [
        Extension(e["unit_code"], dt.datetime.fromisoformat(e["until"]), e["by"], dt.datetime.fromisoformat(e["at"]),
                  e["reason"])
        for e in row["extensions"]
    ]
    round_.reminders_sent = {(UnitType(t), days) for t, days in row["reminders_sent"]}
    round_.opened_at = _aware(row["opened_at"])
    round_.commune_results_due = _aware(row["commune_results_due"])
    round_.closed_at = _aware(row["closed_at"])
    round_.published_at = _aware(row["published_at"])
    return round_


def _window(value: dict[str, str]) -> Window:
    return Window(dt.datetime.fromisoformat(value["start"]), dt.datetime.fromisoformat(value["end"]))


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite keeps no offset, so every instant is stored in UTC.
    return moment.astimezone(dt.timezone.utc) if moment else None


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.timezone.utc)
