"""Wires the review service: its runtime (database, outbox relay, consumers) and its app."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.review.adapters import orm
from services.review.adapters.reconciliation_view import round_reports
from services.review.entrypoints import consumers
from services.review.entrypoints.http import review_blp
from services.review.service_layer.unit_of_work import ReviewUnitOfWork
from shared import config
from shared.http import create_service_app
from shared.reconciliation_http import reconciliation_blueprint
from shared.runtime import ServiceRuntime, build_runtime

SERVICE = "review"
MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


def runtime(settings: config.ServiceSettings | None = None) -> ServiceRuntime:
    orm.start_mappers()
    return build_runtime(settings or config.load(SERVICE), orm.messaging_tables, MIGRATIONS,
                         ReviewUnitOfWork, consumers.subscriptions)


def create_app(service_runtime: ServiceRuntime | None = None) -> Flask:
    return create_service_app(service_runtime or runtime(), title="CQS — Thẩm định báo cáo (review)",
                              blueprints=[review_blp, reconciliation_blueprint(round_reports)])
