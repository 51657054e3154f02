import datetime as dt
from decimal import Decimal

import pytest

from services.publication.domain.publication import (
    FeedbackWindowOpen,
    NothingToPublish,
    PublicationRefused,
    PublishedStanding,
    RoundPublication,
    RoundStillOpen,
    Stage,
)
from services.publication.domain.rankings import CatalogRules, PreviousStanding, Score
from shared.criteria.model import ClassificationTier
from shared.domain.bilingual import Bilingual
from shared.domain.report_header import ReportHeader

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)
BANDS = (ClassificationTier("tot", Bilingual("Tốt", "Good"), Decimal(800)),
         ClassificationTier("kha", Bilingual("Khá", "Fair"), Decimal(650)),
         ClassificationTier("trung_binh", Bilingual("Trung bình", "Average"), Decimal(500)),
         ClassificationTier("yeu", Bilingual("Yếu", "Weak"), Decimal(0)))
RULES = CatalogRules(tie_breakers=lambda _v: ["6", "5", "4", "3", "2", "1"], bands=lambda _v: BANDS)


def score(code, unit_type, reviewer, kind, groups, score_id=None):
    return Score(report_id=f"r-{code}", header=unit(code, unit_type, reviewer, kind), score_id=score_id or f"s-{code}",
                 catalog_version="v1", total=sum((Decimal(p) for p in groups.values()), Decimal(0)),
                 groups={k: str(v) for k, v in groups.items()}, criteria={"1.1": "10.00"})


def unit(code, unit_type, reviewer, kind):
    return ReportHeader("2026-annual", code, f"Đơn vị {code}", unit_type, reviewer, kind)


def groups(g6, rest=100):
    return {"1": rest, "2": rest, "3": rest, "4": rest, "5": rest, "6": g6}


SCORES = [
    score("D1", "district", "STTTT", "department", groups(200)),  # 700
    score("D2", "district", "STTTT", "department", groups(250)),  # 750
    score("X1", "commune", "H-A", "district", groups(100)),  # 600
    score("X2", "commune", "H-A", "district", groups(150)),  # 650
    score("Y1", "commune", "H-B", "district", groups(120)),  # 620
]
EXPECTED = [unit("D1", "district", "STTTT", "department"), unit("D2", "district", "STTTT", "department"),
            unit("D3", "district", "STTTT", "department"), unit("X1", "commune", "H-A", "district"),
            unit("X2", "commune", "H-A", "district"), unit("Y1", "commune", "H-B", "district"),
            unit("Z1", "commune", "H-C", "district")]


class Published:
    """What the repository would hand the aggregate: the latest standing per (scope, unit)."""

    def __init__(self):
        self.last: dict = {}

    def record(self, snapshot):
        for standing in snapshot.standings:
            self.last[(standing.scope, standing.unit_code)] = PublishedStanding(
                standing.report_id, standing.score_id, standing.unit_name_vi, standing.rank, standing.total)


def closed_round(kind="annual_evaluation"):
    publication = RoundPublication("2026-annual")
    publication.kind = kind
    publication.close()
    publication.reporting_districts = ["H-A", "H-B", "H-C"]
    return publication


def district(publication, published, code, scores=SCORES, now=NOW):
    snapshot = publication.publish_district(code, scores, EXPECTED, RULES, last_published=published.last,
                                            previous_year={}, by="u", now=now)
    published.record(snapshot)
    return snapshot


def province(publication, published, scores=SCORES, now=NOW, previous_year=None, **options):
    snapshot = publication.publish_province(scores, EXPECTED, RULES, last_published=published.last,
                                            previous_year=previous_year or {}, by="u", now=now, **options)
    published.record(snapshot)
    return snapshot


def ranks(ranking):
    return [(standing.unit_code, standing.rank) for standing in ranking.standings]


