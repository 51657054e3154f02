"""The reconciliation's comparison: which service has not caught up, and who re-publishes."""
from __future__ import annotations

from shared.reconciliation import divergences, repairs


def views(submission=None, review=None, scoring=None, publication=None) -> dict:
    return {"submission": submission or {}, "review": review or {}, "scoring": scoring or {},
            "publication": publication or {}}


def report(status: str, revision: int, report_id: str = "r1") -> dict:
    return {report_id: {"report_id": report_id, "unit_code": "STP", "status": status, "revision": revision}}


def case(status: str, revision: int, report_id: str = "r1") -> dict:
    return {report_id: {"report_id": report_id, "status": status, "revision": revision}}


def sheet(revision: int, score_id: str | None, report_id: str = "r1") -> dict:
    return {report_id: {"report_id": report_id, "revision": revision, "score_id": score_id}}


def recorded(score_id: str, report_id: str = "r1") -> dict:
    return {report_id: {"report_id": report_id, "score_id": score_id}}


def owners(found) -> list[tuple[str, tuple[str, ...]]]:
    return [(d.report_id, d.owners) for d in found]


def test_a_round_where_everyone_caught_up_has_no_divergence():
    assert divergences(views(report("draft", 0))) == []
    assert divergences(views(report("published", 2), case("verified", 2), sheet(2, "s1"), recorded("s1"))) == []
    assert divergences(views(report("draft", 1), case("returned", 1))) == []  # revised after the return


def test_a_submission_review_never_saw_is_sent_again_by_submission():
    assert owners(divergences(views(report("submitted", 1)))) == [("r1", ("submission",))]
    assert owners(divergences(views(report("submitted", 2), case("returned", 1)))) == [("r1", ("submission",))]


def test_a_decision_submission_did_not_follow_is_sent_again_by_review():
    assert owners(divergences(views(report("submitted", 1), case("returned", 1)))) == [("r1", ("review",))]
    found = divergences(views(report("submitted", 1), case("evidence_requested", 1)))
    assert owners(found) == [("r1", ("review", "submission"))]


def test_a_verification_scoring_lacks_is_sent_again_by_review():
    found = divergences(views(report("verified", 1), case("verified", 1)))
    assert owners(found) == [("r1", ("review",))]
    assert "scoring lacks verified revision 1" in found[0].problem_en
    stale = divergences(views(report("verified", 2), case("verified", 2), sheet(1, "s1"), recorded("s1")))
    assert owners(stale) == [("r1", ("review",))]


def test_a_score_publication_or_submission_lacks_is_sent_again_by_scoring():
    assert owners(divergences(views(report("scored", 1), case("verified", 1), sheet(1, "s2"), recorded("s1")))) == [
        ("r1", ("scoring",))]
    assert owners(divergences(views(report("verified", 1), case("verified", 1), sheet(1, "s1"), recorded("s1")))) == [
        ("r1", ("scoring",))]


def test_repairs_group_the_reports_by_the_service_that_re_publishes():
    found = divergences({
        "submission": {**report("submitted", 1, "a"), **report("verified", 1, "b")},
        "review": case("verified", 1, "b"), "scoring": {}, "publication": {}})
    assert repairs(found) == {"submission": ["reports/a"], "review": ["reports/b"]}


def test_a_report_only_another_service_knows_is_shown_without_a_repair():
    [found] = divergences(views(review=case("submitted", 1)))
    assert found.owners == () and "does not know" in found.problem_en
