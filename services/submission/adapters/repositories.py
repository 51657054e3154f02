"""Submission's repositories and views: the queries its use cases ask in the domain's words."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified, set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from services.submission.adapters.evidence_orm import evidence_files
from services.submission.adapters.measurements_orm import measured_values, measurement_imports
from services.submission.adapters.orm import reports
from services.submission.domain.evidence import EvidenceFile
from services.submission.domain.measurements import MeasurementImport
from services.submission.domain.reports import Report
from shared.repository import SqlAlchemyRepository


class ReportRepository(SqlAlchemyRepository[Report]):
    def __init__(self, session: Session):
        super().__init__(session, Report)

    def matching(self, *, round_id: str | None = None, status: str | None = None, unit_code: str | None = None,
                 reviewer: tuple[str, str] | None = None) -> list[Report]:
        """The reports that match every criterion given (reviewer: its unit code and kind), by unit code."""
        where = []
        if round_id:
            where.append(reports.c.round_id == round_id)
        if status:
            where.append(reports.c.status == status)
        if unit_code is not None:
            where.append(reports.c.unit_code == unit_code)
        if reviewer is not None:
            where += [reports.c.reviewer_unit_code == reviewer[0], reports.c.reviewer_kind == reviewer[1]]
        return self.list(*where, order_by=reports.c.unit_code)

    def count_a_change(self, report: Report) -> None:
        """The report's version goes up at commit though none of its columns changed (its evidence did)."""
        flag_modified(report, "answers")

    def write_followed_states(self) -> None:
        """The reports of this transaction whose status alone changed (the states a batch of events
        moved them to) in one UPDATE that checks each one's version, as the flush would one by one;
        StaleDataError if another transaction changed one since it was read."""
        moved = [report for report in self.seen if _status_alone_changed(report)]
        if not moved:
            return
        ids = [report.id for report in moved]
        updated = self.session.execute(
            reports.update()
            .where(reports.c.id.in_(ids),
                   reports.c.version == sa.case({report.id: report.version for report in moved}, value=reports.c.id))
            .values(status=sa.case({report.id: report.status for report in moved}, value=reports.c.id),
                    version=reports.c.version + 1)).rowcount
        if updated != len(moved):
            raise StaleDataError(f"{len(moved) - updated} of {len(moved)} reports changed since they were read")
        for report in moved:  # written: nothing left for the flush
            set_committed_value(report, "status", report.status)
            set_committed_value(report, "version", report.version + 1)


class EvidenceRepository(SqlAlchemyRepository[EvidenceFile]):
    def __init__(self, session: Session):
        super().__init__(session, EvidenceFile)

    def of_report(self, report_id: str, *, criterion: str | None = None, file_id: str | None = None,
                  current_only: bool = False) -> list[EvidenceFile]:
        """The report's files (of one criterion, or the one file, if given; without the superseded
        versions if `current_only`), by criterion and version."""
        where = [evidence_files.c.report_id == report_id]
        if criterion is not None:
            where.append(evidence_files.c.criterion == criterion)
        if file_id is not None:
            where.append(evidence_files.c.id == file_id)
        if current_only:
            where.append(evidence_files.c.superseded_by.is_(None))
        query = sa.select(EvidenceFile).where(*where).order_by(evidence_files.c.criterion, evidence_files.c.version)
        return list(self.session.execute(query).scalars())

    def totals(self, report_id: str) -> tuple[int, int]:
        """How many files the report holds and their bytes, every version counted."""
        files, size = self.session.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(evidence_files.c.size), 0))
            .where(evidence_files.c.report_id == report_id)).one()
        return files, size


class MeasurementImportRepository(SqlAlchemyRepository[MeasurementImport]):
    def __init__(self, session: Session):
        super().__init__(session, MeasurementImport)

    def of_round(self, round_id: str, agency: str | None = None) -> list[MeasurementImport]:
        """The round's imports (of one agency, if given), newest first."""
        where = [measurement_imports.c.round_id == round_id]
        if agency is not None:
            where.append(measurement_imports.c.agency == agency)
        return self.list(*where, order_by=measurement_imports.c.imported_at.desc())

    def current(self, round_id: str, agency: str) -> MeasurementImport | None:
        """The agency's import for the round that no later one supersedes."""
        found = self.list(measurement_imports.c.round_id == round_id, measurement_imports.c.agency == agency,
                          measurement_imports.c.superseded_by.is_(None))
        return found[0] if found else None


class MeasuredValues:
    """The values that hold now, one row per round, unit and input."""

    def __init__(self, session: Session):
        self.session = session

    def of_unit(self, round_id: str, unit_code: str) -> dict[str, dict[str, Any]]:
        """Field → value with its source."""
        rows = self.session.execute(sa.select(measured_values).where(
            measured_values.c.round_id == round_id, measured_values.c.unit_code == unit_code)).mappings().all()
        return {row["field"]: {"value": row["value"], "agency": row["agency"], "source_system": row["source_system"],
                               "as_of": row["as_of"], "import_id": row["import_id"],
                               "imported_by": row["imported_by"]}
                for row in rows}

    def hold(self, made: MeasurementImport) -> None:
        """The accepted file's values replace what the agency's previous file said for the round."""
        self.session.execute(measured_values.delete().where(measured_values.c.round_id == made.round_id,
                                                            measured_values.c.agency == made.agency))
        self.session.execute(measured_values.insert(), [
            {"round_id": made.round_id, "unit_code": item["unit_code"], "field": item["field"],
             "agency": made.agency, "value": item["value"], "source_system": item["source_system"],
             "as_of": item["as_of"], "import_id": made.id, "imported_by": made.imported_by}
            for item in made.values])


def _status_alone_changed(report: Report) -> bool:
    state = sa.inspect(report)
    return state.persistent and state.modified and [
        attribute.key for attribute in state.attrs if attribute.history.has_changes()] == ["status"]
