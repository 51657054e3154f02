"""The exports of published results, read back by their real readers (openpyxl, csv, pypdf),
from the publication service on the real PostgreSQL."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from services.publication import bootstrap as publication
from services.publication.entrypoints import consumers
from shared.auth import Role, issue_token
from shared.cloudevents import CloudEvent
from shared.criteria import load_catalog
from shared.criteria.engine import score_report
from tests.support.answers import complete_answers
from tests.support.keys import TEST_KEY
from tests.support.round_events import round_closed, round_opened

pytestmark = pytest.mark.integration
ROUND, VERSION = "2026-annual", "hatinh-2021-ref-1"
UNITS = {"STC": "Sở Tài chính", "SNV": "Sở Nội vụ", "SYT": "=Sở Y tế"}  # a name a spreadsheet would evaluate
DECISION = "Quyết định số 123/QĐ-UBND ngày 20/01/2027 của UBND tỉnh Hà Tĩnh"


@pytest.fixture
def service(settings_for):
    runtime = publication.runtime(settings_for("publication"))
    runtime.migrate()
    yield runtime, publication.create_app(runtime).test_client()
    runtime.engine.dispose()


def handle(runtime, handler_name, routing_key, data):
    """As the service's consumer runs its handler `handler_name` on an event with `data`."""
    [subscription] = [found for found in consumers.subscriptions() if found.handler_name == handler_name]
    with runtime.uow_factory() as uow:
        subscription.handle(uow, CloudEvent(id=f"{routing_key}-{data.get('report_id', '')}", source="/cqs/test",
                                            type=f"vn.gov.cqs.{routing_key}", subject="x",
                                            time="2026-11-01T00:00:00Z", data=data))
        uow.commit()


def scored(code: str, answers: dict) -> dict:
    result = score_report(load_catalog(VERSION).unit_type("province_department"), answers).to_dict()
    return {"report_id": f"r-{code}", "round_id": ROUND, "unit_code": code, "unit_name_vi": UNITS[code],
            "unit_type": "province_department", "reviewer_unit_code": "SKHCN", "reviewer_kind": "department",
            "score_id": f"s-{code}", "catalog_version": VERSION, "total": result["total"],
            "groups": {group["code"]: group["points"] for group in result["groups"]},
            "criteria": {criterion["code"]: criterion["points"] for criterion in result["criteria"]},
            "catalog_fingerprint": result["catalog_fingerprint"], "inputs_hash": result["inputs_hash"],
            "classification": result["classification"], "complete": result["complete"],
            "scored_at": "2026-11-20T08:00:00+00:00"}


@pytest.fixture
def published(service):
    runtime, client = service
    units = [{"code": code, "unit_name_vi": name, "unit_type": "province_department", "reviewer_unit_code": "SKHCN",
              "reviewer_kind": "department"} for code, name in UNITS.items()]
    handle(runtime, "on_round_opened", "round.opened", round_opened(ROUND, 2026, units=units))
    answers = complete_answers(load_catalog(VERSION).unit_type("province_department"))
    for code in ("STC", "SNV"):  # the same answers: a tie
        handle(runtime, "on_report_scored", "report.scored", scored(code, answers))
    handle(runtime, "on_report_scored", "report.scored", scored("SYT", {**answers, "tasks_done_on_time": 3}))
    handle(runtime, "on_round_closed", "round.closed", round_closed(ROUND, 2026))
    admin = {"Authorization": f"Bearer {issue_token(TEST_KEY, 'admin', Role.ADMIN, 'HT')}"}
    response = client.post(f"/rounds/{ROUND}/publish", headers=admin, json={"decision_reference": DECISION})
    assert response.status_code == 201, response.json
    return client


def export(client, path, file_format):
    response = client.get(path, query_string={"format": file_format})
    assert response.status_code == 200, response.data[:300]
    return response


def test_the_ranking_as_xlsx_csv_and_pdf(published):
    client = published
    path = f"/rounds/{ROUND}/rankings/province_department/export"
    book = openpyxl.load_workbook(io.BytesIO(export(client, path, "xlsx").data))
    sheet = book.active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0][0] == "UBND TỈNH HÀ TĨNH" and "NĂM 2026" in cells[1][0]
    assert any(DECISION in str(row[0]) for row in cells[:6])
    header_at = next(i for i, row in enumerate(cells) if row[0] == "Xếp hạng")
    header, body = cells[header_at], cells[header_at + 1:]
    total_at = header.index("Tổng điểm")
    assert [(row[0], row[1]) for row in body] == [(1, "SNV"), (1, "STC"), (3, "SYT")]  # a tie shares rank 1
    assert isinstance(body[0][total_at], (int, float)) and body[0][total_at] > body[2][total_at]
    assert sheet.cell(row=header_at + 2, column=total_at + 1).font.bold
    assert body[0][2] == "Sở Nội vụ" and body[0][header.index("Xếp loại")] in ("Tốt", "Khá")

    response = export(client, path, "csv")
    assert response.data.startswith("\ufeff".encode()) and response.content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Xếp hạng", "Mã đơn vị", "Tên đơn vị"]
    assert [row[2] for row in rows[1:]] == ["Sở Nội vụ", "Sở Tài chính", "'=Sở Y tế"]  # never a live formula
    assert Decimal(rows[1][rows[0].index("Tổng điểm")]) == Decimal(body[0][total_at]).quantize(Decimal("0.01"))

    response = export(client, path, "pdf")
    assert response.content_type == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("UBND TỈNH HÀ TĨNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Sở Tài chính", "Sở Nội vụ",
                     "123/QĐ-UBND", "Kết quả tạm thời"):
        assert expected in text, expected


def test_a_units_result_as_xlsx_and_pdf(published):
    client = published
    path = f"/rounds/{ROUND}/units/STC/export"
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, path, "xlsx").data)).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    rows = {row[0]: row for row in cells if row[0]}
    catalog = load_catalog(VERSION).unit_type("province_department")
    assert rows["1"][1] == catalog.groups[0].name.vi and rows["1.5"][3] == 20  # 8 of 10 tasks on time
    total = next(row for row in cells if row[1] == "Tổng điểm")
    assert sum(Decimal(str(rows[group.code][3])) for group in catalog.groups) == Decimal(str(total[3]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(export(client, path, "pdf").data)).pages)
    assert "Sở Tài chính (STC)" in text and catalog.groups[0].name.vi.split()[0] in text


def test_only_published_rankings_export(service):
    _runtime, client = service
    assert client.get(f"/rounds/{ROUND}/rankings/province_department/export").status_code == 404
    assert client.get(f"/rounds/{ROUND}/units/STC/export", query_string={"format": "pdf"}).status_code == 404
