"""Use cases of the scoring service: score what the review verified; re-score a round under
a corrected catalog; explain a score."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from services.scoring.domain.breakdown import explained
from services.scoring.domain.scores import IncompleteInputs, ScoreSheet
from services.scoring.service_layer.unit_of_work import ScoringUnitOfWork
from shared.auth import Principal
from shared.authorization import belongs_to, reads_everything, reviews
from shared.criteria import CatalogError, InputError, load_catalog
from shared.domain.errors import Bilingual, FieldError, Forbidden, InvalidInput, NotFound, not_found
from shared.domain.report_events import ReportVerified


def load_sheets(uow: ScoringUnitOfWork, events: list[ReportVerified]) -> None:
    """A batch of verified reports: their sheets, in one query."""
    uow.sheets.load(event.report_id for event in events)


def on_report_verified(uow: ScoringUnitOfWork, event: ReportVerified, clock: Callable[[], dt.datetime]) -> None:
    sheet = uow.sheets.get(event.report_id)
    if sheet is None:
        sheet = ScoreSheet(report_id=event.report_id, header=event.header)
        uow.sheets.add(sheet)
    sheet.take_verified(event.catalog_version, event.revision, event.answers, event.points_overrides,
                        event.no_data, event.input_sources, event.adjustments)
    unit_catalog = load_catalog(event.catalog_version).unit_type(event.unit_type)
    sheet.score(unit_catalog, reason=f"verified revision {event.revision}", now=clock())


def rescore_round(uow: ScoringUnitOfWork, round_id: str, catalog_version: str, reason: str,
                  now: dt.datetime) -> dict[str, int]:
    """Score every verified report of the round again under `catalog_version`; old scores stay."""
    catalog = load_catalog(catalog_version)
    with uow:
        sheets = uow.sheets.in_round(round_id)
        if not sheets:
            raise NotFound(Bilingual(f"Kỳ báo cáo '{round_id}' chưa có báo cáo nào được tính điểm",
                                     f"round '{round_id}' has no scored report"))
        rescored = 0
        for sheet in sheets:
            try:
                scored = sheet.score(catalog.unit_type(sheet.unit_type), reason=f"re-score: {reason}", now=now)
            except (CatalogError, InputError, IncompleteInputs, KeyError, ValueError) as error:
                # One report the corrected catalog cannot score stops the whole re-score (nothing is kept).
                message = Bilingual(f"Báo cáo '{sheet.report_id}' ({sheet.unit_type}) không tính điểm được theo bộ "
                                    f"tiêu chí '{catalog_version}': {error}",
                                    f"report '{sheet.report_id}' ({sheet.unit_type}) cannot be scored under catalog "
                                    f"'{catalog_version}': {error}")
                raise InvalidInput(message, errors={"catalog_version": [FieldError("scorable", message)]}) from error
            rescored += bool(scored)
        uow.commit()
        return {"reports": len(sheets), "rescored": rescored, "unchanged": len(sheets) - rescored}


def sheet_for_reading(uow: ScoringUnitOfWork, report_id: str, principal: Principal) -> ScoreSheet:
    sheet = uow.sheets.get(report_id)
    if sheet is None or sheet.current_score is None:
        raise not_found(Bilingual("Điểm của báo cáo", "score of report"), report_id)
    allowed = (reads_everything(principal) or belongs_to(principal, sheet.unit_code)
               or reviews(principal, sheet.reviewer_unit_code, sheet.reviewer_kind))
    if not allowed:
        raise Forbidden(Bilingual(f"Điểm của báo cáo '{report_id}' chưa công bố nên đơn vị '{principal.unit}' "
                                  "chưa xem được",
                                  f"the score of report '{report_id}' is not visible to unit '{principal.unit}' "
                                  "before publication"))
    return sheet


def explain_score(uow: ScoringUnitOfWork, report_id: str, principal: Principal) -> dict[str, Any]:
    """A report's current score explained against its catalog, with the scores before it and where each
    input came from, for a reader in scope."""
    with uow:
        sheet = sheet_for_reading(uow, report_id, principal)
        current = sheet.current_score
        unit_catalog = load_catalog(current.catalog_version).unit_type(sheet.unit_type)
        return {
            "report_id": sheet.report_id, **dataclasses.asdict(sheet.header), "score": current, "history": sheet.scores,
            "breakdown": explained(current.breakdown, unit_catalog, answers=sheet.answers,
                                   input_sources=sheet.input_sources, no_data=sheet.no_data,
                                   adjustments=sheet.adjustments),
            "input_sources": sheet.input_sources,
        }
