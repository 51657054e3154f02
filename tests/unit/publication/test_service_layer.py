"""The publication service's use cases on a fake unit of work: recording scores, a district's and the
province's publications (provisional, final, correction), reconsideration requests accepted or
rejected, and the webhooks' bookkeeping, with the events each writes to the outbox, in milliseconds."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from services.publication.domain.publication import (
    FeedbackWindowOpen,
    PublicationRefused,
    PublishedStanding,
    RoundPublication,
    RoundStillOpen,
    Stage,
)
from services.publication.domain.rankings import PreviousStanding, Score, Standing
from services.publication.domain.reconsideration import Reconsideration
from services.publication.domain.webhooks import DELIVERED, FAILED, PENDING, Delivery, Webhook
from services.publication.service_layer import handlers, webhooks
from shared.auth import Principal, Role
from shared.cloudevents import CloudEvent
from shared.domain.errors import Forbidden, NotFound
from shared.domain.report_events import ReportPublished, ReportReconsiderationAccepted, ReportScored
from shared.domain.report_header import ReportHeader
from shared.domain.round_events import RoundClosed, RoundOpened, RoundPublished
from tests.support.fakes import FakeRepository, FakeUnitOfWork

CATALOG = "hatinh-2021-ref-1"
ROUND = "2026-annual"
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
ADMIN = Principal("admin", Role.ADMIN, "STTTT")
DISTRICT_A = Principal("reviewer-a", Role.DISTRICT_REVIEWER, "H-A")
DEPARTMENT = Principal("reviewer-dept", Role.DEPARTMENT_REVIEWER, "SNV")
UNITS = [  # code, type, reviewer, kind
    ("X1", "commune", "H-A", "district"), ("X2", "commune", "H-A", "district"),
    ("Y1", "commune", "H-B", "district"), ("D1", "district", "SNV", "department"),
    ("D2", "district", "SNV", "department"),
]


# --- the fakes: what the SQL repositories do, over lists ---------------------------------------------
def _stored(standing: Standing) -> dict:
    """A standing as the repository stores it: its unit's code, name and type beside the score."""
    row = dataclasses.asdict(standing)
    header = row.pop("header")
    return {**row, **{field: header[field] for field in ("unit_code", "unit_name_vi", "unit_type")}}


class FakeScores:
    """One score per report, the newest by `scored_at` (events of one report may arrive out of order)."""

    def __init__(self):
        self.held: dict[str, tuple[str, dt.datetime, Score]] = {}  # report → round, scored at, score

    def record(self, scored: ReportScored) -> None:
        scored_at = dt.datetime.fromisoformat(scored.scored_at)
        held = self.held.get(scored.report_id)
        if held is not None and held[1] > scored_at:
            return
        self.held[scored.report_id] = (scored.round_id, scored_at, Score(
            report_id=scored.report_id, header=scored.header, score_id=scored.score_id,
            catalog_version=scored.catalog_version,
            total=Decimal(scored.total), groups=dict(scored.groups), criteria=dict(scored.criteria)))

    def of_round(self, round_id) -> list[Score]:
        return [score for held_round, _, score in self.held.values() if held_round == round_id]

    def of_report(self, report_id) -> Score | None:
        held = self.held.get(report_id)
        return held[2] if held else None


class FakeUnits:
    def __init__(self):
        self.by_round: dict[str, list[ReportHeader]] = {}

    def replace(self, round_id, units) -> None:
        self.by_round[round_id] = [ReportHeader(round_id, unit["code"], unit["unit_name_vi"], unit["unit_type"],
                                                unit["reviewer_unit_code"], unit["reviewer_kind"]) for unit in units]

    def of_round(self, round_id) -> list[ReportHeader]:
        return self.by_round.get(round_id, [])