def test_a_district_publishes_its_communes_ranked_within_the_district():
    publication, published = closed_round(), Published()
    snapshot = district(publication, published, "H-A")
    [ranking] = snapshot.rankings
    assert ranking.scope == "commune:H-A" and ranks(ranking) == [("X2", 1), ("X1", 2)] and ranking.complete
    assert snapshot.version == 1 and snapshot.stage is Stage.DISTRICT
    assert [event.routing_key for event in publication.events] == ["report.published"] * 2
    assert publication.status == "closed"  # only the province publishes the round
    with pytest.raises(NothingToPublish):  # nothing changed since
        district(publication, published, "H-A")


def test_the_province_ranks_every_scope_and_names_the_districts_that_have_not_reported():
    publication, published = closed_round(), Published()
    district(publication, published, "H-A")
    publication.events.clear()
    snapshot = province(publication, published, feedback_days=7)
    by_scope = {ranking.scope: ranking for ranking in snapshot.rankings}
    assert list(by_scope) == ["district", "commune", "commune:H-A"]
    assert ranks(by_scope["district"]) == [("D2", 1), ("D1", 2)]
    assert [dict(m)["unit_code"] for m in by_scope["district"].missing_units] == ["D3"]
    assert not by_scope["district"].complete
    # Y1's district has not reported: not counted yet, and the commune ranking says so
    assert ranks(by_scope["commune"]) == [("X2", 1), ("X1", 2)]
    assert by_scope["commune"].missing_districts == ("H-B", "H-C")
    assert snapshot.stage is Stage.PROVISIONAL and snapshot.version == 2
    assert publication.feedback_closes_at == NOW + dt.timedelta(days=7)
    # X1 and X2 were published by their district already: only D1 and D2 are new
    assert sorted(e.unit_code for e in publication.events if e.routing_key == "report.published") == ["D1", "D2"]
    round_published = publication.events[-1]
    assert (round_published.stage, round_published.snapshot_version, round_published.reports_published) == (
        "provisional", 2, 4)


def test_ties_share_a_rank_after_the_catalogs_tie_breakers_and_the_next_rank_is_skipped():
    publication, published = closed_round(), Published()
    tied = [score("A", "province_department", "SKHCN", "department", groups(100, rest=124)),  # 720, g6 100
            score("B", "province_department", "SKHCN", "department", groups(120, rest=120)),  # 720, g6 120: wins the tie
            score("C", "province_department", "SKHCN", "department", groups(120, rest=120)),  # same as B: shares rank 1
            score("D", "province_department", "SKHCN", "department", groups(50))]  # 550
    snapshot = province(publication, published, scores=tied)
    [ranking] = [r for r in snapshot.rankings if r.scope == "province_department"]
    assert ranks(ranking) == [("B", 1), ("C", 1), ("A", 3), ("D", 4)]
    assert [standing.band["name_vi"] for standing in ranking.standings] == ["Khá", "Khá", "Khá", "Trung bình"]


def test_provisional_then_final_after_the_window_and_every_answer():
    publication, published = closed_round(), Published()
    province(publication, published, feedback_days=10)
    with pytest.raises(FeedbackWindowOpen):
        province(publication, published, now=NOW + dt.timedelta(days=3))
    with pytest.raises(FeedbackWindowOpen, match="kiến nghị"):
        province(publication, published, now=NOW + dt.timedelta(days=11), pending_requests=1)
    publication.events.clear()
    final = province(publication, published, now=NOW + dt.timedelta(days=11))
    assert final.stage is Stage.FINAL and final.version == 2 and publication.status == "final"
    assert [event.routing_key for event in publication.events] == ["round.published"]  # no score changed


