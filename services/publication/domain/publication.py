"""The publication service's model: the scored results of a round, and their publication.

Results are ranked within their scope (departments, central agencies and districts each in
one province-wide list; communes within the body that reviewed them: their district in
the 2021 model, the province once districts are gone). Progress-update rounds are
published without ranks. A publication is a snapshot: later re-scores do not change what
was published; they wait for the next publication.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, Sequence

from shared.criteria import rank
from shared.domain.report_events import ReportPublished, RoundPublished

ROUND_KIND_PROGRESS = "progress_update"


class NothingToPublish(Exception):
    pass


class RoundStillOpen(Exception):
    """The province publishes a round once its reporting has closed."""


class Result:
    """The newest score of one report, and whether (and how) it was published."""

    def __init__(self, report_id: str, round_id: str, unit_code: str, unit_name_vi: str, unit_type: str,
                 reviewer_unit_code: str, reviewer_kind: str):
        self.report_id = report_id
        self.round_id = round_id
        self.unit_code = unit_code
        self.unit_name_vi = unit_name_vi
        self.unit_type = unit_type
        self.reviewer_unit_code = reviewer_unit_code
        self.reviewer_kind = reviewer_kind
        self.score_id = ""
        self.catalog_version = ""
        self.total = Decimal("0")
        self.groups: dict[str, str] = {}
        self.classification: dict[str, str] = {}
        self.scored_at = ""
        self.published_score_id: str | None = None
        self.published_total: Decimal | None = None
        self.published_rank: int | None = None
        self.published_classification: dict[str, str] | None = None
        self.published_catalog_version: str | None = None
        self.ranking_scope = ""
        self.published_at: dt.datetime | None = None

    @property
    def awaiting_publication(self) -> bool:
        return self.score_id != "" and self.published_score_id != self.score_id

    def take_score(self, data: dict[str, Any]) -> None:
        self.score_id = data["score_id"]
        self.catalog_version = data["catalog_version"]
        self.total = Decimal(data["total"])
        self.groups = dict(data["groups"])
        self.classification = dict(data["classification"])
        self.scored_at = data["scored_at"]

    @property
    def scope(self) -> str:
        if self.unit_type == "commune" and self.reviewer_kind == "district":
            return f"commune:{self.reviewer_unit_code}"
        return self.unit_type


class RoundPublication:
    """Aggregate root: one per round."""

    def __init__(self, round_id: str):
        self.round_id = round_id
        self.kind = "annual_evaluation"
        self.year: int | None = None
        self.status = "open"
        self.commune_results_due: dt.datetime | None = None
        self.reporting_districts: list[str] = []
        self.district_reports: list[dict[str, Any]] = []
        self.results: list[Result] = []
        self.published_at: dt.datetime | None = None
        self.events: list = []

    @property
    def ranked(self) -> bool:
        return self.kind != ROUND_KIND_PROGRESS

    def result_for(self, report_id: str) -> Result | None:
        return next((result for result in self.results if result.report_id == report_id), None)

    def record_score(self, data: dict[str, Any]) -> None:
        result = self.result_for(data["report_id"])
        if result is None:
            result = Result(report_id=data["report_id"], round_id=self.round_id, unit_code=data["unit_code"],
                            unit_name_vi=data["unit_name_vi"], unit_type=data["unit_type"],
                            reviewer_unit_code=data["reviewer_unit_code"], reviewer_kind=data["reviewer_kind"])
            self.results = [*self.results, result]
        result.take_score(data)

    def publish(self, *, publisher_unit: str | None, by: str, now: dt.datetime,
                tie_breakers_for: Callable[[str], Sequence[str]]) -> list[Result]:
        """Publish what awaits publication: everything (publisher_unit None: the province) or the
        communes one district reviewed. Ranks are computed over each whole scope, breaking ties
        by the groups the catalog version names (`tie_breakers_for(catalog_version)`)."""
        if publisher_unit is None and self.status == "open":
            raise RoundStillOpen(f"Kỳ báo cáo '{self.round_id}' chưa kết thúc: chỉ công bố kết quả sau khi đóng kỳ "
                                 f"(round '{self.round_id}' is still open: close it before publishing)")
        chosen = [result for result in self.results if result.awaiting_publication
                  and (publisher_unit is None or result.reviewer_unit_code == publisher_unit)]
        if not chosen:
            raise NothingToPublish(f"round '{self.round_id}' has no scored result awaiting publication"
                                   + (f" for '{publisher_unit}'" if publisher_unit else ""))
        ranks = self._ranks(tie_breakers_for) if self.ranked else {}
        for result in chosen:
            result.published_score_id = result.score_id
            result.published_total = result.total
            result.published_classification = dict(result.classification)
            result.published_catalog_version = result.catalog_version
            result.published_rank = ranks.get(result.report_id)
            result.ranking_scope = result.scope if self.ranked else ""
            result.published_at = now
            self.events.append(ReportPublished(
                report_id=result.report_id, round_id=self.round_id, unit_code=result.unit_code,
                unit_name_vi=result.unit_name_vi, unit_type=result.unit_type, total=str(result.total),
                classification=result.classification, rank=result.published_rank,
                ranking_scope=result.ranking_scope, published_at=now.isoformat(),
            ))
        if publisher_unit is not None:
            self._record_district_report(publisher_unit, len(chosen), now)
        else:
            self.status = "published"
            self.published_at = now
            self.events.append(RoundPublished(round_id=self.round_id, reports_published=len(chosen),
                                              published_by=by, published_at=now.isoformat()))
        return chosen

    def district_report_status(self, now: dt.datetime) -> list[dict[str, Any]]:
        """For the Department: one item per district that owes the province its communes' results,
        reported (when, late or not) or still pending (late once the due date has passed)."""
        reported = {report["district"]: report for report in self.district_reports}
        due = self.commune_results_due
        items = []
        for district in sorted(set(self.reporting_districts) | set(reported)):
            if district in reported:
                items.append({**reported[district], "status": "reported"})
            else:
                items.append({"district": district, "communes_published": 0, "reported_at": None,
                              "due": due.isoformat() if due else None, "late": due is not None and now >= due,
                              "status": "pending"})
        return items

    def _record_district_report(self, district: str, communes: int, now: dt.datetime) -> None:
        """A district's publication of its communes is its report to the province: one item per
        district for the Department, late when made on or after the due date."""
        late = self.commune_results_due is not None and now >= self.commune_results_due
        self.district_reports = [*self.district_reports, {
            "district": district, "communes_published": communes, "reported_at": now.isoformat(),
            "due": self.commune_results_due.isoformat() if self.commune_results_due else None, "late": late,
        }]

    def _ranks(self, tie_breakers_for: Callable[[str], Sequence[str]]) -> dict[str, int]:
        scopes: dict[str, list[Result]] = {}
        for result in self.results:
            if result.score_id:
                scopes.setdefault(result.scope, []).append(result)
        ranks: dict[str, int] = {}
        for members in scopes.values():
            tie_breakers = tie_breakers_for(members[0].catalog_version)
            ranked = rank([(result.report_id, result.groups) for result in members], tie_breakers)
            ranks.update({entry.unit_id: entry.rank for entry in ranked})
        return ranks
