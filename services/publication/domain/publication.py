"""The publication of a round: numbered, immutable snapshots of its rankings.

A district publishes its communes (its report to the province). The province publishes an
annual round in two steps, as the national DTI publication does: **provisional** results
that open a feedback window (kiến nghị) for reconsideration requests, then **final** results
once the window has closed and every request is answered. Each publication is a new
snapshot version; a later correction is another version with a note of what changed, and
the older ones stay readable. Progress-update rounds are published once, without ranks.
Scores arriving after a publication wait for the next one.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from services.publication.domain.rankings import (
    COMMUNE,
    CatalogRules,
    PreviousStanding,
    Ranking,
    Score,
    Standing,
    build_ranking,
    district_scope,
    scope_sort_key,
    scopes_of,
)
from shared.domain.errors import Bilingual, Conflict
from shared.domain.report_events import ReportPublished
from shared.domain.report_header import ReportHeader
from shared.domain.round_events import RoundPublished, RoundStatus

ROUND_KIND_PROGRESS = "progress_update"
DEFAULT_FEEDBACK_DAYS = 10


class Stage(enum.StrEnum):
    DISTRICT = enum.auto()  # a district's communes, its report to the province
    PROVISIONAL = enum.auto()
    FINAL = enum.auto()
    CORRECTION = enum.auto()  # a new version after the final results


class PublicationRefused(Conflict):
    """A publication the round's state does not allow; the message is Vietnamese, then English."""

    title = Bilingual("Chưa công bố được", "Publication refused")

    def __init__(self, message_vi: str, message_en: str, **kwargs):
        super().__init__(Bilingual(message_vi, message_en), **kwargs)


class NothingToPublish(PublicationRefused):
    """Nothing new to publish: no result yet, or none changed since the last publication."""


class RoundStillOpen(PublicationRefused):
    """The province publishes a round once its reporting has closed. The close reaches this
    service as an event a moment after the submission service closed the round, so a client
    that has just closed it is told when to try again (Retry-After)."""

    RETRY_AFTER_S = 5

    def __init__(self, message_vi: str, message_en: str):
        super().__init__(f"{message_vi}; nếu vừa đóng kỳ, hãy thử lại sau {self.RETRY_AFTER_S} giây",
                         f"{message_en}; if it was just closed, try again in {self.RETRY_AFTER_S} seconds",
                         retry_after_s=self.RETRY_AFTER_S)


class FeedbackWindowOpen(PublicationRefused):
    """Final results wait for the end of the feedback window and for every request's answer."""


@dataclasses.dataclass(frozen=True)
class Change:
    """What a new version changed for one unit in one ranking (None: absent before or after)."""

    scope: str
    unit_code: str
    unit_name_vi: str
    rank_before: int | None
    rank_after: int | None
    total_before: Decimal | None
    total_after: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "unit_code": self.unit_code, "unit_name_vi": self.unit_name_vi,
                "rank_before": self.rank_before, "rank_after": self.rank_after,
                "total_before": _text(self.total_before), "total_after": _text(self.total_after)}


@dataclasses.dataclass
class Snapshot:
    """One published result set of a round: immutable once written."""

    round_id: str
    version: int
    stage: Stage
    publisher_unit: str | None  # None: the province
    published_by: str
    published_at: dt.datetime
    rankings: list[Ranking]
    changes: list[Change]
    note: str = ""
    feedback_closes_at: dt.datetime | None = None
    decision_reference: str = ""  # the decision that publishes the results ("Quyết định số …/QĐ-UBND")

    @property
    def standings(self) -> list[Standing]:
        return [standing for ranking in self.rankings for standing in ranking.standings]

    def scope_summaries(self) -> list[dict[str, Any]]:
        return [ranking.summary() for ranking in self.rankings]


@dataclasses.dataclass(frozen=True)
class PublishedStanding:
    """What the latest snapshot covering a scope says about one unit (for the next version's diff)."""

    report_id: str
    score_id: str
    unit_name_vi: str
    rank: int | None
    total: Decimal


