"""The scoring service's use cases on a fake unit of work: the rules they add to the domain (score a
verified report once per basis, re-score a whole round or nothing, who reads a score), in milliseconds."""
from __future__ import annotations

import datetime as dt

import pytest

from services.scoring.domain.scores import IncompleteInputs, ScoreSheet
from services.scoring.entrypoints import consumers
from services.scoring.service_layer import handlers
from shared import cloudevents
from shared.auth import Principal, Role
from shared.criteria import load_catalog
from shared.domain.errors import Forbidden, InvalidInput, NotFound
from shared.domain.report_events import ReportScored, ReportVerified
from shared.domain.report_header import ReportHeader
from tests.support.answers import complete_answers
from tests.support.fakes import FakeRepository, FakeUnitOfWork, consume_batch

CATALOG = "hatinh-2021-ref-1"
COMMUNE = load_catalog(CATALOG).unit_type("commune")
NOW = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)


class FakeScoreSheets(FakeRepository[ScoreSheet]):
    def __init__(self, sheets=()):
        super().__init__(lambda sheet: sheet.report_id, sheets)

    def in_round(self, round_id: str) -> list[ScoreSheet]:
        return self.where(lambda sheet: sheet.round_id == round_id)


class FakeScoringUnitOfWork(FakeUnitOfWork):
    def __init__(self, sheets=()):
        super().__init__()
        self.sheets = FakeScoreSheets(sheets)

    def _seen_aggregates(self) -> list:
        return list(self.sheets.seen)


def verified(report_id: str = "r-1", revision: int = 1, unit_type: str = "commune", **answers) -> ReportVerified:
    values = {**complete_answers(COMMUNE), **answers}
    return ReportVerified(
        report_id=report_id, round_id="2026-annual", unit_code="18118", unit_name_vi="Xã Thạch Hạ",
        unit_type=unit_type, reviewer_unit_code="436", reviewer_kind="district", catalog_version=CATALOG,
        revision=revision, answers=values, self_assessed_answers=values, adjustments=[], points_overrides={},
        verified_by="reviewer", verified_at="2026-11-05T08:00:00+07:00")


def consume(uow: FakeScoringUnitOfWork, event: ReportVerified) -> list:
    """As the idempotent consumer runs a handler: inside the unit of work, then commit."""
    with uow:
        handlers.on_report_verified(uow, event, clock=lambda: NOW)
        return uow.commit()


def test_a_verified_report_gets_a_sheet_and_one_scored_event():
    uow = FakeScoringUnitOfWork()
    [event] = consume(uow, verified())
    sheet = uow.sheets.get("r-1")
    assert isinstance(event, ReportScored) and event.score_id == sheet.current_score.id
    assert (sheet.unit_code, sheet.reviewer_unit_code, sheet.revision) == ("18118", "436", 1)


def test_a_score_is_dated_by_the_clock_the_bootstrap_injects():
    uow = FakeScoringUnitOfWork()
    [event] = consume(uow, verified())
    assert uow.sheets.get("r-1").current_score.scored_at == NOW and event.scored_at == NOW.isoformat()


def test_the_same_inputs_verified_again_record_no_second_score():
    uow = FakeScoringUnitOfWork()
    consume(uow, verified())
    assert consume(uow, verified(revision=2)) == []
    assert len(uow.sheets.get("r-1").scores) == 1


def test_changed_inputs_score_again_and_the_old_score_stops_being_current():
    uow = FakeScoringUnitOfWork()
    consume(uow, verified(tasks_done_on_time=1))
    [event] = consume(uow, verified(revision=2, tasks_done_on_time=7))
    first, second = uow.sheets.get("r-1").scores
    assert (first.current, second.current, event.score_id) == (False, True, second.id)


