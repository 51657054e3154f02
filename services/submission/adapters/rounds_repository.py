"""Round aggregates ⇄ rows of `rounds`, with optimistic locking on `version`.

The repository remembers each round it hands out and the row it was read from; the unit of
work calls `write_changes` before committing, which inserts new rounds and updates changed
ones only if nobody else has changed them since they were read.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from services.submission.adapters.registry_orm import rounds
from services.submission.domain.calendar import Window
from services.submission.domain.rounds import Extension, Round, RoundStatus, WindowOverride
from services.submission.domain.units import UnitType


class RoundRepository:
    def __init__(self, session: Session):
        self.session = session
        self._rounds: dict[str, Round] = {}
        self._stored: dict[str, tuple[int, dict[str, Any]]] = {}  # id → (version, row) as read or written

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
                self._rounds[row["id"]] = _round(row)
                self._stored[row["id"]] = (row["version"], _row(self._rounds[row["id"]]))
            found.append(self._rounds[row["id"]])
        return found

    def write_changes(self) -> None:
        for round_id, round_ in self._rounds.items():
            row = _row(round_)
            if round_id not in self._stored:
                self.session.execute(rounds.insert().values({**row, "version": 1}))
                self._stored[round_id] = (1, row)
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


def _row(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.id,
        "kind": round_.kind.value,
        "year": round_.year,
        "period_month": round_.period_month,
        "status": round_.status.value,
        "catalog_versions": {t.value: v for t, v in round_.catalog_versions.items()},
        "windows": {t.value: w.as_iso() for t, w in round_.windows.items()},
        "units_in_scope": {code: t.value for code, t in round_.units_in_scope.items()},
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
    round_.units_in_scope = {code: UnitType(t) for code, t in row["units_in_scope"].items()}
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
