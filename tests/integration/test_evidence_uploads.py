"""Evidence uploads on the submission service (real PostgreSQL, local disk store): what is
refused is refused with a clear reason and leaves nothing behind; what is accepted is kept
under a generated name with its SHA-256, and never overwritten."""
from __future__ import annotations

import hashlib
import io
import uuid

import pytest
import sqlalchemy as sa

from services.submission import bootstrap as submission
from services.submission.adapters.evidence_orm import evidence_files
from services.submission.domain.reports import Report
from shared.auth import Role, issue_token
from shared.criteria import load_catalog
from shared.domain.report_header import ReportHeader
from tests.support.answers import complete_answers, evidence_criteria
from tests.support.cfb import compound_file
from tests.support.documents import MINIMAL_PDF, png, zipped
from tests.support.keys import TEST_KEY
from tests.unit.submission.test_evidence_checks import DOCX_MAIN, content_types

pytestmark = pytest.mark.integration
UNIT, REVIEWER = "HT-CL-KST", "HT-CL"
PDF = MINIMAL_PDF
LIMIT = 4096


@pytest.fixture
def service(settings_for, monkeypatch):
    monkeypatch.setenv("CQS_EVIDENCE_MAX_BYTES", str(LIMIT))
    monkeypatch.setenv("CQS_EVIDENCE_MAX_FILES_PER_CRITERION", "3")
    runtime = submission.runtime(settings_for("submission"))
    runtime.migrate()
    yield runtime, submission.create_app(runtime).test_client()
    runtime.engine.dispose()


@pytest.fixture
def report(service):
    runtime, _client = service
    draft = Report(id=str(uuid.uuid4()),
                   header=ReportHeader(round_id="2026-annual", unit_code=UNIT, unit_name_vi="Xã Kim Song Trường",
                                       unit_type="commune", reviewer_unit_code=REVIEWER, reviewer_kind="district"),
                   catalog_version="hatinh-2021-ref-1",
                   answers=complete_answers(load_catalog("hatinh-2021-ref-1").unit_type("commune")))
    with runtime.uow_factory() as uow:
        uow.reports.add(draft)
        uow.commit()
    return draft


def headers(role=Role.UNIT_REPORTER, unit=UNIT, user="reporter"):
    return {"Authorization": f"Bearer {issue_token(TEST_KEY, user, role, unit)}"}


