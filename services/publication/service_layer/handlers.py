"""Use cases of the publication service: collect scores, publish a round, look results up."""
from __future__ import annotations

import datetime as dt

from services.publication.domain.publication import Result, RoundPublication
from services.publication.service_layer.unit_of_work import PublicationUnitOfWork
from shared.auth import Principal, Role
from shared.clock import utc_now
from shared.cloudevents import CloudEvent
from shared.criteria import load_catalog
from shared.http_problems import not_found


def _round(uow: PublicationUnitOfWork, round_id: str) -> RoundPublication:
    publication = uow.rounds.get(round_id)
    if publication is None:
        publication = RoundPublication(round_id)
        uow.rounds.add(publication)
    return publication


def on_round_opened(uow: PublicationUnitOfWork, event: CloudEvent) -> None:
    publication = _round(uow, event.data["round_id"])
    publication.kind = event.data["kind"]
    publication.year = event.data["year"]
    due = event.data.get("commune_results_due")
    publication.commune_results_due = dt.datetime.fromisoformat(due) if due else None
    publication.reporting_districts = list(event.data.get("reporting_districts", []))


def on_round_closed(uow: PublicationUnitOfWork, event: CloudEvent) -> None:
    _round(uow, event.data["round_id"]).status = "closed"


def on_report_scored(uow: PublicationUnitOfWork, event: CloudEvent) -> None:
    _round(uow, event.data["round_id"]).record_score(event.data)


def publish(uow: PublicationUnitOfWork, round_id: str, principal: Principal,
            now: dt.datetime | None = None) -> list[Result]:
    """The province (admin, department reviewer) publishes the round; a district publishes its communes."""
    with uow:
        publication = uow.rounds.get(round_id)
        if publication is None:
            raise not_found("round", round_id)
        publisher_unit = None if principal.role in (Role.ADMIN, Role.DEPARTMENT_REVIEWER) else principal.unit
        published = publication.publish(publisher_unit=publisher_unit, by=principal.user,
                                        now=now or utc_now(),
                                        tie_breakers_for=lambda version: load_catalog(version).tie_breakers)
        uow.commit()
        return _in_rank_order(published)


def district_reports(uow: PublicationUnitOfWork, round_id: str, now: dt.datetime | None = None) -> list[dict]:
    with uow:
        publication = uow.rounds.get(round_id)
        if publication is None:
            raise not_found("round", round_id)
        return publication.district_report_status(now or utc_now())


def published_results(uow: PublicationUnitOfWork, round_id: str, unit_type: str | None) -> list[Result]:
    with uow:
        publication = uow.rounds.get(round_id)
        if publication is None:
            raise not_found("round", round_id)
        chosen = [result for result in publication.results if result.published_score_id
                  and (unit_type is None or result.unit_type == unit_type)]
        return _in_rank_order(chosen)


def _in_rank_order(results: list[Result]) -> list[Result]:
    return sorted(results, key=lambda r: (r.ranking_scope, r.published_rank or 0, r.unit_code))

