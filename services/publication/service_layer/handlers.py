"""Use cases of the publication service: collect scores, publish a round, look results up."""
from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from services.publication.domain.publication import (
    DEFAULT_FEEDBACK_DAYS,
    RoundPublication,
    Snapshot,
    Stage,
)
from services.publication.domain.rankings import CatalogRules, scope_sort_key
from services.publication.domain.reconsideration import Reconsideration
from services.publication.domain.search import fold, matches
from services.publication.service_layer.unit_of_work import PublicationUnitOfWork
from shared.auth import Principal, Role
from shared.authorization import belongs_to, reads_everything, reviewer_kind_of, reviews
from shared.criteria import load_catalog
from shared.domain.errors import Bilingual, Forbidden, not_found
from shared.domain.report_events import ReportScored
from shared.domain.round_events import RoundClosed, RoundOpened

ROUND = Bilingual("Kỳ báo cáo", "round")
PUBLISHED_ROUND = Bilingual("Kết quả công bố của kỳ", "published round")

PROVINCE_ROLES = (Role.ADMIN, Role.DEPARTMENT_REVIEWER)


@functools.cache
def catalog_rules() -> CatalogRules:
    return CatalogRules(tie_breakers=lambda version: load_catalog(version).tie_breakers,
                        bands=lambda version: load_catalog(version).classification)


def _round(uow: PublicationUnitOfWork, round_id: str) -> RoundPublication:
    publication = uow.rounds.get(round_id)
    if publication is None:
        publication = RoundPublication(round_id)
        uow.rounds.add(publication)
    return publication


def _existing_round(uow: PublicationUnitOfWork, round_id: str) -> RoundPublication:
    publication = uow.rounds.get(round_id)
    if publication is None:
        raise not_found(ROUND, round_id)
    return publication


def on_round_opened(uow: PublicationUnitOfWork, event: RoundOpened) -> None:
    publication = _round(uow, event.round_id)
    publication.kind = event.kind
    publication.year = event.year
    due = event.commune_results_due
    publication.commune_results_due = dt.datetime.fromisoformat(due) if due else None
    publication.reporting_districts = list(event.reporting_districts)
    publication.reviewing_body = event.reviewing_body
    uow.units.replace(publication.round_id, event.units)


def on_round_closed(uow: PublicationUnitOfWork, event: RoundClosed) -> None:
    _round(uow, event.round_id).close()


def on_report_scored(uow: PublicationUnitOfWork, event: ReportScored) -> None:
    """Written at commit with the batch's other scores, in one upsert: the cost does not grow with the
    round; ranking waits for publication."""
    uow.scores.record(event)


def publish(uow: PublicationUnitOfWork, round_id: str, principal: Principal, *, stage: Stage | None = None,
            feedback_days: int = DEFAULT_FEEDBACK_DAYS, note: str = "", decision_reference: str = "",
            now: dt.datetime) -> Snapshot:
    """The province (admin, department reviewer) publishes the round in its next stage; a district
    publishes its communes. The rankings are computed here, once, over the round's scores."""
    with uow:
        publication = _existing_round(uow, round_id)
        inputs: dict[str, Any] = dict(
            scores=uow.scores.of_round(round_id), expected=uow.units.of_round(round_id), rules=catalog_rules(),
            last_published=uow.snapshots.last_published(round_id),
            previous_year=uow.snapshots.previous_year(publication.kind, publication.year), by=principal.user, now=now)
        if principal.role is not Role.ADMIN:
            _require_reviewer_of(publication, principal, inputs["expected"])
        if principal.role in PROVINCE_ROLES:
            snapshot = publication.publish_province(**inputs, stage=stage, feedback_days=feedback_days, note=note,
                                                    pending_requests=_awaited_requests(uow, round_id))
        else:
            snapshot = publication.publish_district(principal.unit, **inputs)
        snapshot.decision_reference = decision_reference.strip()
        uow.snapshots.add(snapshot)
        uow.commit()
        return snapshot


def district_reports(uow: PublicationUnitOfWork, round_id: str, principal: Principal,
                     now: dt.datetime) -> list[dict]:
    """Every district's report for the province; a district reviewer's, its own only."""
    with uow:
        publication = _existing_round(uow, round_id)
        if not reads_everything(principal):
            _require_reviewer_of(publication, principal, uow.units.of_round(round_id))
        items = publication.district_report_status(now)
        if reviewer_kind_of(principal) == "district":
            return [item for item in items if item["district"] == principal.unit]
        return items


def _require_reviewer_of(publication: RoundPublication, principal: Principal, expected) -> None:
    """A reviewer acts for the round only in the role its unit holds in it: the reviewing
    department for the province, a district for its own communes."""
    kind = reviewer_kind_of(principal)
    if kind is None or not publication.reviewed_by(principal.unit, kind, expected):
        raise Forbidden(Bilingual(f"Đơn vị '{principal.unit}' không thẩm định trong kỳ '{publication.round_id}' với "
                                  f"vai trò '{principal.role.value}'",
                                  f"unit '{principal.unit}' does not review in round "
                                  f"'{publication.round_id}' as '{principal.role.value}'"))


def snapshots(uow: PublicationUnitOfWork, round_id: str) -> list[dict[str, Any]]:
    """Every published version of the round (public)."""
    with uow:
        found = uow.snapshots.of_round(round_id)
        if not found:
            raise not_found(PUBLISHED_ROUND, round_id)
        return found


