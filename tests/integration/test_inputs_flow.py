"""Every input filled by its owner, on the real PostgreSQL and RabbitMQ: a round opens; the agencies'
data providers import their measured inputs (an XLSX with a bad row is refused whole, naming the line;
the corrected file is taken; a later file supersedes an earlier one, both kept); the unit sees them
read-only, fills its own part and submits; the reviewer cannot verify while one of its inputs is
empty (409 naming it), fills it and verifies; the score shows each input's source and equals the
engine's result on the same full inputs."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import threading

import pytest
from openpyxl import Workbook

from services.review import bootstrap as review
from services.rounds.adapters.seed_files import HATINH_UNIT_FILES, REVIEW_MODELS_FILE
from services.rounds.domain.calendar import VIETNAM_TZ
from services.rounds.service_layer import registry
from services.scoring import bootstrap as scoring
from services.submission import bootstrap as submission
from services.submission.adapters.measurement_files import COLUMNS
from shared.auth import Role
from shared.criteria import load_catalog, score_report
from shared.criteria.suppliers import REVIEWER, SYSTEM, fields_supplied_by
from tests.support import asyncapi, http_flow
from tests.support.answers import complete_answers, evidence_criteria, unit_answers
from tests.support.documents import MINIMAL_PDF
from tests.support.keys import TEST_KEY
from tests.support.partner import PartnerSubscriber
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
UNIT = "STC"  # Sở Tài chính
ROUND = "2026-annual"
PDF = MINIMAL_PDF
ONE_STOP = "Hệ thống thông tin giải quyết TTHC tỉnh"


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def auth(role: Role, unit: str, user: str) -> dict[str, str]:
    return http_flow.auth(TEST_KEY, role, unit, user)


ADMIN = auth(Role.ADMIN, "HT", "admin@ht")
REPORTER = auth(Role.UNIT_REPORTER, UNIT, "can.bo.stc")
PPC = auth(Role.DATA_PROVIDER, "ppc_office", "vp.ubnd@hatinh")
DIC = auth(Role.DATA_PROVIDER, "dic", "svc-soc")  # a machine account of the Department's systems


@pytest.fixture
def system(settings_for, amqp_url, namespace):
    partner = PartnerSubscriber(amqp_url, namespace, patterns=("measurements.*", "report.*"))
    runtimes = {name: module.runtime(settings_for(name))
                for name, module in (("submission", submission), ("review", review), ("scoring", scoring))}
    stop = threading.Event()
    threads = []
    for runtime in runtimes.values():
        runtime.migrate()
        threads += runtime.start_background(stop)
    runtimes["submission"].clock = Clock(dt.datetime(2025, 11, 15, 8, tzinfo=VIETNAM_TZ))
    registry.load_units(runtimes["submission"].uow_factory(), HATINH_UNIT_FILES)
    registry.load_review_models_file(runtimes["submission"].uow_factory(), REVIEW_MODELS_FILE)
    clients = {name: module.create_app(runtimes[name]).test_client()
               for name, module in (("submission", submission), ("review", review), ("scoring", scoring))}
    yield clients, partner
    stop.set()
    for thread in threads:
        thread.join(10)
    partner.close()
    for runtime in runtimes.values():
        runtime.engine.dispose()


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    book.active.append(list(COLUMNS))
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, headers, name: str, content: bytes):
    return client.post(f"/rounds/{ROUND}/measurements", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), name)})


def test_every_input_is_filled_by_its_owner_and_the_score_shows_each_source(system):
    clients, partner = system
    sub, rev, sco = clients["submission"], clients["review"], clients["scoring"]

    # A round opens: one draft per unit.
    assert sub.post("/rounds", json={"kind": "annual_evaluation", "year": 2026}, headers=ADMIN).status_code == 201
    assert sub.post(f"/rounds/{ROUND}/open", headers=ADMIN).status_code == 200
    [report] = sub.get("/reports", query_string={"round_id": ROUND}, headers=REPORTER).json
    unit_catalog = load_catalog(report["catalog_version"]).unit_type(report["unit_type"])
    full = complete_answers(unit_catalog)
    ppc_fields = fields_supplied_by(unit_catalog, SYSTEM, "ppc_office")
    dic_fields = fields_supplied_by(unit_catalog, SYSTEM, "dic")
    assert ppc_fields and dic_fields

    # Văn phòng UBND tỉnh's XLSX with one bad row: refused whole, the line and the field named.
    rows = [[UNIT, name, full[name], ONE_STOP, dt.date(2025, 10, 31)] for name in ppc_fields]
    bad = [list(row) for row in rows]
    bad[1][2] = "không rõ"  # sheet row 3
    refused = upload(sub, PPC, "tthc-2026.xlsx", xlsx(bad))
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    assert [(e["line"], e["field"]) for e in refused.json["problems"]] == [(3, "value")]
    assert list(refused.json["errors"]) == ["rows.3.value"]
    assert "dòng 3" in refused.json["detail"] and "line 3" in refused.json["detail_en"]
    assert sub.get(f"/rounds/{ROUND}/measurements/imports", headers=PPC).json == []
    assert sub.get(f"/reports/{report['id']}", headers=REPORTER).json["measured"] == {}

    # The corrected file is taken, kept with its SHA-256.
    corrected = xlsx(rows)
    taken = upload(sub, PPC, "tthc-2026-sua.xlsx", corrected)
    assert taken.status_code == 201, taken.json
    assert taken.json["sha256"] == hashlib.sha256(corrected).hexdigest() and taken.json["rows"] == len(ppc_fields)
    # Another agency may not send Văn phòng UBND tỉnh's figures.
    assert upload(sub, DIC, "x.csv", f"{','.join(COLUMNS)}\n{UNIT},{ppc_fields[0]},1,SOC,2025-10-31\n"
                  .encode()).json["problems"][0]["rule"] == "not_agency_input"

    # Sở KH&CN's systems send JSON, then a correction as CSV that supersedes it: both are kept.
    first = [{"unit_code": UNIT, "field": name, "value": (not full[name]) if isinstance(full[name], bool) else 1,
              "source_system": "SOC", "as_of": "2025-10-30"} for name in dic_fields]
    first_import = upload(sub, DIC, "soc.json", json.dumps(first).encode())
    assert first_import.status_code == 201, first_import.json
    written = {True: "Có", False: "Không"}  # a yes/no typed as a clerk would
    lines = [",".join(COLUMNS)] + [f"{UNIT},{name},{written[v] if isinstance(v := full[name], bool) else v},SOC,2025-10-31"
                                   for name in dic_fields]
    second_import = upload(sub, DIC, "soc-sua.csv", ("\n".join(lines) + "\n").encode())
    assert second_import.status_code == 201 and second_import.json["supersedes"] == first_import.json["id"]
    history = sub.get(f"/rounds/{ROUND}/measurements/imports", headers=ADMIN).json
    assert {(item["id"], item["superseded_by"]) for item in history} == {
        (first_import.json["id"], second_import.json["id"]), (second_import.json["id"], None),
        (taken.json["id"], None)}

    # The unit sees the measured values read-only with their source, and is told only of its own gaps.
    measured = sub.get(f"/reports/{report['id']}", headers=REPORTER).json["measured"]
    assert set(measured) == set(ppc_fields) | set(dic_fields)
    assert measured[ppc_fields[0]]["source_system"] == ONE_STOP and measured[ppc_fields[0]]["as_of"] == "2025-10-31"
    assert sub.patch(f"/reports/{report['id']}", headers=REPORTER,
                     json={"answers": {ppc_fields[0]: 1}}).status_code == 422
    reviewer_fields = fields_supplied_by(unit_catalog, REVIEWER)
    preview = sub.get(f"/reports/{report['id']}/preview", headers=REPORTER).json
    assert {item["field"] for item in preview["owed_by_others"]} == {
        name for name in reviewer_fields if unit_catalog.fields[name].required}
    assert {item["supplied_by"] for item in preview["owed_by_others"]} == {"reviewer"}
    assert not set(preview["missing_required"]) & set(reviewer_fields)

    # The unit fills its part (a whole number sent as text is stored as a number) and submits.
    answers = unit_answers(unit_catalog)
    whole = next(name for name in answers if unit_catalog.fields[name].type == "int"
                 and not unit_catalog.fields[name].enum)
    patched = sub.patch(f"/reports/{report['id']}", headers=REPORTER,
                        json={"answers": {**answers, whole: f" {answers[whole]}.0 "}})
    assert patched.status_code == 200, patched.json
    assert patched.json["answers"][whole] == answers[whole] and type(patched.json["answers"][whole]) is int
    for criterion in evidence_criteria(unit_catalog):
        assert sub.post(f"/reports/{report['id']}/evidence", headers=REPORTER, content_type="multipart/form-data",
                        data={"criterion": criterion, "file": (io.BytesIO(PDF), f"{criterion}.pdf")}).status_code == 201
    assert sub.post(f"/reports/{report['id']}/submit", json={}, headers=REPORTER).status_code == 200

    # The reviewer sees its inputs with their types and the measured ones with their source.
    reviewer = auth(Role.DEPARTMENT_REVIEWER, report["reviewer_unit_code"], "tham.dinh.vien")
    case = eventually(lambda: (r := rev.get(f"/cases/{report['id']}", headers=reviewer)).status_code == 200
                    and all(i["value"] is not None for i in r.json["measured_inputs"]) and r.json,
                    what="the case with the measured values")
    owed = {item["key"]: item for item in case["reviewer_inputs"]}
    assert set(owed) == set(reviewer_fields)
    assert all(item["type"] == unit_catalog.fields[key].type and item["value"] is None for key, item in owed.items())
    by_key = {item["key"]: item for item in case["measured_inputs"]}
    assert by_key[dic_fields[0]]["source"]["import_id"] == second_import.json["id"]
    assert by_key[dic_fields[0]]["value"] == full[dic_fields[0]]

    # It decides every criterion, filling its inputs but one; verify is refused naming that one.
    left_empty = next(name for name in reviewer_fields if unit_catalog.fields[name].required)
    for criterion in case["undecided"]:
        inputs = [f.field for f in unit_catalog.criteria_by_code[criterion].inputs]
        values = {name: full[name] for name in inputs if name in owed and name != left_empty}
        case = rev.post(f"/cases/{report['id']}/decisions", headers=reviewer, json={
            "criterion": criterion, "decision": "accept", "values": values, "expected_version": case["version"]}).json
    refused = rev.post(f"/cases/{report['id']}/verify", headers=reviewer, json={"expected_version": case["version"]})
    assert refused.status_code == 409, refused.json
    assert [item["field"] for item in refused.json["missing_inputs"]] == [left_empty]
    assert left_empty in refused.json["detail"] and left_empty in refused.json["detail_en"]

    code = next(c.code for c in unit_catalog.criteria if left_empty in {f.field for f in c.inputs})
    filled = rev.post(f"/cases/{report['id']}/decisions", headers=reviewer, json={
        "criterion": code, "decision": "accept", "values": {left_empty: full[left_empty]},
        "expected_version": case["version"]})
    assert filled.status_code == 200, filled.json
    case = filled.json
    assert case["missing_inputs"] == [] and case["decisions"][code]["filled"][left_empty] == full[left_empty]
    verified = rev.post(f"/cases/{report['id']}/verify", headers=reviewer, json={"expected_version": case["version"]})
    assert verified.status_code == 200 and verified.json["status"] == "verified", verified.json

    # The score: each input's source, numbers as numbers, equal to the engine on the same full inputs.
    score = eventually(lambda: (r := sco.get(f"/scores/{report['id']}", headers=REPORTER)).status_code == 200 and r.json,
                     what="the score")
    breakdown = score["breakdown"]
    sources = {item["key"]: item["source"] for c in breakdown["criteria"] for item in c["inputs"]}
    assert sources[ppc_fields[0]] == {"kind": "system", "agency": "ppc_office", "system": ONE_STOP,
                                      "as_of": "2025-10-31", "import_id": taken.json["id"]}
    assert sources[left_empty]["kind"] == "reviewer" and sources[left_empty]["by"] == "tham.dinh.vien"
    assert sources[whole] == {"kind": "unit"}
    assert all(source["kind"] in ("unit", "reviewer", "system", "catalog_default") for source in sources.values())

    expected = score_report(unit_catalog, {**answers, **{name: full[name] for name in ppc_fields + dic_fields},
                                           **{name: full[name] for name in reviewer_fields}})
    assert expected.complete
    assert breakdown["total"] == float(expected.total) and isinstance(breakdown["total"], (int, float))
    assert {c["code"]: c["points"] for c in breakdown["criteria"]} == {
        c.code: None if c.points is None else float(c.points) for c in expected.criteria}
    assert not any(c["adjusted"] for c in breakdown["criteria"])

    events = partner.collect(lambda got: any(e["type"].endswith("report.verified") for e in got))
    imported = [e for e in events if e["type"].endswith("measurements.imported")]
    assert [e["data"]["import_id"] for e in imported] == [taken.json["id"], first_import.json["id"],
                                                          second_import.json["id"]]
    for event in events:
        asyncapi.validate(event["type"].removeprefix("vn.gov.cqs."), event)
    [verified_event] = [e for e in events if e["type"].endswith("report.verified")]
    assert verified_event["data"]["input_sources"][dic_fields[0]]["import_id"] == second_import.json["id"]
