"""Set-based reads and writes of scores, expected units and snapshots, and the queries the use
cases make of reconsideration requests, webhooks and their deliveries.

Recording scores is one upsert for a transaction's scores (a consumer's batch), whatever the
round's size; reading a round's scores or a ranking is one query each, done at publication or
look-up time.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.publication.adapters.orm import (
    reconsiderations,
    round_publications,
    round_units,
    scores,
    snapshots,
    standings,
    webhook_deliveries,
    webhooks,
)
from services.publication.domain.publication import PublishedStanding, Snapshot
from services.publication.domain.rankings import PreviousStanding, Score, Standing
from services.publication.domain.reconsideration import Reconsideration
from services.publication.domain.webhooks import PENDING, Delivery, Webhook
from shared.domain.report_events import ReportScored
from shared.domain.report_header import ReportHeader
from shared.repository import SqlAlchemyRepository


class ScoreRepository:
    """Each report's newest score. What `record` is given is written when the unit of work commits
    (or before a read), the transaction's scores together in one statement."""

    def __init__(self, session: Session):
        self.session = session
        self._recorded: dict[str, dict[str, Any]] = {}  # report → its newest score recorded, not yet written

    def record(self, scored: ReportScored) -> None:
        """The report's score, unless a newer one is already there: events of one report may arrive
        out of order (a score as new as the one held replaces it: the later event wins)."""
        row = {"report_id": scored.report_id, **dataclasses.asdict(scored.header), "score_id": scored.score_id,
               "catalog_version": scored.catalog_version,
               "total": Decimal(scored.total), "groups": dict(scored.groups), "criteria": dict(scored.criteria),
               "scored_at": dt.datetime.fromisoformat(scored.scored_at)}
        held = self._recorded.get(scored.report_id)
        if held is None or row["scored_at"] >= held["scored_at"]:
            self._recorded[scored.report_id] = row

    def write(self) -> None:
        """One upsert of the scores recorded since the last: each inserts or replaces its report's
        stored score, unless the stored one is newer."""
        if not self._recorded:
            return
        rows, self._recorded = list(self._recorded.values()), {}
        insert = _insert_for(self.session)(scores).values(rows)
        replaced = {name: insert.excluded[name] for name in rows[0] if name != "report_id"}
        self.session.execute(insert.on_conflict_do_update(
            index_elements=[scores.c.report_id], set_=replaced,
            where=insert.excluded.scored_at >= scores.c.scored_at))

    def of_round(self, round_id: str) -> list[Score]:
        self.write()
        rows = self.session.execute(sa.select(scores).where(scores.c.round_id == round_id)).mappings()
        return [_score(row) for row in rows]

    def of_report(self, report_id: str) -> Score | None:
        self.write()
        row = self.session.execute(sa.select(scores).where(scores.c.report_id == report_id)).mappings().first()
        return None if row is None else _score(row)


class UnitRepository:
    """The units a round expects a report from, as round.opened named them."""

    def __init__(self, session: Session):
        self.session = session

    def replace(self, round_id: str, units: Iterable[Mapping[str, str]]) -> None:
        self.session.execute(round_units.delete().where(round_units.c.round_id == round_id))
        rows = [{"round_id": round_id, "unit_code": unit["code"], "unit_name_vi": unit["unit_name_vi"],
                 "unit_type": unit["unit_type"], "reviewer_unit_code": unit["reviewer_unit_code"],
                 "reviewer_kind": unit["reviewer_kind"]} for unit in units]
        if rows:
            self.session.execute(round_units.insert(), rows)

    def of_round(self, round_id: str) -> list[ReportHeader]:
        """The header of each report the round expects."""
        rows = self.session.execute(sa.select(round_units).where(round_units.c.round_id == round_id)).mappings()
        return [_header(row) for row in rows]


class SnapshotRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, snapshot: Snapshot) -> None:
        snapshot_id = self.session.execute(snapshots.insert().values(
            round_id=snapshot.round_id, version=snapshot.version, stage=snapshot.stage.value,
            publisher_unit=snapshot.publisher_unit, published_by=snapshot.published_by,
            published_at=snapshot.published_at, feedback_closes_at=snapshot.feedback_closes_at,
            note=snapshot.note, decision_reference=snapshot.decision_reference or None,
            scopes=snapshot.scope_summaries(),
            changes=[change.to_dict() for change in snapshot.changes],
        ).returning(snapshots.c.id)).scalar_one()
        rows = [_standing_row(snapshot_id, snapshot.round_id, standing) for standing in snapshot.standings]
        if rows:
            self.session.execute(standings.insert(), rows)

    def of_round(self, round_id: str) -> list[dict[str, Any]]:
        """Every snapshot of the round, oldest first (without their standings)."""
        query = sa.select(snapshots).where(snapshots.c.round_id == round_id).order_by(snapshots.c.version)
        return [dict(row) for row in self.session.execute(query).mappings()]

    def current_scopes(self, round_id: str, version: int | None = None) -> dict[str, dict[str, Any]]:
        """scope → the newest snapshot (up to `version`) that covers it, with that scope's summary."""
        current: dict[str, dict[str, Any]] = {}
        for snapshot in self.of_round(round_id):
            if version is not None and snapshot["version"] > version:
                break
            for summary in snapshot["scopes"]:
                current[summary["scope"]] = {**summary, "snapshot": snapshot}
        return current

    def standings(self, round_id: str, *, version: int | None = None, scope: str | None = None,
                  unit_code: str | None = None) -> list[dict[str, Any]]:
        """The published standings of the round as of `version` (default: the newest), each with
        the stage and version of the snapshot it comes from."""
        current = self.current_scopes(round_id, version)
        pairs = [(item["snapshot"]["id"], name) for name, item in current.items() if scope in (None, name)]
        if not pairs:
            return []
        query = sa.select(standings).where(sa.tuple_(standings.c.snapshot_id, standings.c.scope).in_(pairs))
        if unit_code is not None:
            query = query.where(standings.c.unit_code == unit_code)
        by_id = {item["snapshot"]["id"]: item["snapshot"] for item in current.values()}
        rows = []
        for row in self.session.execute(query).mappings():
            snapshot = by_id[row["snapshot_id"]]
            rows.append({**row, "stage": snapshot["stage"], "snapshot_version": snapshot["version"],
                         "published_at": snapshot["published_at"]})
        return rows

    def last_published(self, round_id: str) -> dict[tuple[str, str], PublishedStanding]:
        return {(row["scope"], row["unit_code"]): PublishedStanding(
                    report_id=row["report_id"], score_id=row["score_id"], unit_name_vi=row["unit_name_vi"],
                    rank=row["rank"], total=Decimal(row["total"]))
                for row in self.standings(round_id)}

    def previous_year(self, kind: str, year: int | None) -> dict[str, dict[str, PreviousStanding]]:
        """scope → unit code → the unit's published standing in the previous year's round of this kind."""
        if year is None:
            return {}
        earlier = self.session.execute(sa.select(round_publications.c.round_id).where(
            round_publications.c.kind == kind, round_publications.c.year == year - 1,
            round_publications.c.latest_version > 0)).scalars().all()
        found: dict[str, dict[str, PreviousStanding]] = {}
        for round_id in earlier:
            for row in self.standings(round_id):
                found.setdefault(row["scope"], {})[row["unit_code"]] = PreviousStanding(row["rank"],
                                                                                        Decimal(row["total"]))
        return found

    def unit_history(self, unit_code: str) -> list[dict[str, Any]]:
        """The unit's published standings in every round (each round as of its newest snapshot)."""
        rounds = self.session.execute(sa.select(standings.c.round_id).where(standings.c.unit_code == unit_code)
                                      .distinct()).scalars().all()
        return [row for round_id in rounds for row in self.standings(round_id, unit_code=unit_code)]

    def published_units(self) -> list[dict[str, Any]]:
        """Every unit with a published result: code, name, type and the rounds it appears in."""
        query = sa.select(standings.c.unit_code, standings.c.unit_name_vi, standings.c.unit_type,
                          standings.c.round_id).distinct()
        units: dict[str, dict[str, Any]] = {}
        for row in self.session.execute(query).mappings():
            unit = units.setdefault(row["unit_code"], {
                "unit_code": row["unit_code"], "unit_name_vi": row["unit_name_vi"], "unit_type": row["unit_type"],
                "round_ids": []})
            unit["round_ids"] = sorted({*unit["round_ids"], row["round_id"]})
        return list(units.values())

    def published_rounds(self) -> list[dict[str, Any]]:
        """Every round with a published snapshot, its newest version and stage."""
        query = (sa.select(round_publications.c.round_id, round_publications.c.kind, round_publications.c.year,
                           round_publications.c.status, round_publications.c.latest_version,
                           round_publications.c.feedback_closes_at)
                 .where(round_publications.c.latest_version > 0).order_by(round_publications.c.round_id.desc()))
        rounds = [dict(row) for row in self.session.execute(query).mappings()]
        latest = {(row["round_id"], row["version"]): row for row in self.session.execute(
            sa.select(snapshots.c.round_id, snapshots.c.version, snapshots.c.stage, snapshots.c.published_at))
            .mappings()}
        for item in rounds:
            newest = latest[(item["round_id"], item["latest_version"])]
            item.update(stage=newest["stage"], published_at=newest["published_at"])
        return rounds