def test_a_correction_is_a_new_version_with_a_note_and_what_changed():
    publication, published = closed_round(), Published()
    province(publication, published)
    province(publication, published, now=NOW + dt.timedelta(days=11))
    with pytest.raises(PublicationRefused, match="ghi chú"):
        province(publication, published, now=NOW + dt.timedelta(days=12))
    with pytest.raises(NothingToPublish):
        province(publication, published, now=NOW + dt.timedelta(days=12), note="không đổi")
    rescored = [s for s in SCORES if s.unit_code != "D1"] + [
        score("D1", "district", "STTTT", "department", groups(300), score_id="s-D1-2")]  # 800
    correction = province(publication, published, scores=rescored, now=NOW + dt.timedelta(days=12),
                          note="Đính chính điểm của D1")
    assert correction.stage is Stage.CORRECTION and correction.version == 3
    assert [(c.unit_code, c.rank_before, c.rank_after, str(c.total_before), str(c.total_after))
            for c in correction.changes] == [("D1", 2, 1, "700", "800"), ("D2", 1, 2, "750", "750")]


def test_the_province_publishes_only_a_closed_round_but_a_district_may_publish_before():
    publication, published = closed_round(), Published()
    publication.status = "open"
    with pytest.raises(RoundStillOpen, match="chưa kết thúc"):
        province(publication, published)
    assert [s.unit_code for s in district(publication, published, "H-A").standings] == ["X2", "X1"]


def test_communes_reviewed_by_the_province_are_ranked_province_wide_only():
    publication, published = closed_round(), Published()
    communes = [score("X1", "commune", "SKHCN", "department", groups(100)),
                score("X2", "commune", "SKHCN", "department", groups(150))]
    snapshot = province(publication, published, scores=communes)
    assert [(r.scope, ranks(r)) for r in snapshot.rankings if r.standings] == [
        ("commune", [("X2", 1), ("X1", 2)])]


def test_the_change_against_last_years_rank_and_score():
    publication, published = closed_round(), Published()
    last_year = {"district": {"D1": PreviousStanding(1, Decimal("720")), "D2": PreviousStanding(2, Decimal("690"))}}
    snapshot = province(publication, published, previous_year=last_year)
    d1, d2 = snapshot.rankings[0].standings[1], snapshot.rankings[0].standings[0]
    assert (d1.unit_code, d1.rank_change, d1.total_change) == ("D1", -1, Decimal("-20"))
    assert (d2.unit_code, d2.rank_change, d2.total_change) == ("D2", 1, Decimal("60"))


def test_a_progress_update_is_published_once_without_ranks_or_window():
    publication, published = closed_round("progress_update"), Published()
    snapshot = province(publication, published)
    assert snapshot.stage is Stage.FINAL and {s.rank for s in snapshot.standings} == {None}
    assert publication.feedback_closes_at is None


def test_a_district_publication_is_its_report_to_the_province_late_after_the_due_date():
    publication, published = closed_round(), Published()
    publication.commune_results_due = dt.datetime(2026, 11, 15, tzinfo=dt.timezone.utc)
    district(publication, published, "H-A")  # NOW is 25 Nov: late
    [report] = publication.district_reports
    assert report["district"] == "H-A" and report["communes_published"] == 2 and report["late"] is True
    publication.commune_results_due = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    district(publication, published, "H-B")
    assert publication.district_reports[-1]["late"] is False


def test_the_department_sees_every_district_that_owes_a_report_reported_or_pending():
    publication, published = closed_round(), Published()
    publication.commune_results_due = dt.datetime(2026, 11, 15, tzinfo=dt.timezone.utc)
    district(publication, published, "H-A")
    before_due = publication.district_report_status(dt.datetime(2026, 11, 14, tzinfo=dt.timezone.utc))
    assert [(item["district"], item["status"], item["late"]) for item in before_due] == [
        ("H-A", "reported", True), ("H-B", "pending", False), ("H-C", "pending", False)]
    after_due = publication.district_report_status(dt.datetime(2026, 11, 16, tzinfo=dt.timezone.utc))
    assert [(item["district"], item["late"]) for item in after_due] == [("H-A", True), ("H-B", True), ("H-C", True)]