class FakeSnapshots:
    """The snapshots as published; a scope reads as the newest snapshot that covers it."""

    def __init__(self, rounds: FakeRepository[RoundPublication]):
        self.rounds = rounds
        self.added: list = []

    def add(self, snapshot) -> None:
        self.added.append(snapshot)

    def of_round(self, round_id) -> list:
        return [snapshot for snapshot in self.added if snapshot.round_id == round_id]

    def standings(self, round_id, *, version=None, scope=None, unit_code=None) -> list[dict]:
        newest = {}
        for snapshot in self.of_round(round_id):
            if version is None or snapshot.version <= version:
                newest.update({ranking.scope: snapshot for ranking in snapshot.rankings})
        return [{**_stored(standing), "stage": snapshot.stage.value, "snapshot_version": snapshot.version}
                for covered, snapshot in newest.items() if scope in (None, covered)
                for standing in snapshot.standings
                if standing.scope == covered and unit_code in (None, standing.unit_code)]

    def last_published(self, round_id) -> dict:
        return {(row["scope"], row["unit_code"]): PublishedStanding(row["report_id"], row["score_id"],
                                                                    row["unit_name_vi"], row["rank"], row["total"])
                for row in self.standings(round_id)}

    def previous_year(self, kind, year) -> dict:
        earlier = self.rounds.where(lambda publication: (publication.kind, publication.year) == (kind, year - 1)
                                    and publication.latest_version > 0)
        found: dict = {}
        for publication in earlier:
            for row in self.standings(publication.round_id):
                found.setdefault(row["scope"], {})[row["unit_code"]] = PreviousStanding(row["rank"], row["total"])
        return found


class FakeReconsiderations(FakeRepository[Reconsideration]):
    def __init__(self):
        super().__init__(lambda request: request.id)

    def of_round(self, round_id, *, unit_code=None, reviewer_unit_code=None) -> list[Reconsideration]:
        return sorted(self.where(lambda request: request.round_id == round_id
                                 and unit_code in (None, request.unit_code)
                                 and reviewer_unit_code in (None, request.reviewer_unit_code)),
                      key=lambda request: request.filed_at)


class FakeWebhooks(FakeRepository[Webhook]):
    def __init__(self):
        super().__init__(lambda webhook: webhook.id)

    def all(self) -> list[Webhook]:
        return sorted(self.where(lambda _: True), key=lambda webhook: webhook.created_at)

    def active(self) -> list[Webhook]:
        return self.where(lambda webhook: webhook.active)


class FakeDeliveries(FakeRepository[Delivery]):
    def __init__(self):
        super().__init__(lambda delivery: delivery.id)

    def of_webhook(self, webhook_id) -> list[Delivery]:
        return sorted(self.where(lambda delivery: delivery.webhook_id == webhook_id),
                      key=lambda delivery: delivery.created_at, reverse=True)

    def next_due(self, now) -> Delivery | None:
        due = self.where(lambda delivery: delivery.status == PENDING and delivery.next_attempt_at <= now)
        return min(due, key=lambda delivery: delivery.next_attempt_at, default=None)


class FakePublicationUnitOfWork(FakeUnitOfWork):
    def __init__(self):
        super().__init__()
        self.rounds = FakeRepository(lambda publication: publication.round_id)
        self.scores = FakeScores()
        self.units = FakeUnits()
        self.snapshots = FakeSnapshots(self.rounds)
        self.reconsiderations = FakeReconsiderations()
        self.webhooks = FakeWebhooks()
        self.deliveries = FakeDeliveries()

    def _seen_aggregates(self) -> list:
        return [*self.rounds.seen, *self.reconsiderations.seen]


# --- events in, as the consumer hands them --------------------------------------------------------
def event(routing_key: str, data: dict, source: str = "/cqs/submission") -> CloudEvent:
    return CloudEvent(id=f"{routing_key}-{len(str(data))}", source=source, type=f"vn.gov.cqs.{routing_key}",
                      subject=f"rounds/{ROUND}", time=NOW.isoformat(), data=data)


def consume(uow: FakePublicationUnitOfWork, handler, event) -> list:
    with uow:
        handler(uow, event)
        return uow.commit()


def scored(code: str, total: int, *, score_id: str | None = None, at: dt.datetime = NOW) -> ReportScored:
    _, unit_type, reviewer, kind = next(unit for unit in UNITS if unit[0] == code)
    groups = {str(group): f"{total / 6:.2f}" for group in range(1, 7)}
    return ReportScored(
        report_id=f"r-{code}", round_id=ROUND, unit_code=code, unit_name_vi=f"Đơn vị {code}", unit_type=unit_type,
        reviewer_unit_code=reviewer, reviewer_kind=kind, score_id=score_id or f"s-{code}", catalog_version=CATALOG,
        catalog_fingerprint="f", inputs_hash="h", total=str(total), groups=groups, criteria={"1.1": "10.00"},
        classification={}, complete=True, scored_at=at.isoformat())