class RoundPublication:
    """Aggregate root: one per round; its snapshots are stored apart, numbered by `latest_version`."""

    def __init__(self, round_id: str):
        self.round_id = round_id
        self.kind = "annual_evaluation"
        self.year: int | None = None
        # The round's own states (shared vocabulary) until it closes, then the province's stages:
        # open → closed → provisional → final.
        self.status = RoundStatus.OPEN.value
        self.commune_results_due: dt.datetime | None = None
        self.reporting_districts: list[str] = []
        self.reviewing_body: str | None = None  # the reviewing department round.opened names
        self.district_reports: list[dict[str, Any]] = []
        self.published_at: dt.datetime | None = None
        self.latest_version = 0
        self.feedback_closes_at: dt.datetime | None = None
        self.events: list = []

    @property
    def ranked(self) -> bool:
        return self.kind != ROUND_KIND_PROGRESS

    def close(self) -> None:
        """round.closed: the province may publish the round from now on (a late copy changes nothing)."""
        if self.status == RoundStatus.OPEN.value:
            self.status = RoundStatus.CLOSED.value

    def next_province_stage(self) -> Stage:
        if not self.ranked:
            return Stage.FINAL if self.status != "final" else Stage.CORRECTION
        return {"provisional": Stage.FINAL, "final": Stage.CORRECTION}.get(self.status, Stage.PROVISIONAL)

    def feedback_open(self, now: dt.datetime) -> bool:
        return self.status == "provisional" and self.feedback_closes_at is not None and now < self.feedback_closes_at

    def reviewed_by(self, unit_code: str, reviewer_kind: str, expected: Iterable[ReportHeader]) -> bool:
        """Whether `unit_code` reviews in this round as `reviewer_kind` (district or department): the
        reviewing department round.opened names, a district owing its communes' results, or the
        reviewer round.opened assigns to some unit in scope."""
        if reviewer_kind == "department" and unit_code == self.reviewing_body:
            return True
        if reviewer_kind == "district" and unit_code in self.reporting_districts:
            return True
        return any(unit.reviewer_unit_code == unit_code and unit.reviewer_kind == reviewer_kind for unit in expected)

    def publish_district(self, district: str, scores: Iterable[Score], expected: Iterable[ReportHeader],
                         rules: CatalogRules, *, last_published: Mapping[tuple[str, str], PublishedStanding],
                         previous_year: Mapping[str, Mapping[str, PreviousStanding]], by: str,
                         now: dt.datetime) -> Snapshot:
        """A district publishes its communes' ranking: its report to the province."""
        scope = district_scope(district)
        members = [score for score in scores if scope in score.scopes]
        if not members:
            raise NothingToPublish(f"Huyện '{district}' chưa có kết quả xã nào đã chấm điểm để công bố",
                                   f"district '{district}' has no scored commune result to publish")
        ranking = build_ranking(scope, members, [unit for unit in expected if scope in scopes_of(unit)], rules,
                                ranked=self.ranked, previous=previous_year.get(scope))
        snapshot = self._snapshot(Stage.DISTRICT, [ranking], last_published, by=by, now=now, publisher_unit=district)
        if not snapshot.changes:
            raise NothingToPublish(f"Kết quả các xã của huyện '{district}' không thay đổi kể từ lần công bố trước",
                                   f"the results of district '{district}' have not changed since its last publication")
        self._record_district_report(district, len(members), snapshot.version, now)
        self.latest_version = snapshot.version
        self._announce(snapshot, last_published)
        return snapshot

    def publish_province(self, scores: Iterable[Score], expected: Iterable[ReportHeader], rules: CatalogRules, *,
                         last_published: Mapping[tuple[str, str], PublishedStanding],
                         previous_year: Mapping[str, Mapping[str, PreviousStanding]], by: str, now: dt.datetime,
                         stage: Stage | None = None, feedback_days: int = DEFAULT_FEEDBACK_DAYS,
                         pending_requests: int = 0, note: str = "") -> Snapshot:
        """The province publishes every ranking of the round, in the next stage."""
        expected_stage = self.next_province_stage()
        if stage is not None and stage is not expected_stage:
            raise PublicationRefused(
                f"Kỳ '{self.round_id}' đang ở bước '{self.status}': bước công bố tiếp theo là '{expected_stage.value}'",
                f"round '{self.round_id}' is '{self.status}': the next publication is '{expected_stage.value}'")
        if self.status == RoundStatus.OPEN.value:
            raise RoundStillOpen(f"Kỳ báo cáo '{self.round_id}' chưa kết thúc: chỉ công bố kết quả sau khi đóng kỳ",
                                 f"round '{self.round_id}' is still open: close it before publishing")
        if expected_stage is Stage.FINAL and self.ranked:
            if self.feedback_open(now):
                raise FeedbackWindowOpen(
                    f"Thời hạn kiến nghị của kỳ '{self.round_id}' kéo dài đến {self.feedback_closes_at.isoformat()}",
                    f"the feedback window of round '{self.round_id}' runs until {self.feedback_closes_at.isoformat()}")
            if pending_requests:
                raise FeedbackWindowOpen(f"Còn {pending_requests} kiến nghị chưa được trả lời",
                                         f"{pending_requests} reconsideration request(s) still await an answer")
        if expected_stage is Stage.CORRECTION and not note.strip():
            raise PublicationRefused("Bản đính chính cần ghi chú nội dung thay đổi",
                                     "a correction needs a note saying what changed")
        rankings = self._province_rankings(list(scores), list(expected), rules, previous_year)
        if not any(ranking.standings for ranking in rankings):
            raise NothingToPublish(f"Kỳ '{self.round_id}' chưa có kết quả nào đã chấm điểm để công bố",
                                   f"round '{self.round_id}' has no scored result to publish")
        snapshot = self._snapshot(expected_stage, rankings, last_published, by=by, now=now, note=note)
        if expected_stage is Stage.CORRECTION and not snapshot.changes:
            raise NothingToPublish("Không có thay đổi nào so với kết quả đã công bố",
                                   "nothing changed since the published results")
        if expected_stage is Stage.PROVISIONAL:
            if feedback_days < 1:
                raise PublicationRefused("Thời hạn kiến nghị phải ít nhất 1 ngày",
                                         "the feedback window must last at least one day")
            self.feedback_closes_at = now + dt.timedelta(days=feedback_days)
            snapshot.feedback_closes_at = self.feedback_closes_at
        self.status = "provisional" if expected_stage is Stage.PROVISIONAL else "final"
        self.latest_version = snapshot.version
        self.published_at = self.published_at or now
        self._announce(snapshot, last_published)
        self.events.append(RoundPublished(
            round_id=self.round_id, stage=snapshot.stage.value, snapshot_version=snapshot.version,
            reports_published=len({standing.report_id for standing in snapshot.standings}),
            feedback_closes_at=self.feedback_closes_at.isoformat() if expected_stage is Stage.PROVISIONAL else None,
            published_by=by, published_at=now.isoformat()))
        return snapshot

    def _province_rankings(self, scores: list[Score], expected: list[ReportHeader], rules: CatalogRules,
                           previous_year: Mapping[str, Mapping[str, PreviousStanding]]) -> list[Ranking]:
        """Every scope of the round. Communes a district reviews count once the district has reported;
        the province-wide commune ranking names the districts that have not."""
        reported = {report["district"] for report in self.district_reports}
        awaited = sorted({score.reviewer_unit_code for score in scores if score.reviewer_kind == "district"}
                         | set(self.reporting_districts)) if self.ranked else []
        not_reported = [district for district in awaited if district not in reported]

        def counted(header: ReportHeader) -> bool:
            return header.reviewer_kind != "district" or header.reviewer_unit_code in reported or not self.ranked

        headers = [*(score.header for score in scores), *expected]
        scopes = sorted({scope for header in headers if counted(header) for scope in scopes_of(header)},
                        key=scope_sort_key)
        return [build_ranking(scope, [score for score in scores if scope in score.scopes and counted(score.header)],
                              [unit for unit in expected if scope in scopes_of(unit) and counted(unit)], rules,
                              ranked=self.ranked, previous=previous_year.get(scope),
                              missing_districts=not_reported if scope == COMMUNE else ())
                for scope in scopes]

    def _snapshot(self, stage: Stage, rankings: list[Ranking],
                  last_published: Mapping[tuple[str, str], PublishedStanding], *, by: str, now: dt.datetime,
                  publisher_unit: str | None = None, note: str = "") -> Snapshot:
        return Snapshot(round_id=self.round_id, version=self.latest_version + 1, stage=stage,
                        publisher_unit=publisher_unit, published_by=by, published_at=now, rankings=rankings,
                        changes=_changes(rankings, last_published), note=note)

    def _announce(self, snapshot: Snapshot, last_published: Mapping[tuple[str, str], PublishedStanding]) -> None:
        """report.published once per report whose score was not published before: a report is
        published once per score, whatever the number of rankings it appears in."""
        already = {standing.score_id for standing in last_published.values()}
        announced: set[str] = set()
        for standing in sorted(snapshot.standings, key=lambda s: (len(s.scope.split(":")), s.scope), reverse=True):
            if standing.score_id in already or standing.report_id in announced:
                continue
            announced.add(standing.report_id)  # the narrowest ranking first: a district's communes by district
            self.events.append(ReportPublished(
                report_id=standing.report_id, round_id=self.round_id, unit_code=standing.unit_code,
                unit_name_vi=standing.unit_name_vi, unit_type=standing.unit_type, total=str(standing.total),
                classification=dict(standing.band), rank=standing.rank, ranking_scope=standing.scope,
                stage=snapshot.stage.value, snapshot_version=snapshot.version,
                published_at=snapshot.published_at.isoformat()))

    def district_report_status(self, now: dt.datetime) -> list[dict[str, Any]]:
        """For the Department: one item per district that owes the province its communes' results,
        reported (when, in which snapshot version, late or not) or still pending (late once the due
        date has passed)."""
        reported = {report["district"]: report for report in self.district_reports}
        due = self.commune_results_due
        items = []
        for district in sorted(set(self.reporting_districts) | set(reported)):
            if district in reported:
                # Reports recorded before versions were kept name none.
                items.append({"snapshot_version": None, **reported[district], "status": "reported"})
            else:
                items.append({"district": district, "communes_published": 0, "reported_at": None,
                              "snapshot_version": None, "due": due.isoformat() if due else None,
                              "late": due is not None and now >= due, "status": "pending"})
        return items

    def _record_district_report(self, district: str, communes: int, version: int, now: dt.datetime) -> None:
        """A district's publication of its communes is its report to the province: one item per
        district for the Department (its latest, with its snapshot version), late when made on or
        after the due date."""
        late = self.commune_results_due is not None and now >= self.commune_results_due
        self.district_reports = [*(report for report in self.district_reports if report["district"] != district), {
            "district": district, "communes_published": communes, "reported_at": now.isoformat(),
            "snapshot_version": version,
            "due": self.commune_results_due.isoformat() if self.commune_results_due else None, "late": late,
        }]


def _changes(rankings: list[Ranking], last_published: Mapping[tuple[str, str], PublishedStanding]) -> list[Change]:
    changes = []
    for ranking in rankings:
        now_in = {standing.unit_code: standing for standing in ranking.standings}
        before_in = {code: standing for (scope, code), standing in last_published.items() if scope == ranking.scope}
        for code in sorted(now_in.keys() | before_in.keys()):
            after, before = now_in.get(code), before_in.get(code)
            if after and before and (after.rank, after.total, after.score_id) == (before.rank, before.total,
                                                                                 before.score_id):
                continue
            changes.append(Change(ranking.scope, code, (after or before).unit_name_vi,
                                  before.rank if before else None, after.rank if after else None,
                                  before.total if before else None, after.total if after else None))
    return changes


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
