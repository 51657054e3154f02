"""Use cases of measured inputs: an agency imports its file for a round (checked whole, superseding
its previous file), and a report shows the values that hold for its unit, read-only, with their source."""
from __future__ import annotations

import datetime as dt
import hashlib

from services.submission.adapters import measurement_files
from services.submission.domain.measurements import (
    ImportRefused,
    MeasurementImport,
    RowProblem,
    UnitInRound,
    checked_values,
)
from services.submission.service_layer.unit_of_work import SubmissionUnitOfWork
from shared.auth import Principal, Role
from shared.authorization import reads_everything
from shared.criteria import load_catalog
from shared.criteria.suppliers import measuring_agencies
from shared.domain.errors import Bilingual, Conflict, DuplicateRecord, Forbidden, not_found


def import_file(uow: SubmissionUnitOfWork, round_id: str, *, agency: str, imported_by: str, file_name: str,
                content: bytes, now: dt.datetime) -> MeasurementImport:
    """Check the whole file and, if every row is right, make it the agency's current values for the
    round. Refused (`ImportRefused`, naming each bad row's line and field) changes nothing."""
    file_format, rows = measurement_files.read_rows(file_name, content)
    with uow:
        if uow.rounds.get(round_id) is None:
            raise not_found(Bilingual("Kỳ báo cáo", "round"), round_id)
        units = {report.unit_code: UnitInRound(report.unit_code, load_catalog(report.catalog_version)
                                               .unit_type(report.unit_type))
                 for report in uow.reports.matching(round_id=round_id)}
        _check_agency(agency, {unit.catalog.catalog.version for unit in units.values()})
        values = checked_values(rows, agency, units)
        current = uow.measurements.current(round_id, agency)
        made = MeasurementImport.accept(round_id=round_id, agency=agency, sha256=hashlib.sha256(content).hexdigest(),
                                        file_name=file_name, file_format=file_format, imported_by=imported_by,
                                        now=now, values=values, current=current)
        uow.measurements.add(made)
        uow.measured.hold(made)
        try:
            uow.commit()
        except DuplicateRecord:
            raise Conflict(Bilingual(f"Một tệp số liệu khác của '{agency}' vừa được nhận cho kỳ báo cáo này; hãy "
                                     "xem lịch sử nhập và gửi lại nếu cần",
                                     f"another file of '{agency}' was accepted for this round at the same time; "
                                     "check the import history and send yours again if need be"),
                           retry_after_s=1) from None
        return made


def import_as(uow: SubmissionUnitOfWork, round_id: str, principal: Principal, *, file_name: str, content: bytes,
              now: dt.datetime) -> MeasurementImport:
    """A data provider imports for the agency its token names."""
    if principal.role is not Role.DATA_PROVIDER:
        raise Forbidden(Bilingual("Chỉ cơ quan cung cấp số liệu (data_provider) được gửi số liệu đo từ hệ thống",
                                  "only a data provider (data_provider) of a coordinating agency imports "
                                  "measured inputs"))
    return import_file(uow, round_id, agency=principal.unit, imported_by=principal.user, file_name=file_name,
                       content=content, now=now)


def history(uow: SubmissionUnitOfWork, round_id: str, principal: Principal) -> list[MeasurementImport]:
    """Every import of the round, newest first (a data provider sees its agency's; an admin or an
    auditor all)."""
    if principal.role is not Role.DATA_PROVIDER and not reads_everything(principal):
        raise Forbidden(Bilingual("Lịch sử nhập số liệu dành cho cơ quan cung cấp số liệu, quản trị và thanh tra",
                                  "the import history is for data providers, administrators and auditors"))
    with uow:
        return uow.measurements.of_round(round_id, principal.unit if principal.role is Role.DATA_PROVIDER else None)


def _check_agency(agency: str, catalog_versions: set[str]) -> None:
    known = sorted({code for version in catalog_versions for code in measuring_agencies(load_catalog(version))})
    if agency not in known:
        raise ImportRefused([RowProblem(
            None, "agency", "not_measuring_agency",
            f"'{agency}' không phải cơ quan cung cấp số liệu đo từ hệ thống cho kỳ báo cáo này "
            f"(các cơ quan: {', '.join(known) or 'không có'})",
            f"'{agency}' supplies no measured input in this round "
            f"(the agencies that do: {', '.join(known) or 'none'})")])