def opened_round(*, closed: bool = True, results_due: dt.datetime = NOW) -> FakePublicationUnitOfWork:
    uow = FakePublicationUnitOfWork()
    units = tuple({"code": code, "unit_name_vi": f"Đơn vị {code}", "unit_type": unit_type,
                   "reviewer_unit_code": reviewer, "reviewer_kind": kind} for code, unit_type, reviewer, kind in UNITS)
    consume(uow, handlers.on_round_opened, RoundOpened(
        round_id=ROUND, kind="annual_evaluation", year=2026, period_month=None, catalog_versions={}, windows={},
        unit_codes=tuple(unit["code"] for unit in units), units=units, opened_at=NOW.isoformat(),
        commune_results_due=results_due.isoformat(), reporting_districts=("H-A", "H-B"), reviewing_body="SNV"))
    if closed:
        consume(uow, handlers.on_round_closed, RoundClosed(round_id=ROUND, kind="annual_evaluation", year=2026,
                                                           period_month=None, closed_at=NOW.isoformat()))
    for code, total in (("X1", 600), ("X2", 650), ("Y1", 620), ("D1", 700), ("D2", 750)):
        consume(uow, handlers.on_report_scored, scored(code, total))
    return uow


def published(uow: FakePublicationUnitOfWork, kind: type) -> list:
    return [item for item in uow.published if isinstance(item, kind)]


def publish_provisional(uow: FakePublicationUnitOfWork, now: dt.datetime = NOW):
    for district in ("H-A", "H-B"):
        handlers.publish(uow, ROUND, Principal(f"reviewer-{district}", Role.DISTRICT_REVIEWER, district), now=now)
    return handlers.publish(uow, ROUND, DEPARTMENT, stage=Stage.PROVISIONAL, feedback_days=10, now=now)


# --- scores ---------------------------------------------------------------------------------------
def test_a_score_is_recorded_and_an_older_one_arriving_late_does_not_replace_it():
    uow = opened_round()
    consume(uow, handlers.on_report_scored, scored("X1", 800, score_id="s-X1-new", at=NOW + dt.timedelta(hours=1)))
    consume(uow, handlers.on_report_scored, scored("X1", 500, score_id="s-X1-old", at=NOW - dt.timedelta(hours=1)))
    assert (uow.scores.of_report("r-X1").score_id, uow.scores.of_report("r-X1").total) == ("s-X1-new", 800)
    assert uow.published == []  # recording a score announces nothing


# --- a district's publication -----------------------------------------------------------------------
def test_a_district_publishes_its_communes_and_that_is_its_report_to_the_province():
    uow = opened_round(results_due=NOW + dt.timedelta(days=1))
    snapshot = handlers.publish(uow, ROUND, DISTRICT_A, now=NOW)
    assert snapshot.stage is Stage.DISTRICT and {s.unit_code for s in snapshot.standings} == {"X1", "X2"}
    assert sorted(item.report_id for item in published(uow, ReportPublished)) == ["r-X1", "r-X2"]
    assert not published(uow, RoundPublished)  # the round itself is published by the province
    reports = handlers.district_reports(uow, ROUND, ADMIN, now=NOW + dt.timedelta(days=2))
    assert [(item["district"], item["status"], item["late"]) for item in reports] == [
        ("H-A", "reported", False), ("H-B", "pending", True)]


def test_a_district_reviewer_reads_its_own_report_to_the_province_and_no_other_districts():
    uow = opened_round(results_due=NOW + dt.timedelta(days=1))
    handlers.publish(uow, ROUND, DISTRICT_A, now=NOW)
    own = handlers.district_reports(uow, ROUND, DISTRICT_A, now=NOW)
    assert [(item["district"], item["status"], item["snapshot_version"], item["late"]) for item in own] == [
        ("H-A", "reported", 1, False)]
    district_b = Principal("reviewer-H-B", Role.DISTRICT_REVIEWER, "H-B")
    assert [(item["district"], item["status"], item["snapshot_version"])
            for item in handlers.district_reports(uow, ROUND, district_b, now=NOW)] == [("H-B", "pending", None)]
    with pytest.raises(Forbidden):  # a district that reviews no commune of the round
        handlers.district_reports(uow, ROUND, Principal("other", Role.DISTRICT_REVIEWER, "H-Z"), now=NOW)


