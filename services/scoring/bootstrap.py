"""Wires the scoring service: its runtime (database, outbox relay, consumer) and its app."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.scoring.adapters import orm
from services.scoring.adapters.reconciliation_view import round_reports
from services.scoring.entrypoints import consumers
from services.scoring.entrypoints.catalog_http import catalog_blp
from services.scoring.entrypoints.http import scores_blp
from services.scoring.service_layer.unit_of_work import ScoringUnitOfWork
from shared import config
from shared.http import create_service_app
from shared.reconciliation_http import reconciliation_blueprint
from shared.runtime import ServiceRuntime, build_runtime

SERVICE = "scoring"
MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


def runtime(settings: config.ServiceSettings | None = None) -> ServiceRuntime:
    orm.start_mappers()
    return build_runtime(settings or config.load(SERVICE), orm.messaging_tables, MIGRATIONS,
                         ScoringUnitOfWork, consumers.subscriptions)


def create_app(service_runtime: ServiceRuntime | None = None) -> Flask:
    return create_service_app(service_runtime or runtime(), title="CQS — Tính điểm (scoring)",
                              blueprints=[scores_blp, catalog_blp, reconciliation_blueprint(round_reports)])
