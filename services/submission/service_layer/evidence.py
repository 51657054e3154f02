"""Use cases of evidence files: a unit attaches a document to a criterion of its report;
the unit, its reviewers and admins list and download them; submissions carry the manifest."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid
from typing import Protocol

from services.submission.adapters.file_storage import EvidenceStore
from services.submission.domain.evidence import EvidenceFile, EvidenceRefused, Quota, check_upload
from services.submission.domain.reports import ACCEPTS_EVIDENCE, Report, ReportNotEditable
from services.submission.service_layer.unit_of_work import SubmissionUnitOfWork
from shared.auth import Principal
from shared.authorization import belongs_to, reads_everything, reviews
from shared.criteria import load_catalog
from shared.domain.errors import Bilingual, Conflict, DuplicateRecord, Forbidden, IntegrityFailure, not_found

DEFAULT_QUOTA = Quota()


class Inspector(Protocol):
    """Checks an upload's whole content and returns the bytes to store (adapters/content_inspection.py)."""

    def inspect(self, name: str, found_format: str, content_type: str, data: bytes) -> bytes: ...


@dataclasses.dataclass(frozen=True)
class Download:
    file: EvidenceFile
    data: bytes


def evidence_manifest(uow: SubmissionUnitOfWork, report_id: str) -> dict[str, list[dict]]:
    """The report's current files per criterion (superseded versions left out), as events carry them."""
    manifest: dict[str, list[dict]] = {}
    for item in uow.evidence.of_report(report_id, current_only=True):
        manifest.setdefault(item.criterion, []).append(item.manifest_entry())
    return manifest


def attach(uow: SubmissionUnitOfWork, store: EvidenceStore, inspector: Inspector, report_id: str,
           principal: Principal, *, criterion: str, filename: str | None, data: bytes, max_bytes: int,
           now: dt.datetime, quota: Quota = DEFAULT_QUOTA, supersedes: str | None = None) -> EvidenceFile:
    """Check the upload (name, format, then its whole content), store what passed (an image
    re-encoded) under a generated key, record it; nothing is kept if any step fails."""
    upload = check_upload(filename, data, max_bytes=max_bytes)
    data = inspector.inspect(upload.name, upload.format, upload.content_type, data)
    upload = upload.with_content(data)
    with uow:
        report = _report(uow, report_id)
        if not belongs_to(principal, report.unit_code):
            raise Forbidden(Bilingual(f"Chỉ người báo cáo của đơn vị '{report.unit_code}' được nộp minh chứng "
                                      f"cho báo cáo '{report_id}'", f"only a reporter of unit "
                                      f"'{report.unit_code}' may attach evidence to report '{report_id}'"))
        if report.state not in ACCEPTS_EVIDENCE:
            raise ReportNotEditable(report.state)
        # A new file changes what a submission would carry: a submit racing this upload fails its
        # version check instead of missing the file.
        uow.reports.count_a_change(report)
        _require_criterion(report, criterion)
        earlier = uow.evidence.of_report(report_id, criterion=criterion)
        files, size = uow.evidence.totals(report_id)
        quota.check(criterion=criterion, criterion_uploads=len(earlier), report_files=files, report_bytes=size,
                    size=upload.size)
        file_id = uuid.uuid4().hex
        item = EvidenceFile(file_id, report_id, criterion, max((f.version for f in earlier), default=0) + 1, upload,
                            storage_key=file_id, uploaded_by=principal.user,
                            uploaded_at=now, supersedes=supersedes)
        if supersedes is not None:
            _superseded(earlier, supersedes, criterion).superseded(file_id)
        uow.evidence.add(item)
        store.put(item.storage_key, data, item.content_type)
        try:
            uow.commit()
        except DuplicateRecord:
            store.discard(item.storage_key)
            raise Conflict(Bilingual("Một tệp khác vừa được tải lên cho cùng tiêu chí; hãy thử lại",
                                     "another file was uploaded for the same criterion at the same time; "
                                     "try again"), retry_after_s=1) from None
        except BaseException:
            store.discard(item.storage_key)
            raise
        return item


def list_files(uow: SubmissionUnitOfWork, report_id: str, principal: Principal) -> list[EvidenceFile]:
    """Every file of the report, superseded versions included."""
    with uow:
        _require_reader(_report(uow, report_id), principal)
        return uow.evidence.of_report(report_id)


def download(uow: SubmissionUnitOfWork, store: EvidenceStore, report_id: str, file_id: str,
             principal: Principal) -> Download:
    with uow:
        _require_reader(_report(uow, report_id), principal)
        [item] = uow.evidence.of_report(report_id, file_id=file_id) or [None]
        if item is None:
            raise not_found(Bilingual("Tệp minh chứng", "evidence file"), file_id)
    data = store.get(item.storage_key)
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise IntegrityFailure(Bilingual(f"Tệp '{item.name}' trong kho lưu trữ không còn khớp mã SHA-256 "
                                         "đã ghi nhận; hãy báo quản trị viên", f"the stored file '{item.name}' no "
                                         "longer matches its recorded SHA-256; tell an administrator"))
    return Download(item, data)


def _report(uow: SubmissionUnitOfWork, report_id: str) -> Report:
    report = uow.reports.get(report_id)
    if report is None:
        raise not_found(Bilingual("Báo cáo", "report"), report_id)
    return report


def _require_reader(report: Report, principal: Principal) -> None:
    """The unit's own accounts, the reviewers it is assigned to (in the role that fits), admins and auditors."""
    if reads_everything(principal) or reviews(principal, report.reviewer_unit_code, report.reviewer_kind) \
            or belongs_to(principal, report.unit_code):
        return
    raise Forbidden(Bilingual(f"Tài khoản của đơn vị '{principal.unit}' không xem được minh chứng của báo cáo "
                              f"'{report.id}'", f"unit '{principal.unit}' may not read the evidence of "
                                                f"report '{report.id}'"))


def _require_criterion(report: Report, criterion: str) -> None:
    catalog = load_catalog(report.catalog_version).unit_type(report.unit_type)
    if criterion not in catalog.criteria_by_code:
        raise EvidenceRefused("unknown_criterion",
                              f"Tiêu chí '{criterion}' không có trong bộ tiêu chí của báo cáo",
                              f"criterion '{criterion}' is not in the report's catalog", field="criterion")


def _superseded(earlier: list[EvidenceFile], file_id: str, criterion: str) -> EvidenceFile:
    match = next((item for item in earlier if item.id == file_id), None)
    if match is None:
        raise EvidenceRefused("unknown_superseded_file",
                              f"Không có tệp '{file_id}' của tiêu chí {criterion} để thay thế",
                              f"there is no file '{file_id}' of criterion {criterion} to supersede",
                              field="supersedes")
    return match