def test_a_batch_reads_its_sheets_in_one_query_and_scores_each_report_in_order():
    uow = FakeScoringUnitOfWork(scored_sheets("r-1"))  # r-1 scored before; r-2 is new
    first, again, other = (cloudevents.from_event(event, "/cqs/review") for event in (
        verified("r-1", revision=2, tasks_done_on_time=7), verified("r-1", revision=3, tasks_done_on_time=1),
        verified("r-2")))
    [subscription] = consumers.subscriptions()
    handled = consume_batch(uow, subscription, [first, other, first, again], clock=lambda: NOW)
    # The redelivered one is handled once; r-1 is scored twice, in the order its revisions came.
    assert handled == 3 and uow.sheets.queries == 1 and uow.commits == 1
    sheet = uow.sheets.get("r-1")
    assert [event.score_id for event in uow.published if event.report_id == "r-1"] == [
        score.id for score in sheet.scores[1:]]
    assert (sheet.revision, sheet.current_score) == (3, sheet.scores[2])
    assert [event.score_id for event in uow.published if event.report_id == "r-2"] == [
        uow.sheets.get("r-2").current_score.id]


def test_incomplete_inputs_are_refused_before_anything_is_committed():
    uow = FakeScoringUnitOfWork()
    with pytest.raises(IncompleteInputs, match="portal_quality_score"):
        consume(uow, verified(portal_quality_score=None))
    assert uow.commits == 0 and uow.published == []


def scored_sheets(*report_ids: str) -> list[ScoreSheet]:
    uow = FakeScoringUnitOfWork()
    for report_id in report_ids:
        consume(uow, verified(report_id))
    return [uow.sheets.get(report_id) for report_id in report_ids]


def test_a_rescore_under_the_same_catalog_changes_nothing_and_says_so():
    uow = FakeScoringUnitOfWork(scored_sheets("r-1", "r-2"))
    assert handlers.rescore_round(uow, "2026-annual", CATALOG, "kiểm tra", now=NOW) == {
        "reports": 2, "rescored": 0, "unchanged": 2}
    assert uow.published == []


def test_a_round_without_scores_cannot_be_rescored():
    with pytest.raises(NotFound, match="2027-annual"):
        handlers.rescore_round(FakeScoringUnitOfWork(scored_sheets("r-1")), "2027-annual", CATALOG, "kiểm tra",
                               now=NOW)


def test_one_report_the_catalog_cannot_score_stops_the_whole_rescore():
    sheets = scored_sheets("r-1", "r-2")
    sheets[1].unit_type = "ward"  # a unit type the catalog does not have
    uow = FakeScoringUnitOfWork(sheets)
    with pytest.raises(InvalidInput, match="r-2") as refused:
        handlers.rescore_round(uow, "2026-annual", CATALOG, "kiểm tra", now=NOW)
    assert list(refused.value.errors) == ["catalog_version"]
    assert uow.commits == 0


@pytest.mark.parametrize("principal, allowed", [
    (Principal("reporter", Role.UNIT_REPORTER, "18118"), True),
    (Principal("reviewer", Role.DISTRICT_REVIEWER, "436"), True),
    (Principal("admin", Role.ADMIN, "STTTT"), True),
    (Principal("other", Role.UNIT_REPORTER, "18070"), False),
    (Principal("reviewer", Role.DEPARTMENT_REVIEWER, "436"), False),  # the district's code, the wrong role
])
def test_a_score_is_read_by_its_unit_its_reviewer_and_the_admin_only(principal, allowed):
    uow = FakeScoringUnitOfWork(scored_sheets("r-1"))
    if allowed:
        assert handlers.sheet_for_reading(uow, "r-1", principal).report_id == "r-1"
    else:
        with pytest.raises(Forbidden):
            handlers.sheet_for_reading(uow, "r-1", principal)


def test_a_report_not_yet_scored_has_no_score_to_read():
    sheet = ScoreSheet("r-9", ReportHeader("2026-annual", "18118", "Xã Thạch Hạ", "commune", "436", "district"))
    with pytest.raises(NotFound):
        handlers.sheet_for_reading(FakeScoringUnitOfWork([sheet]), "r-9", Principal("admin", Role.ADMIN, "STTTT"))
