"""Wires the publication service: its runtime (database, outbox relay, consumers) and its app."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.publication.adapters import orm
from services.publication.entrypoints import consumers
from services.publication.entrypoints.http import results_blp
from services.publication.service_layer.unit_of_work import PublicationUnitOfWork
from shared import config
from shared.http import create_service_app
from shared.runtime import ServiceRuntime, build_runtime

SERVICE = "publication"
MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


def runtime(settings: config.ServiceSettings | None = None) -> ServiceRuntime:
    orm.start_mappers()
    return build_runtime(settings or config.load(SERVICE), (orm.outbox, orm.processed_events), MIGRATIONS,
                         PublicationUnitOfWork, consumers.subscriptions)


def create_app(service_runtime: ServiceRuntime | None = None) -> Flask:
    return create_service_app(service_runtime or runtime(), title="CQS — Công bố kết quả (publication)",
                              blueprints=[results_blp])
