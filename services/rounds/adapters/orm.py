"""The tables of the unit registry, the review models and the rounds, and the mapping of `Round`.

They sit on the submission service's metadata: the rounds package is hosted there (same schema,
same migrations). Units and review models are frozen values, read and written by their repository
(registry_repository). `Round` is mapped like the other aggregates, with SQLAlchemy's version
counter on `version`; its windows, overrides, extensions and reminders are JSON documents, typed
here so that the domain sees its own values. A round's scope (up to the whole national tree,
about 12,000 units) has a table of its own, so that a submission looks up its one unit instead of
reading the round's whole scope (StoredScope, below).
"""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.mutable import MutableDict, MutableList, MutableSet
from sqlalchemy.orm import Session

from services.rounds.domain.calendar import RoundKind, Window
from services.rounds.domain.rounds import Extension, Round, WindowOverride
from services.rounds.domain.units import UnitType
from services.submission.adapters.orm import JSON, mapper_registry, metadata
from shared.columns import NAME, ROUND_ID, ROUND_KIND, UNIT_CODE, UNIT_TYPE, optional, primary_key, required
from shared.domain.round_events import RoundStatus
from shared.orm import UtcDateTime, map_aggregate

units = sa.Table(
    "units",
    metadata,
    primary_key("code", UNIT_CODE),
    required("name_vi", NAME),
    optional("name_en", NAME),
    required("unit_type", UNIT_TYPE),
    optional("parent_code", UNIT_CODE),
    required("active_from", sa.Date),
    optional("active_to", sa.Date),
    required("evaluated", sa.Boolean),
    optional("merged_into", UNIT_CODE),
    optional("note", sa.Text),
)

review_models = sa.Table(
    "review_models",
    metadata,
    primary_key("id", sa.String(64)),
    required("valid_from", sa.Date),
    optional("valid_to", sa.Date),
    required("reviewing_body", JSON),
    required("rules", JSON),
    required("basis", sa.Text),
)


class _ValueOf(sa.TypeDecorator):
    """A str enum stored as its value."""

    impl = sa.String
    cache_ok = True

    def __init__(self, enum_class: type[enum.Enum], length: int):
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)


class _Document(sa.TypeDecorator):
    """A domain value kept as a JSON document: `dump` turns it into JSON, `load` back."""

    impl = sa.JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return self.dump(value)

    def process_result_value(self, value, dialect):
        return self.load(value)

    def dump(self, value) -> Any:
        raise NotImplementedError

    def load(self, value) -> Any:
        raise NotImplementedError


class _CatalogVersions(_Document):
    def dump(self, value):
        return {UnitType(t).value: v for t, v in value.items()}

    def load(self, value):
        return {UnitType(t): v for t, v in value.items()}


class _Windows(_Document):
    def dump(self, value):
        return {UnitType(t).value: w.as_iso() for t, w in value.items()}

    def load(self, value):
        return {UnitType(t): _window(w) for t, w in value.items()}


class _WindowOverrides(_Document):
    def dump(self, value):
        return [{"unit_type": o.unit_type.value, "before": o.before.as_iso(), "after": o.after.as_iso(), "by": o.by,
                 "at": o.at.isoformat(), "reason": o.reason} for o in value]

    def load(self, value):
        return [WindowOverride(UnitType(o["unit_type"]), _window(o["before"]), _window(o["after"]), o["by"],
                               dt.datetime.fromisoformat(o["at"]), o["reason"]) for o in value]


class _Extensions(_Document):
    def dump(self, value):
        return [{"unit_code": e.unit_code, "until": e.until.isoformat(), "by": e.by, "at": e.at.isoformat(),
                 "reason": e.reason} for e in value]

    def load(self, value):
        return [Extension(e["unit_code"], dt.datetime.fromisoformat(e["until"]), e["by"],
                          dt.datetime.fromisoformat(e["at"]), e["reason"]) for e in value]


class _RemindersSent(_Document):
    def dump(self, value):
        return sorted([UnitType(t).value, days] for t, days in value)

    def load(self, value):
        return {(UnitType(t), days) for t, days in value}


def _window(value: dict[str, str]) -> Window:
    return Window(dt.datetime.fromisoformat(value["start"]), dt.datetime.fromisoformat(value["end"]))


rounds = sa.Table(
    "rounds",
    metadata,
    primary_key("id", ROUND_ID),
    required("kind", _ValueOf(RoundKind, ROUND_KIND.length)),
    required("year", sa.Integer),
    optional("period_month", sa.Integer),
    required("status", _ValueOf(RoundStatus, 16)),
    required("catalog_versions", _CatalogVersions()),
    # Changed in place by the domain (a window overridden, an extension granted, a reminder sent):
    # the mutable wrappers tell the session.
    required("windows", MutableDict.as_mutable(_Windows())),
    # How many units the round evaluates: the size of its scope in `round_units`, kept with the round.
    required("unit_count", sa.Integer, server_default="0"),
    # The audit of administrative changes: who changed which window or deadline, when and why.
    required("window_overrides", MutableList.as_mutable(_WindowOverrides())),
    required("extensions", MutableList.as_mutable(_Extensions())),
    required("reminders_sent", MutableSet.as_mutable(_RemindersSent())),
    optional("opened_at", UtcDateTime()),
    optional("commune_results_due", UtcDateTime()),
    optional("closed_at", UtcDateTime()),
    optional("published_at", UtcDateTime()),
    required("version", sa.Integer),
    sa.Index("ix_rounds_status", "status"),
)

round_units = sa.Table(
    "round_units",
    metadata,
    primary_key("round_id", ROUND_ID, sa.ForeignKey("rounds.id")),
    primary_key("unit_code", UNIT_CODE),
    required("unit_type", UNIT_TYPE),
)


class StoredScope(Mapping[str, UnitType]):
    """A stored round's units in scope, read from `round_units` as far as they are needed:
    one row per unit looked up, or all rows once when the whole scope is gone through."""

    def __init__(self, session: Session | None, round_id: str, count: int, units: dict[str, UnitType] | None = None):
        self._session = session
        self._round_id = round_id
        self._count = count
        self._looked_up: dict[str, UnitType | None] = {}
        self._all = units

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


def start_mappers() -> None:
    if getattr(Round, "__mapper__", None) is not None:
        return
    map_aggregate(mapper_registry, Round, rounds, version_id_col=rounds.c.version)
    sa.event.listen(Round, "load", _stored_scope)
    sa.event.listen(Round, "before_insert", _count_scope)
    sa.event.listen(Round, "before_update", _count_scope)
    sa.event.listen(Round, "after_insert", _write_scope)
    sa.event.listen(Round, "after_update", _write_scope)


def _stored_scope(round_: Round, context) -> None:
    round_.units_in_scope = StoredScope(context.session, round_.id, round_.unit_count)


def _count_scope(_mapper, _connection, round_: Round) -> None:
    round_.unit_count = len(round_.units_in_scope)


def _write_scope(_mapper, connection, round_: Round) -> None:
    """The scope is set as a whole (when the round opens): its rows are written only then, in the
    round's own flush."""
    if isinstance(round_.units_in_scope, StoredScope):
        return
    scope = dict(round_.units_in_scope)
    connection.execute(round_units.delete().where(round_units.c.round_id == round_.id))
    if scope:
        connection.execute(round_units.insert(), [{"round_id": round_.id, "unit_code": code,
                                                   "unit_type": unit_type.value} for code, unit_type in scope.items()])
    round_.units_in_scope = StoredScope(None, round_.id, len(scope), scope)
