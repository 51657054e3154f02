"""The score as its readers see it: numbers as numbers, each input's source, and the reviewer's
adjustments marked with their reason."""
from __future__ import annotations

import datetime as dt

from services.scoring.domain.breakdown import explained
from services.scoring.domain.scores import ScoreSheet
from shared.criteria import load_catalog, score_report
from shared.domain.report_header import ReportHeader
from tests.support.answers import complete_answers

COMMUNE = load_catalog("hatinh-2021-ref-1").unit_type("commune")
NOW = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)


def test_the_breakdown_gives_numbers_sources_and_adjustments_with_their_reason():
    answers = {**complete_answers(COMMUNE), "villages_with_team": 7}
    del answers["portal_quality_score"]
    sources = {"villages_with_team": {"kind": "unit", "adjusted": True, "adjusted_by": "r", "reason": "Chỉ 7 thôn"},
               "tasks_assigned": {"kind": "reviewer", "agency": "district_office", "by": "r", "at": "2026-11-19"}}
    adjustments = [{"criterion": "2.3", "target": "field", "field": "villages_with_team", "before": 9, "after": 7,
                    "reason": "Chỉ 7 thôn", "by": "r", "at": "2026-11-19"}]
    sheet = ScoreSheet("r1", ReportHeader("2026", "X01", "Xã", "commune", "H", "district"))
    sheet.take_verified("hatinh-2021-ref-1", 1, answers, {}, {"portal_quality_score": "Cổng ngừng hoạt động"},
                        sources, adjustments)
    score = sheet.score(COMMUNE, reason="verified", now=NOW)
    view = explained(score.breakdown, COMMUNE, answers=sheet.answers, input_sources=sheet.input_sources,
                     no_data=sheet.no_data, adjustments=sheet.adjustments)
    engine = score_report(COMMUNE, answers)
    assert view["total"] == float(engine.total)
    criteria = {c["code"]: c for c in view["criteria"]}
    assert criteria["2.3"]["adjusted"] is True and criteria["2.3"]["adjustment_reason"] == "Chỉ 7 thôn"
    inputs = {i["key"]: i for c in view["criteria"] for i in c["inputs"]}
    assert inputs["villages_with_team"]["value"] == 7 and type(inputs["villages_with_team"]["value"]) is int
    assert inputs["villages_with_team"]["source"]["adjusted"] is True
    assert inputs["tasks_assigned"]["source"]["kind"] == "reviewer"
    assert inputs["portal_quality_score"]["value"] is None
    assert inputs["portal_quality_score"]["source"]["no_data"] == "Cổng ngừng hoạt động"
    assert criteria["6.6"]["points"] == 0 and criteria["6.6"]["adjusted"] is False
    assert all(isinstance(c["max_points"], (int, float)) for c in view["criteria"])
    assert all(isinstance(g["points"], (int, float)) for g in view["groups"])
