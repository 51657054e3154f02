import datetime as dt

import pytest

from services.publication.domain.publication import NothingToPublish, RoundPublication, RoundStillOpen

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)
TIE_BREAKERS = ["6", "5", "4", "3", "2", "1"]


def scored(report_id, unit_type, reviewer, kind, groups):
    total = sum(groups.values())
    return {"report_id": report_id, "unit_code": report_id.upper(), "unit_name_vi": report_id,
            "unit_type": unit_type, "reviewer_unit_code": reviewer, "reviewer_kind": kind,
            "score_id": f"s-{report_id}", "catalog_version": "v1", "total": str(total),
            "groups": {code: str(points) for code, points in groups.items()},
            "classification": {"code": "kha"}, "scored_at": NOW.isoformat()}


def groups(g6, rest=100):
    return {"1": rest, "2": rest, "3": rest, "4": rest, "5": rest, "6": g6}


def publication_2021() -> RoundPublication:
    publication = RoundPublication("2026-annual")
    publication.status = "closed"
    for data in (
        scored("d1", "district", "STTTT", "department", groups(200)),
        scored("d2", "district", "STTTT", "department", groups(250)),
        scored("x1", "commune", "H-A", "district", groups(100)),
        scored("x2", "commune", "H-A", "district", groups(150)),
        scored("y1", "commune", "H-B", "district", groups(120)),
    ):
        publication.record_score(data)
    return publication


def publish(publication, unit=None):
    return publication.publish(publisher_unit=unit, by="u", now=NOW, tie_breakers_for=lambda _v: TIE_BREAKERS)


def test_a_district_publishes_only_its_communes_ranked_within_the_district():
    publication = publication_2021()
    published = publish(publication, unit="H-A")
    assert {(r.unit_code, r.published_rank, r.ranking_scope) for r in published} == {
        ("X2", 1, "commune:H-A"), ("X1", 2, "commune:H-A")}
    assert [event.routing_key for event in publication.events] == ["report.published"] * 2
    assert publication.status == "closed"  # only the province publishes the round


def test_the_province_publishes_the_rest_and_the_round():
    publication = publication_2021()
    publish(publication, unit="H-A")
    publication.events.clear()
    published = publish(publication)
    assert {r.unit_code: r.published_rank for r in published} == {"D2": 1, "D1": 2, "Y1": 1}
    assert publication.events[-1].routing_key == "round.published"
    assert publication.status == "published"
    with pytest.raises(NothingToPublish):
        publish(publication)


def test_the_province_publishes_only_a_closed_round_but_a_district_may_publish_before():
    publication = publication_2021()
    publication.status = "open"
    with pytest.raises(RoundStillOpen, match="chưa kết thúc"):
        publish(publication)
    assert [r.unit_code for r in publish(publication, unit="H-A")] == ["X1", "X2"]


def test_communes_reviewed_by_the_province_are_ranked_province_wide():
    publication = RoundPublication("2026-annual")
    publication.status = "closed"
    publication.record_score(scored("x1", "commune", "SKHCN", "department", groups(100)))
    publication.record_score(scored("x2", "commune", "SKHCN", "department", groups(150)))
    published = publish(publication)
    assert {(r.unit_code, r.published_rank, r.ranking_scope) for r in published} == {
        ("X2", 1, "commune"), ("X1", 2, "commune")}


def test_a_progress_update_is_published_without_ranks():
    publication = publication_2021()
    publication.kind = "progress_update"
    published = publish(publication)
    assert {r.published_rank for r in published} == {None}


def test_a_rescore_after_publication_waits_for_the_next_publication():
    publication = publication_2021()
    publish(publication)
    data = scored("d1", "district", "STTTT", "department", groups(300))
    data["score_id"] = "s-d1-rescored"
    publication.record_score(data)
    d1 = publication.result_for("d1")
    assert d1.awaiting_publication and d1.published_total == 700
    assert [r.unit_code for r in publish(publication)] == ["D1"]


def test_a_district_publication_is_its_report_to_the_province_late_after_the_due_date():
    publication = publication_2021()
    publication.commune_results_due = dt.datetime(2026, 11, 15, tzinfo=dt.timezone.utc)
    publish(publication, unit="H-A")  # NOW is 25 Nov: late
    [report] = publication.district_reports
    assert report["district"] == "H-A" and report["communes_published"] == 2 and report["late"] is True
    publication.commune_results_due = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    publish(publication, unit="H-B")
    assert publication.district_reports[-1]["late"] is False


def test_the_department_sees_every_district_that_owes_a_report_reported_or_pending():
    publication = publication_2021()
    publication.reporting_districts = ["H-A", "H-B", "H-C"]
    publication.commune_results_due = dt.datetime(2026, 11, 15, tzinfo=dt.timezone.utc)
    publish(publication, unit="H-A")
    before_due = publication.district_report_status(dt.datetime(2026, 11, 14, tzinfo=dt.timezone.utc))
    assert [(item["district"], item["status"], item["late"]) for item in before_due] == [
        ("H-A", "reported", True), ("H-B", "pending", False), ("H-C", "pending", False)]
    after_due = publication.district_report_status(dt.datetime(2026, 11, 16, tzinfo=dt.timezone.utc))
    assert [(item["district"], item["late"]) for item in after_due] == [("H-A", True), ("H-B", True), ("H-C", True)]
