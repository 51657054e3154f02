"""The review service's stored data as the use cases ask for it: the cases, their audit log, and the
provincial systems' current measured values per round, unit and input."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.review.adapters import orm
from services.review.domain.audit import AuditEntry
from services.review.domain.cases import ReviewCase
from shared import audit_chain
from shared.repository import SqlAlchemyRepository


class ReviewCaseRepository(SqlAlchemyRepository[ReviewCase]):
    def __init__(self, session: Session):
        super().__init__(session, ReviewCase)

    def of_units(self, round_id: str, unit_codes: Collection[str]) -> list[ReviewCase]:
        cases = orm.review_cases.c
        return self.list(cases.round_id == round_id, cases.unit_code.in_(sorted(unit_codes)))

    def stored_version(self, report_id: str) -> int:
        """The case's version as committed, whatever this transaction holds of it."""
        cases = orm.review_cases.c
        return self.session.execute(sa.select(cases.version).where(cases.report_id == report_id)).scalar_one()


class AuditLog:
    """Written with plain INSERTs only: each entry in the service's audit log and, chained, in its
    security log, in the transaction of the change it records."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, entries: list[AuditEntry]) -> None:
        if entries:
            self.session.execute(orm.audit_log.insert(), [_row(entry) for entry in entries])
            audit_chain.append_in(self.session.connection(), orm.security_log, [_chained(entry) for entry in entries])


class MeasuredValues:
    """Rows, not an aggregate: each agency's newest import replaces its earlier one for the round."""

    def __init__(self, session: Session):
        self.session = session

    def newest_import_at(self, round_id: str, agency: str) -> dt.datetime | None:
        table = orm.measured_values
        return self.session.execute(sa.select(sa.func.max(table.c.imported_at)).where(
            table.c.round_id == round_id, table.c.agency == agency)).scalar_one()

    def replace(self, round_id: str, agency: str, rows: list[dict[str, Any]]) -> set[str]:
        """The agency's values for the round become `rows`; returns the units whose values changed hands."""
        table = orm.measured_values
        mine = sa.and_(table.c.round_id == round_id, table.c.agency == agency)
        touched = set(self.session.execute(sa.select(table.c.unit_code).where(mine)).scalars())
        self.session.execute(table.delete().where(mine))
        if rows:
            self.session.execute(table.insert(), [{"round_id": round_id, "agency": agency, **row} for row in rows])
        return touched | {row["unit_code"] for row in rows}

    def of_unit(self, round_id: str, unit_code: str) -> dict[str, dict[str, Any]]:
        """field → its value and where it came from."""
        table = orm.measured_values
        rows = self.session.execute(sa.select(table).where(table.c.round_id == round_id,
                                                           table.c.unit_code == unit_code)).mappings().all()
        return {row["field"]: {"value": row["value"], "agency": row["agency"], "source_system": row["source_system"],
                               "as_of": row["as_of"], "import_id": row["import_id"],
                               "imported_by": row["imported_by"]}
                for row in rows}


def _chained(entry) -> audit_chain.Entry:
    return audit_chain.Entry(kind=f"review.{entry.action}", actor=entry.actor, actor_unit=entry.actor_unit,
                             operation=entry.action, target=f"reports/{entry.report_id}" if entry.report_id
                             else f"settings/{entry.reviewer_unit_code}", at=entry.at,
                             detail={"criterion": entry.criterion, "before": entry.before, "after": entry.after,
                                     "reason": entry.reason, "revision": entry.revision,
                                     "subject_version": entry.subject_version})


def _row(entry) -> dict:
    return {column: getattr(entry, column) for column in (
        "report_id", "reviewer_unit_code", "subject_version", "revision", "action", "actor", "actor_unit", "at",
        "criterion", "before", "after", "reason")}