def test_a_district_reviewer_publishes_only_in_a_round_its_district_reviews():
    uow = opened_round()
    with pytest.raises(Forbidden):
        handlers.publish(uow, ROUND, Principal("other", Role.DISTRICT_REVIEWER, "H-Z"), now=NOW)
    with pytest.raises(NotFound):
        handlers.publish(uow, "2027-annual", DISTRICT_A, now=NOW)
    assert uow.snapshots.added == [] and uow.published == []


# --- the province: provisional, final, correction ---------------------------------------------------
def test_an_open_round_is_not_published():
    uow = opened_round(closed=False)
    with pytest.raises(RoundStillOpen):
        handlers.publish(uow, ROUND, ADMIN, now=NOW)


def test_the_provisional_results_open_the_feedback_window_and_announce_every_report_once():
    uow = opened_round()
    snapshot = publish_provisional(uow)
    assert snapshot.stage is Stage.PROVISIONAL and snapshot.feedback_closes_at == NOW + dt.timedelta(days=10)
    [round_published] = published(uow, RoundPublished)
    assert (round_published.stage, round_published.feedback_closes_at) == (
        "provisional", (NOW + dt.timedelta(days=10)).isoformat())
    assert sorted(item.report_id for item in published(uow, ReportPublished)) == [
        "r-D1", "r-D2", "r-X1", "r-X2", "r-Y1"]


def test_the_final_results_wait_for_the_window_then_a_correction_needs_a_note():
    uow = opened_round()
    publish_provisional(uow)
    with pytest.raises(FeedbackWindowOpen):
        handlers.publish(uow, ROUND, ADMIN, now=NOW + dt.timedelta(days=9))
    after_window = NOW + dt.timedelta(days=11)
    final = handlers.publish(uow, ROUND, ADMIN, now=after_window, decision_reference=" 123/QĐ-UBND ")
    assert (final.stage, final.decision_reference) == (Stage.FINAL, "123/QĐ-UBND")
    assert uow.rounds.get(ROUND).status == "final"
    consume(uow, handlers.on_report_scored, scored("D1", 710, score_id="s-D1-2", at=after_window))
    with pytest.raises(PublicationRefused, match="ghi chú"):
        handlers.publish(uow, ROUND, ADMIN, now=after_window)
    announced = len(published(uow, ReportPublished))
    correction = handlers.publish(uow, ROUND, ADMIN, note="Sửa điểm D1", now=after_window)
    assert correction.stage is Stage.CORRECTION and correction.version == final.version + 1
    assert [item.report_id for item in published(uow, ReportPublished)[announced:]] == ["r-D1"]


# --- reconsideration -------------------------------------------------------------------------------
def file_request(uow: FakePublicationUnitOfWork, now: dt.datetime = NOW) -> Reconsideration:
    return handlers.file_reconsideration(uow, ROUND, Principal("reporter", Role.UNIT_REPORTER, "X1"),
                                         criteria=["1.1"], reason="Có biên bản kèm theo", now=now)


def test_an_accepted_request_sends_the_criteria_back_and_the_final_results_wait_for_the_new_score():
    uow = opened_round()
    publish_provisional(uow)
    request = file_request(uow)
    with pytest.raises(Forbidden):  # another district does not answer for X1
        handlers.answer_reconsideration(uow, request.id, Principal("b", Role.DISTRICT_REVIEWER, "H-B"),
                                        criterion="1.1", decision="accepted", reason="", now=NOW)
    handlers.answer_reconsideration(uow, request.id, DISTRICT_A, criterion="1.1", decision="accepted",
                                    reason="Biên bản hợp lệ", now=NOW)
    [accepted] = published(uow, ReportReconsiderationAccepted)
    assert (accepted.report_id, accepted.criteria, accepted.accepted_by) == ("r-X1", ["1.1"], "reviewer-a")
    after_window = NOW + dt.timedelta(days=11)
    with pytest.raises(FeedbackWindowOpen, match="1"):  # accepted, not yet scored again
        handlers.publish(uow, ROUND, ADMIN, now=after_window)
    consume(uow, handlers.on_report_scored, scored("X1", 640, score_id="s-X1-2", at=after_window))
    assert handlers.publish(uow, ROUND, ADMIN, now=after_window).stage is Stage.FINAL


