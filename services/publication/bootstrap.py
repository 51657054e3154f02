"""Wires the publication service: its runtime (database, outbox relay, consumers) and its app."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.publication.adapters import orm
from services.publication.adapters.reconciliation_view import round_reports
from services.publication.adapters.webhook_sender import post_signed
from services.publication.entrypoints import consumers
from services.publication.entrypoints.http import results_blp, webhooks_blp
from services.publication.service_layer import webhooks
from services.publication.service_layer.unit_of_work import PublicationUnitOfWork
from shared import config
from shared.http import create_service_app
from shared.reconciliation_http import reconciliation_blueprint
from shared.runtime import PeriodicJob, ServiceRuntime, build_runtime

SERVICE = "publication"
MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"
WEBHOOK_INTERVAL_S = 1.0


def runtime(settings: config.ServiceSettings | None = None,
            webhook_policy: webhooks.DeliveryPolicy | None = None) -> ServiceRuntime:
    orm.start_mappers()
    service_runtime = build_runtime(settings or config.load(SERVICE), orm.messaging_tables,
                                    MIGRATIONS, PublicationUnitOfWork, consumers.subscriptions)
    policy = webhook_policy or webhooks.DeliveryPolicy.from_env()
    service_runtime.periodic_jobs.append(PeriodicJob("webhooks", WEBHOOK_INTERVAL_S, lambda now: webhooks.deliver_due(
        service_runtime.uow_factory, post_signed, policy, now)))
    return service_runtime


def create_app(service_runtime: ServiceRuntime | None = None) -> Flask:
    return create_service_app(service_runtime or runtime(), title="CQS — Công bố kết quả (publication)",
                              blueprints=[results_blp, webhooks_blp, reconciliation_blueprint(round_reports)])
