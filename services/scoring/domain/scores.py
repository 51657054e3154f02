"""The scoring service's model: a score sheet per report, holding the verified inputs it was
given and every score computed from them. A score is never overwritten: a re-score under a
corrected catalog adds a new one and retires the old, so any published figure can be
recomputed and explained years later."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from shared.criteria import UnitTypeCatalog, score_report
from shared.domain.report_events import ReportScored
from shared.domain.report_header import HeaderedReport, ReportHeader


class IncompleteInputs(ValueError):
    """Required inputs with neither a value nor a reviewer's "no data" record: nothing is scored."""

    def __init__(self, report_id: str, fields: list[str]):
        self.fields = fields
        super().__init__(f"report {report_id}: required inputs missing without a no-data record: "
                         f"{', '.join(fields)}")


class Score:
    def __init__(self, id: str, report_id: str, catalog_version: str, catalog_fingerprint: str, inputs_hash: str,
                 total: Decimal, breakdown: dict[str, Any], reason: str, scored_at: dt.datetime):
        self.id = id
        self.report_id = report_id
        self.catalog_version = catalog_version
        self.catalog_fingerprint = catalog_fingerprint
        self.inputs_hash = inputs_hash
        self.total = total
        self.breakdown = breakdown
        self.reason = reason
        self.scored_at = scored_at
        self.current = True


class ScoreSheet(HeaderedReport):
    """Aggregate root, one per report."""

    def __init__(self, report_id: str, header: ReportHeader):
        self.report_id = report_id
        self.header = header
        self.catalog_version = ""
        self.revision = 0
        self.answers: dict[str, Any] = {}
        self.points_overrides: dict[str, str] = {}
        self.no_data: dict[str, str] = {}
        self.input_sources: dict[str, dict[str, Any]] = {}
        self.adjustments: list[dict[str, Any]] = []
        self.scores: list[Score] = []
        self.events: list = []

    @property
    def current_score(self) -> Score | None:
        return next((score for score in self.scores if score.current), None)

    def take_verified(self, catalog_version: str, revision: int, answers: dict[str, Any],
                      points_overrides: dict[str, str], no_data: dict[str, str] | None = None,
                      input_sources: dict[str, dict[str, Any]] | None = None,
                      adjustments: list[dict[str, Any]] | None = None) -> None:
        self.catalog_version = catalog_version
        self.revision = revision
        self.answers = dict(answers)
        self.points_overrides = dict(points_overrides)
        self.no_data = dict(no_data or {})
        self.input_sources = dict(input_sources or {})
        self.adjustments = list(adjustments or [])

    def score(self, unit_catalog: UnitTypeCatalog, *, reason: str, now: dt.datetime) -> Score | None:
        """Score the verified inputs under `unit_catalog`. Returns None when the current score
        already comes from the same inputs and the same catalog content (nothing new to record).
        Only complete inputs are scored: a required input is either there or recorded as no data."""
        result = score_report(
            unit_catalog, self.answers,
            points_override={code: Decimal(points) for code, points in self.points_overrides.items()},
        )
        unexplained = [name for name in result.missing_required if name not in self.no_data]
        if unexplained:
            raise IncompleteInputs(self.report_id, unexplained)
        current = self.current_score
        same_basis = current and (current.inputs_hash, current.catalog_fingerprint) == (
            result.inputs_hash, result.catalog.fingerprint)
        if same_basis:
            return None
        if current:
            current.current = False
        self.catalog_version = result.catalog.version
        breakdown = result.to_dict()
        new = Score(id=str(uuid.uuid4()), report_id=self.report_id, catalog_version=result.catalog.version,
                    catalog_fingerprint=result.catalog.fingerprint, inputs_hash=result.inputs_hash,
                    total=result.total, breakdown=breakdown, reason=reason, scored_at=now)
        self.scores = [*self.scores, new]
        self.events.append(ReportScored(
            report_id=self.report_id, **dataclasses.asdict(self.header), score_id=new.id,
            catalog_version=new.catalog_version,
            catalog_fingerprint=new.catalog_fingerprint,
            inputs_hash=new.inputs_hash, total=breakdown["total"],
            groups={group["code"]: group["points"] for group in breakdown["groups"]},
            criteria={criterion["code"]: criterion["points"] for criterion in breakdown["criteria"]},
            classification=breakdown["classification"],
            complete=breakdown["complete"], scored_at=now.isoformat(),
        ))
        return new