def rankings(uow: PublicationUnitOfWork, round_id: str, version: int | None = None) -> list[dict[str, Any]]:
    """The round's rankings as of a version (default: the newest): scope, completeness, snapshot."""
    with uow:
        current = uow.snapshots.current_scopes(round_id, version)
        if not current:
            raise not_found(PUBLISHED_ROUND, round_id)
        return [{**summary, "stage": summary["snapshot"]["stage"], "snapshot_version": summary["snapshot"]["version"],
                 "published_at": summary["snapshot"]["published_at"]}
                for summary in (current[scope] for scope in sorted(current, key=scope_sort_key))]


def standings(uow: PublicationUnitOfWork, round_id: str, *, scope: str | None = None, unit_type: str | None = None,
              version: int | None = None, unit_code: str | None = None) -> list[dict[str, Any]]:
    """Published standings only: nothing that was not published is ever read here."""
    with uow:
        found = uow.snapshots.standings(round_id, version=version, scope=scope, unit_code=unit_code)
        if not found and not uow.snapshots.of_round(round_id):
            raise not_found(PUBLISHED_ROUND, round_id)
        chosen = [row for row in found if unit_type is None or row["unit_type"] == unit_type]
        return sorted(chosen, key=lambda row: (*scope_sort_key(row["scope"]), row["rank"] or 0, row["unit_code"]))


def unit_history(uow: PublicationUnitOfWork, unit_code: str) -> list[dict[str, Any]]:
    with uow:
        found = uow.snapshots.unit_history(unit_code)
        return sorted(found, key=lambda row: (row["round_id"], *scope_sort_key(row["scope"])))


def search_units(uow: PublicationUnitOfWork, query: str) -> list[dict[str, Any]]:
    """Units with a published result whose name or code matches, with or without diacritics."""
    with uow:
        found = [unit for unit in uow.snapshots.published_units()
                 if matches(query, unit["unit_name_vi"], unit["unit_code"])]
        return sorted(found, key=lambda unit: (fold(unit["unit_name_vi"]), unit["unit_code"]))


def published_rounds(uow: PublicationUnitOfWork) -> list[dict[str, Any]]:
    with uow:
        return uow.snapshots.published_rounds()


def _awaited_requests(uow: PublicationUnitOfWork, round_id: str) -> int:
    """Requests the final results wait for: unanswered, or accepted and not yet scored again."""
    requests = uow.reconsiderations.of_round(round_id)
    current = {request.report_id: uow.scores.of_report(request.report_id) for request in requests
               if request.status != "rejected"}
    return sum(1 for request in requests
               if request.awaits(current[request.report_id].score_id if current.get(request.report_id) else None))


def file_reconsideration(uow: PublicationUnitOfWork, round_id: str, principal: Principal, *, criteria: list[str],
                         reason: str, now: dt.datetime) -> Reconsideration:
    """A unit asks for criteria of its provisional result to be reconsidered (kiến nghị)."""
    with uow:
        publication = _existing_round(uow, round_id)
        published = uow.snapshots.standings(round_id, unit_code=principal.unit)
        if not published:
            raise not_found(Bilingual("Kết quả công bố của đơn vị", "published result of unit"), principal.unit)
        standing = published[0]
        score = uow.scores.of_report(standing["report_id"])
        request = Reconsideration.file(
            window_open=publication.feedback_open(now), known_criteria=set(standing["criteria"]),
            criteria=criteria, reason=reason, round_id=round_id, report_id=standing["report_id"],
            unit_code=principal.unit, unit_name_vi=standing["unit_name_vi"],
            reviewer_unit_code=score.reviewer_unit_code if score else "", published_score_id=standing["score_id"],
            filed_by=principal.user, filed_at=now)
        uow.reconsiderations.add(request)
        uow.commit()
        return request


def answer_reconsideration(uow: PublicationUnitOfWork, request_id: str, principal: Principal, *, criterion: str,
                           decision: str, reason: str, now: dt.datetime) -> Reconsideration:
    """The reviewer answers one criterion of a request; the last answer settles it."""
    with uow:
        request = uow.reconsiderations.get(request_id)
        if request is None:
            raise not_found(Bilingual("Kiến nghị", "reconsideration request"), request_id)
        score = uow.scores.of_report(request.report_id)
        if principal.role is not Role.ADMIN and not (score and reviews(principal, score.reviewer_unit_code,
                                                                       score.reviewer_kind)):
            raise Forbidden(Bilingual(f"Đơn vị '{principal.unit}' không thẩm định báo cáo của '{request.unit_code}'",
                                      f"'{principal.unit}' does not review the report of '{request.unit_code}'"))
        request.answer(criterion, decision, reason, by=principal.user, now=now)
        uow.commit()
        return request


def reconsiderations(uow: PublicationUnitOfWork, round_id: str, principal: Principal) -> list[Reconsideration]:
    """A unit sees its own requests and their answers; a district its communes'; the province all."""
    with uow:
        if belongs_to(principal, principal.unit):
            return uow.reconsiderations.of_round(round_id, unit_code=principal.unit)
        if not reads_everything(principal):
            return uow.reconsiderations.of_round(round_id, reviewer_unit_code=principal.unit)
        return uow.reconsiderations.of_round(round_id)