class ReconsiderationRepository(SqlAlchemyRepository[Reconsideration]):
    def __init__(self, session: Session):
        super().__init__(session, Reconsideration)

    def of_round(self, round_id: str, *, unit_code: str | None = None,
                 reviewer_unit_code: str | None = None) -> list[Reconsideration]:
        """The round's requests in the order they were filed (only a unit's, or a reviewer's, if given)."""
        where = [reconsiderations.c.round_id == round_id]
        if unit_code is not None:
            where.append(reconsiderations.c.unit_code == unit_code)
        if reviewer_unit_code is not None:
            where.append(reconsiderations.c.reviewer_unit_code == reviewer_unit_code)
        return self.list(*where, order_by=reconsiderations.c.filed_at)


class WebhookRepository(SqlAlchemyRepository[Webhook]):
    def __init__(self, session: Session):
        super().__init__(session, Webhook)

    def all(self) -> list[Webhook]:
        """Every webhook, oldest first."""
        return self.list(order_by=webhooks.c.created_at)

    def active(self) -> list[Webhook]:
        return self.list(webhooks.c.active.is_(True))


class DeliveryRepository(SqlAlchemyRepository[Delivery]):
    def __init__(self, session: Session):
        super().__init__(session, Delivery)

    def of_webhook(self, webhook_id: str) -> list[Delivery]:
        """One webhook's deliveries, newest first."""
        return self.list(webhook_deliveries.c.webhook_id == webhook_id,
                         order_by=webhook_deliveries.c.created_at.desc())

    def next_due(self, now: dt.datetime) -> Delivery | None:
        """The pending delivery due longest, locked for this transaction; one another dispatcher
        holds is skipped."""
        query = (sa.select(Delivery).where(webhook_deliveries.c.status == PENDING,
                                           webhook_deliveries.c.next_attempt_at <= now)
                 .order_by(webhook_deliveries.c.next_attempt_at).limit(1).with_for_update(skip_locked=True))
        delivery = self.session.execute(query).scalars().first()
        if delivery is not None:
            self.seen.add(delivery)
        return delivery


def _standing_row(snapshot_id: int, round_id: str, standing: Standing) -> dict[str, Any]:
    return {"snapshot_id": snapshot_id, "scope": standing.scope, "report_id": standing.report_id,
            "round_id": round_id, "unit_code": standing.unit_code, "unit_name_vi": standing.unit_name_vi,
            "unit_type": standing.unit_type, "score_id": standing.score_id,
            "catalog_version": standing.catalog_version, "total": standing.total, "groups": dict(standing.groups),
            "criteria": dict(standing.criteria), "band": dict(standing.band), "rank": standing.rank,
            "previous_rank": standing.previous_rank, "previous_total": standing.previous_total}


def _insert_for(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _header(row: Mapping[str, Any]) -> ReportHeader:
    return ReportHeader(**{field.name: row[field.name] for field in dataclasses.fields(ReportHeader)})


def _score(row: Mapping[str, Any]) -> Score:
    return Score(report_id=row["report_id"], header=_header(row), score_id=row["score_id"],
                 catalog_version=row["catalog_version"], total=Decimal(row["total"]), groups=row["groups"],
                 criteria=row["criteria"])