def upload(client, report_id, name, data, criterion="1.1", who=None):
    return client.post(f"/reports/{report_id}/evidence", headers=who or headers(),
                       data={"criterion": criterion, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def stored(runtime, tmp_path) -> tuple[int, list]:
    with runtime.engine.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(evidence_files)).scalar_one()
    evidence_dir = tmp_path / "evidence"
    return rows, sorted(p for p in evidence_dir.rglob("*") if p.is_file()) if evidence_dir.exists() else []


@pytest.mark.parametrize("name, data, status, reason, words", [
    ("bao-cao.pdf", PDF + b"0" * LIMIT, 413, "too_large", "lớn hơn giới hạn"),
    ("ke-hoach.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, 422, "executable", "chương trình thực thi"),
    ("chay.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, 422, "executable", "chương trình thực thi"),
    ("rong.pdf", b"", 422, "empty_file", "rỗng"),
    ("../../etc/passwd.pdf", PDF, 422, "invalid_name", "không được chứa đường dẫn"),
    ("bang-tinh.xlsx", zipped({"a.txt": b"no workbook"}), 422, "content_mismatch", "không phải là tệp .xlsx"),
    ("anh.png", PDF, 422, "content_mismatch", "(nội dung là PDF)"),
    ("evil\u202eexe.pdf", PDF, 422, "invalid_name", "đảo chiều"),
    ("anh.jpg", b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>", 422, "polyglot", "đồng thời"),
    ("anh.png", png() + b"<script>alert(1)</script>", 422, "polyglot", "đồng thời"),
    ("ke-hoach.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (x) >>"),
     422, "pdf_active_content", "nội dung thực thi"),
    ("van-ban.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"x" * 600, 422, "ole_invalid", "OLE"),
    ("script.sh", b"echo hi", 422, "unsupported_type", "không được chấp nhận"),
])
def test_a_refused_upload_says_why_and_stores_nothing(service, report, tmp_path, name, data, status, reason, words):
    runtime, client = service
    response = upload(client, report.id, name, data)
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["reason"] == reason and words in response.json["detail"] and response.json["detail_en"]
    assert stored(runtime, tmp_path) == (0, [])


def test_a_valid_pdf_is_kept_under_a_generated_name_with_its_sha256(service, report, tmp_path):
    runtime, client = service
    response = upload(client, report.id, "Kế hoạch chuyển đổi số 2026.pdf", PDF)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["name"], body["criterion"], body["version"], body["size"]) == (
        "Kế hoạch chuyển đổi số 2026.pdf", "1.1", 1, len(PDF))
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["content_type"] == "application/pdf"
    rows, files = stored(runtime, tmp_path)
    assert rows == 1 and [path.name for path in files] == [body["id"]]
    assert files[0].read_bytes() == PDF

    for who in (headers(), headers(Role.DISTRICT_REVIEWER, REVIEWER, "reviewer"), headers(Role.ADMIN, "HT", "admin")):
        downloaded = client.get(f"/reports/{report.id}/evidence/{body['id']}", headers=who)
        assert downloaded.status_code == 200 and downloaded.data == PDF
        assert downloaded.headers["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in downloaded.headers["Content-Disposition"]
    for outsider in (headers(unit="HT-CL-OTHER"), headers(Role.DISTRICT_REVIEWER, "HT-HK", "reviewer-x")):
        assert client.get(f"/reports/{report.id}/evidence/{body['id']}", headers=outsider).status_code == 403
        assert client.get(f"/reports/{report.id}/evidence", headers=outsider).status_code == 403


def test_office_documents_are_recognised_by_their_structure(service, report):
    _runtime, client = service
    docx = zipped({**content_types(DOCX_MAIN), "word/document.xml": b"<w:document/>"})
    odt = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
    # The macro project under an innocent name: found by its content (an OLE compound file).
    macro = zipped({**content_types(DOCX_MAIN), "word/document.xml": b"<w:document/>",
                        "word/media/logo.png": compound_file({"VBA": {"dir": b"x", "_VBA_PROJECT": b"y"}})})
    assert upload(client, report.id, "Quy che.docx", docx).status_code == 201
    assert upload(client, report.id, "Bien ban.odt", odt).status_code == 201
    assert upload(client, report.id, "Co macro.docx", macro).json["reason"] == "macro"
    listed = client.get(f"/reports/{report.id}/evidence", headers=headers()).json
    assert [(item["name"], item["version"]) for item in listed] == [("Quy che.docx", 1), ("Bien ban.odt", 2)]


def test_only_the_units_reporter_uploads_and_only_while_the_report_is_editable(service, report, tmp_path):
    runtime, client = service
    assert upload(client, report.id, "x.pdf", PDF, who=headers(unit="HT-CL-OTHER")).status_code == 403
    assert upload(client, report.id, "x.pdf", PDF,
                  who=headers(Role.DISTRICT_REVIEWER, REVIEWER, "reviewer")).status_code == 403
    assert upload(client, report.id, "x.pdf", PDF, criterion="9.9").json["reason"] == "unknown_criterion"
    assert stored(runtime, tmp_path) == (0, [])

    unit_catalog = load_catalog(report.catalog_version).unit_type(report.unit_type)
    accepted = [upload(client, report.id, f"minh-chung-{code}.pdf", PDF, criterion=code).json["id"]
                for code in evidence_criteria(unit_catalog)]
    assert client.post(f"/reports/{report.id}/submit", json={}, headers=headers()).status_code == 200
    late = upload(client, report.id, "ke-hoach-moi.pdf", PDF + b"%v2\n")
    assert late.status_code == 409
    rows, files = stored(runtime, tmp_path)
    assert rows == len(accepted) and sorted(path.name for path in files) == sorted(accepted)


def test_a_criterion_takes_a_bounded_number_of_files(service, report):
    """Forty files on one criterion were accepted; the quota here is 3 (CQS_EVIDENCE_MAX_FILES_PER_CRITERION)."""
    _runtime, client = service
    for n in range(3):
        assert upload(client, report.id, f"ban-{n}.pdf", PDF).status_code == 201
    refused = upload(client, report.id, "ban-3.pdf", PDF)
    assert refused.status_code == 422 and refused.json["reason"] == "quota_criterion"
    assert upload(client, report.id, "khac.pdf", PDF, criterion="1.2").status_code == 201
