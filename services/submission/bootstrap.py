"""Wires the submission service: its runtime (database, outbox relay, consumers) and its app."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.submission.adapters import orm
from services.submission.domain.reports import ReportNotEditable
from services.submission.entrypoints import consumers
from services.submission.entrypoints.evidence_http import evidence_blp
from services.submission.entrypoints.http import reports_blp
from services.submission.service_layer.unit_of_work import SubmissionUnitOfWork
from shared import config
from shared.http import create_service_app
from shared.runtime import ServiceRuntime, build_runtime

SERVICE = "submission"
MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


def runtime(settings: config.ServiceSettings | None = None) -> ServiceRuntime:
    orm.start_mappers()
    return build_runtime(settings or config.load(SERVICE), (orm.outbox, orm.processed_events), MIGRATIONS,
                         SubmissionUnitOfWork, consumers.subscriptions)


def create_app(service_runtime: ServiceRuntime | None = None) -> Flask:
    return create_service_app(service_runtime or runtime(), title="CQS — Tiếp nhận báo cáo (submission)",
                              blueprints=[reports_blp, evidence_blp], problems=((ReportNotEditable, 409, "Report not editable"),))