def test_a_rejected_request_sends_nothing_and_the_unit_reads_the_reason():
    uow = opened_round()
    publish_provisional(uow)
    request = file_request(uow)
    handlers.answer_reconsideration(uow, request.id, DISTRICT_A, criterion="1.1", decision="rejected",
                                    reason="Minh chứng không mới", now=NOW)
    assert not published(uow, ReportReconsiderationAccepted)
    [seen] = handlers.reconsiderations(uow, ROUND, Principal("reporter", Role.UNIT_REPORTER, "X1"))
    assert (seen.status, seen.answers["1.1"]["reason"]) == ("rejected", "Minh chứng không mới")
    assert handlers.reconsiderations(uow, ROUND, Principal("other", Role.UNIT_REPORTER, "X2")) == []
    assert handlers.publish(uow, ROUND, ADMIN, now=NOW + dt.timedelta(days=11)).stage is Stage.FINAL


def test_a_request_after_the_window_is_refused():
    uow = opened_round()
    publish_provisional(uow)
    with pytest.raises(PublicationRefused):
        file_request(uow, now=NOW + dt.timedelta(days=11))
    assert uow.reconsiderations.of_round(ROUND) == []


# --- webhooks ---------------------------------------------------------------------------------------
def test_a_published_event_becomes_one_delivery_per_active_webhook_that_wants_it_dated_by_the_clock():
    uow = FakePublicationUnitOfWork()
    wanted = webhooks.register(uow, ADMIN, url="https://a.example/hook", event_types=["round.*"], description="",
                               now=NOW)
    webhooks.register(uow, ADMIN, url="https://b.example/hook", event_types=["report.published"], description="",
                      now=NOW)
    stopped = webhooks.register(uow, ADMIN, url="https://c.example/hook", event_types=["round.published"],
                                description="", now=NOW)
    webhooks.deactivate(uow, stopped.id)
    later = NOW + dt.timedelta(minutes=5)
    round_published = event("round.published", {"round_id": ROUND}, source="/cqs/publication")
    with uow:
        webhooks.on_partner_event(uow, round_published, clock=lambda: later)
        uow.commit()
    [delivery] = webhooks.deliveries(uow, wanted.id)
    assert (delivery.event_type, delivery.status, delivery.created_at) == ("round.published", PENDING, later)
    assert [hook.url for hook in webhooks.list_webhooks(uow)] == [
        "https://a.example/hook", "https://b.example/hook", "https://c.example/hook"]


def test_due_deliveries_are_sent_retried_with_backoff_given_up_and_sent_again_on_request():
    uow = FakePublicationUnitOfWork()
    hook = webhooks.register(uow, ADMIN, url="https://a.example/hook", event_types=["round.*"], description="",
                             now=NOW)
    uow.deliveries.add(Delivery(webhook_id=hook.id, event_id="e-1", event_type="round.published", body="{}", now=NOW))
    answers = iter([(500, "HTTP 500", 3), (None, "timeout", 3), (204, "", 3)])
    sent: list = []

    def send(url, body, secret, event_id):
        sent.append((url, event_id, secret == hook.secret))
        return next(answers)

    policy = webhooks.DeliveryPolicy(max_attempts=2, backoff_s=30)
    assert webhooks.deliver_due(lambda: uow, send, policy, NOW) == 1
    [delivery] = webhooks.deliveries(uow, hook.id)
    assert (delivery.status, delivery.next_attempt_at) == (PENDING, NOW + dt.timedelta(seconds=30))
    assert webhooks.deliver_due(lambda: uow, send, policy, NOW + dt.timedelta(seconds=10)) == 0  # not yet due
    assert webhooks.deliver_due(lambda: uow, send, policy, NOW + dt.timedelta(seconds=30)) == 1
    assert delivery.status == FAILED
    webhooks.resend(uow, delivery.id, ADMIN, NOW + dt.timedelta(hours=1))
    assert webhooks.deliver_due(lambda: uow, send, policy, NOW + dt.timedelta(hours=1)) == 1
    assert delivery.status == DELIVERED and sent == [("https://a.example/hook", "e-1", True)] * 3


def test_an_unknown_webhook_is_not_found():
    with pytest.raises(NotFound):
        webhooks.deliveries(FakePublicationUnitOfWork(), "w-404")
