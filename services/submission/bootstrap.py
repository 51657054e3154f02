"""Wires the submission service: its runtime (database, outbox relay, consumers, the reporting
calendar's scheduler) and its app."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.rounds.entrypoints.http import rounds_blp, units_blp
from services.rounds.service_layer import scheduler
from services.submission.adapters import orm
from services.submission.adapters.reconciliation_view import round_reports
from services.submission.entrypoints import consumers
from services.submission.entrypoints.evidence_http import evidence_blp
from services.submission.entrypoints.http import reports_blp
from services.submission.entrypoints.measurements_http import measurements_blp
from services.submission.service_layer.unit_of_work import SubmissionUnitOfWork
from shared import config
from shared.http import create_service_app
from shared.reconciliation_http import reconciliation_blueprint
from shared.runtime import PeriodicJob, ServiceRuntime, build_runtime

SERVICE = "submission"
MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"
# Deadlines fall on midnights and reminders count in days, so checking every minute is plenty.
CALENDAR_INTERVAL_S = 60.0


def runtime(settings: config.ServiceSettings | None = None) -> ServiceRuntime:
    orm.start_mappers()
    service_runtime = build_runtime(settings or config.load(SERVICE), orm.messaging_tables, MIGRATIONS,
                                    SubmissionUnitOfWork, consumers.subscriptions)
    service_runtime.periodic_jobs.append(PeriodicJob(
        "calendar", CALENDAR_INTERVAL_S, lambda now: scheduler.run_calendar(service_runtime.uow_factory, now)))
    return service_runtime


def create_app(service_runtime: ServiceRuntime | None = None) -> Flask:
    return create_service_app(service_runtime or runtime(), title="CQS — Tiếp nhận báo cáo (submission)",
                              blueprints=[reports_blp, evidence_blp, rounds_blp, units_blp, measurements_blp,
                                          reconciliation_blueprint(round_reports)])
